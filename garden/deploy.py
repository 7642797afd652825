"""`garden deploy`: build the site and push it to a GitHub Pages branch.

What `mkdocs gh-deploy` does, with git's plumbing only, so the branch you work on,
your index and your working tree are never touched:

1. build the site (the base URL inferred from the remote when none is configured);
2. hash the output folder's files into git's object store (`hash-object`, no
   filters, so LFS or line-ending rules never rewrite the site), add `.nojekyll`
   and `CNAME`, and write a tree through a temporary index (`GIT_INDEX_FILE`); a
   symbolic link in that folder stops the deploy, so nothing outside it is published;
3. commit that tree on top of the branch's previous tip (`commit-tree`), so every
   deploy is one more commit, and move the branch (`update-ref`);
4. push. When the remote moved meanwhile, fetch it, commit again on top of its new
   tip and retry once; then explain.

The files come from the output folder itself, never from `git status`, so it does
not matter whether that folder is inside the repository, ignored or not.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .write import MANIFEST, STAGING

NOJEKYLL = ".nojekyll"  # GitHub Pages would otherwise run Jekyll, which drops files starting with _
CNAME = "CNAME"
GITHUB = re.compile(r"^(?:(?:https?|ssh|git)://)?(?:[^@/]+@)?(?:www\.)?github\.com(?::\d+)?[:/]+"
                    r"([A-Za-z0-9-]+)/([A-Za-z0-9._-]+?)(?:\.git)?/*$", re.I)
DOMAIN = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")


class DeployError(Exception):
    """A problem that stops the deploy, told in one line (and a hint) instead of a traceback."""


def add_arguments(p: argparse.ArgumentParser) -> None:
    from .cli import add_source_arguments
    add_source_arguments(p)
    p.add_argument("--remote", default="origin", help="the git remote to push to (default: origin)")
    p.add_argument("--branch", default="gh-pages", help="the branch GitHub Pages serves (default: gh-pages)")
    p.add_argument("--message", "-m", help="the commit message (default: which commit was deployed)")
    p.add_argument("--cname", metavar="DOMAIN",
                   help="a custom domain, written as the CNAME file and kept on later deploys")
    p.add_argument("--no-push", action="store_true", help="commit to the branch but do not push it")


def run(args) -> int:
    try:
        return deploy(args)
    except DeployError as exc:
        sys.stderr.write(f"garden: error: {exc}\n")
        return 1


def say(text: str) -> None:
    sys.stderr.write(f"garden: {text}\n")


# --- git ---------------------------------------------------------------------------------------

class Git:
    """git commands in one repository, with messages in English so they can be read."""

    def __init__(self, top: Path):
        self.top = top

    @staticmethod
    def call(cwd: Path, *args: str, input: str | None = None, env: dict | None = None):
        full_env = {**os.environ, "LC_ALL": "C", "LANGUAGE": "C", **(env or {})}
        try:
            return subprocess.run(["git", *args], cwd=cwd, input=input, env=full_env, capture_output=True,
                                  text=True, encoding="utf-8", errors="replace")
        except FileNotFoundError:
            raise DeployError("git is not installed (or not on PATH); garden deploy needs it. "
                              "Install git, or run garden build and upload the output folder yourself") from None

    def run(self, *args: str, input=None, env=None) -> str:
        r = self.call(self.top, *args, input=input, env=env)
        if r.returncode != 0:
            raise DeployError(f"git {args[0]} failed: {git_says(r.stderr)}")
        return r.stdout

    def ok(self, *args: str) -> bool:
        return self.call(self.top, *args).returncode == 0

    def rev(self, ref: str) -> str | None:
        r = self.call(self.top, "rev-parse", "--verify", "--quiet", ref + "^{commit}")
        return (r.stdout.strip() or None) if r.returncode == 0 else None

    def blob(self, commit: str, path: str) -> str | None:
        r = self.call(self.top, "cat-file", "blob", f"{commit}:{path}")
        return r.stdout if r.returncode == 0 else None


def git_says(text: str) -> str:
    """The line or two of git's output that say what went wrong (its `fatal:`/`error:` lines)."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    telling = [re.sub(r"^(fatal|error): ", "", line) for line in lines
               if line.startswith(("fatal:", "error:")) or "denied" in line.lower()]
    return "; ".join(t.rstrip(".") for t in telling[:2]) or (lines[-1] if lines else "no message")


def find_repository(source: Path) -> Git:
    if shutil.which("git") is None:
        Git.call(source, "--version")  # raises the "git is not installed" message
    r = Git.call(source, "rev-parse", "--show-toplevel")
    if r.returncode != 0:
        if "not a git repository" in r.stderr:
            raise DeployError(f"{source} is not in a git repository. garden deploy commits the site to a branch "
                              "of your repository and pushes it: run git init and git remote add origin "
                              "https://github.com/<user>/<repo>.git first")
        raise DeployError(f"git cannot use the repository at {source}: {git_says(r.stderr)}")
    return Git(Path(r.stdout.strip()))


# --- where the site will live ------------------------------------------------------------------

def pages_url(remote_url: str) -> str | None:
    """The GitHub Pages address of a github.com repository: https://<user>.github.io/<repo>/,
    or the root for the `<user>.github.io` repository itself."""
    m = GITHUB.match(remote_url.strip())
    if not m:
        return None
    host = f"{m.group(1).lower()}.github.io"
    return f"https://{host}/" if m.group(2).lower() == host else f"https://{host}/{m.group(2)}/"


def remote_pages_url(git: Git, remote: str, url: str) -> str | None:
    """pages_url of the remote as configured, or as git expands it (`insteadOf` shorthands)."""
    written = git.call(git.top, "config", "--get", f"remote.{remote}.url").stdout.strip()
    return pages_url(written) or pages_url(url)


def normalize_cname(value: str, where: str) -> str:
    domain = re.sub(r"^[a-z]+://", "", value.strip().lower()).strip("/")
    if domain and not DOMAIN.match(domain):
        raise DeployError(f"{where}: '{value}' is not a domain name (e.g. notes.example.com)")
    return domain


# --- the commit --------------------------------------------------------------------------------

@dataclass
class Site:
    files: dict[str, str]  # site path -> blob id, .nojekyll included, CNAME not


def hash_site(git: Git, out: Path) -> Site:
    """Every file in the output folder into git's object store, as it is on disk.

    A symbolic link is refused, not followed: git would store what it leads to, and
    that can be any file of the machine (a key, a private note), on a public branch.
    """
    paths = []
    for folder, dirs, names in os.walk(out):
        dirs[:] = sorted(d for d in dirs if not (Path(folder) == out and d == STAGING))
        for name in sorted(dirs + names):
            path = Path(folder) / name
            rel = path.relative_to(out).as_posix()
            if rel in (MANIFEST, CNAME):
                continue
            if path.is_symlink():
                raise DeployError(f"{path}: a symbolic link; garden deploy publishes only the files in the "
                                  "output folder, never what a link leads to. Remove the link, or put a copy there")
            if not path.is_file():
                continue
            if "\n" in rel or "\r" in rel:
                raise DeployError(f"{path}: a file name with a line break cannot be deployed; rename it")
            paths.append((rel, path))
    ids = git.run("hash-object", "-w", "--no-filters", "--stdin-paths",
                  input="".join(f"{path}\n" for _, path in paths)).split()
    files = dict(zip((rel for rel, _ in paths), ids))
    if NOJEKYLL not in files:
        files[NOJEKYLL] = git.run("hash-object", "-w", "--stdin", input="").strip()
    return Site(files)


def write_tree(git: Git, site: Site, cname: str) -> str:
    """The tree of the site (and CNAME), written through a temporary index, never yours."""
    files = dict(site.files)
    if cname:
        files[CNAME] = git.run("hash-object", "-w", "--stdin", input=cname + "\n").strip()
    with tempfile.TemporaryDirectory(prefix="garden-deploy-") as tmp:
        env = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
        records = "".join(f"100644 {blob}\t{rel}\0" for rel, blob in sorted(files.items()))
        git.run("update-index", "-z", "--index-info", input=records, env=env)
        return git.run("write-tree", env=env).strip()


def identity_env(git: Git) -> dict:
    """Who the commit is by: the user's git identity, or garden's when git has none."""
    if git.ok("var", "GIT_COMMITTER_IDENT") and git.ok("var", "GIT_AUTHOR_IDENT"):
        return {}
    return {"GIT_AUTHOR_NAME": "garden", "GIT_AUTHOR_EMAIL": "garden@localhost",
            "GIT_COMMITTER_NAME": "garden", "GIT_COMMITTER_EMAIL": "garden@localhost"}


def commit(git: Git, tree: str, parent: str | None, message: str) -> str:
    args = ["commit-tree", tree] + (["-p", parent] if parent else []) + ["-F", "-"]
    return git.run(*args, input=message + "\n", env=identity_env(git)).strip()


def move_branch(git: Git, branch: str, new: str, old: str | None) -> None:
    """Point the branch at `new` if it still is where it was (`old`; None: did not exist)."""
    git.run("update-ref", "-m", "garden deploy", f"refs/heads/{branch}", new, old or "")


def pick_parent(git: Git, branch: str, remote: str | None) -> str | None:
    """The branch's latest deploy: the local branch, unless the remote's copy is newer."""
    local = git.rev(f"refs/heads/{branch}")
    tracking = git.rev(f"refs/remotes/{remote}/{branch}") if remote else None
    if tracking is None or local == tracking:
        return local
    if local is None or not git.ok("merge-base", "--is-ancestor", tracking, local):
        return tracking  # the remote is ahead of us, or went its own way: its history wins
    return local


def checked_out(git: Git, branch: str) -> str | None:
    """The working tree that has `branch` checked out, if any (moving it would change its files)."""
    tree = None
    for line in git.run("worktree", "list", "--porcelain").splitlines():
        if line.startswith("worktree "):
            tree = line[len("worktree "):]
        elif line == f"branch refs/heads/{branch}":
            return tree
    return None


def push(git: Git, remote: str, branch: str) -> str:
    """'' when pushed; 'moved' when the remote's branch is not where we built on; else git's reason."""
    r = git.call(git.top, "push", "--porcelain", remote, f"refs/heads/{branch}:refs/heads/{branch}")
    if r.returncode == 0:
        return ""
    text = r.stdout + r.stderr
    if re.search(r"\[rejected\].*(non-fast-forward|fetch first|stale info)", text) or \
            re.search(r"\[remote rejected\].*(failed to update ref|cannot lock ref|incorrect old value)", text):
        return "moved"
    reason = re.search(r"\[(?:remote )?rejected\][^\n]*", text)
    if not reason:
        return git_says(r.stderr)
    remote_says = " ".join(line[len("remote:"):].strip() for line in r.stderr.splitlines()
                           if line.startswith("remote:") and line[len("remote:"):].strip())
    return reason.group(0) + (f" (the remote says: {remote_says})" if remote_says else "")


# --- the command -------------------------------------------------------------------------------

def deploy(args) -> int:
    from .cli import cmd_build
    from .config import load_config

    if not args.source.is_dir():
        sys.stderr.write(f"garden: error: {args.source} is not a folder\n")
        return 2
    git = find_repository(args.source.resolve())
    branch = args.branch
    remotes = git.run("remote").split()
    remote_url = None
    if args.remote in remotes:
        remote_url = git.run("remote", "get-url", args.remote).strip()
    elif not args.no_push:
        have = f"its remotes are {', '.join(remotes)}" if remotes else "it has no remote"
        raise DeployError(f"there is no remote named '{args.remote}' in {git.top} ({have}). Add it with "
                          f"git remote add {args.remote} https://github.com/<user>/<repo>.git, "
                          "choose another with --remote NAME, or commit without pushing with --no-push")
    where = checked_out(git, branch)
    if where:
        raise DeployError(f"the branch {branch} is checked out in {where}; switch it to another branch first "
                          "(garden deploy changes that branch and never touches a working tree)")
    remote = args.remote if remote_url else None

    cfg = load_config(args.source, out=args.out, base_url=args.base_url, publish=args.publish)
    parent = pick_parent(git, branch, remote)
    given = (normalize_cname(args.cname, "--cname") if args.cname
             else normalize_cname(cfg.cname, "cname in garden.toml"))
    cname = given or previous_cname(git, parent, branch)

    base_url = cfg.base_url
    if not base_url:
        if cname:
            base_url = f"https://{cname}/"
            say(f"base URL {base_url} (from the custom domain; set base_url in garden.toml to choose another)")
        elif remote_url and (base_url := remote_pages_url(git, args.remote, remote_url)):
            say(f"base URL {base_url} (inferred from the remote '{args.remote}'; "
                "set base_url in garden.toml or pass --base-url to choose another)")
        else:
            say("no base URL configured and none can be inferred from the remote; the site's links are "
                "relative and work anywhere, but set base_url in garden.toml for canonical links and feeds")
            base_url = None

    build_args = argparse.Namespace(source=args.source, out=args.out, base_url=base_url, publish=args.publish,
                                    strict=False, force=False, no_cache=False, quiet=False, timings=False)
    code = cmd_build(build_args)
    if code != 0:
        raise DeployError("the build reported errors (above); nothing was deployed")
    if git.top in cfg.out.parents and not git.ok("check-ignore", "-q", str(cfg.out)):
        say(f"note: {os.path.relpath(cfg.out)}/ is not in .gitignore; add it so the built site stays out of "
            "your own branch")

    site = hash_site(git, cfg.out)
    message = args.message or default_message(git)
    old = git.rev(f"refs/heads/{branch}")
    new = commit(git, write_tree(git, site, cname), parent, message)
    move_branch(git, branch, new, old)
    if args.no_push:
        say(f"committed the site to {branch} ({new[:7]}) without pushing; publish it with: "
            f"git push {args.remote} {branch}")
        return 0

    problem = push(git, args.remote, branch)
    if problem == "moved":
        say(f"the remote's {branch} has changed since the last fetch; fetching it and committing on top of it")
        fetched = git.call(git.top, "fetch", "--quiet", args.remote,
                           f"+refs/heads/{branch}:refs/remotes/{args.remote}/{branch}")
        if fetched.returncode != 0:
            raise DeployError(f"git fetch {args.remote} failed: {git_says(fetched.stderr)}")
        parent = git.rev(f"refs/remotes/{args.remote}/{branch}")
        cname = given or previous_cname(git, parent, branch)
        retried = commit(git, write_tree(git, site, cname), parent, message)
        move_branch(git, branch, retried, new)
        new = retried
        problem = push(git, args.remote, branch)
        if problem == "moved":
            raise DeployError(
                f"the remote's {branch} changed again while deploying (is someone else deploying?). "
                f"The site is committed locally on {branch} ({new[:7]}); run garden deploy again in a moment, "
                f"or look at the remote's history with: git fetch {args.remote} && git log {args.remote}/{branch}")
    if problem:
        raise DeployError(f"git push to {args.remote} failed: {problem}. The site is committed locally on "
                          f"{branch} ({new[:7]}); push it with git push {args.remote} {branch} once that is fixed")
    shown = f" at {base_url}" if base_url else ""
    say(f"deployed {new[:7]} to {args.remote}/{branch}{shown}"
        + ("" if parent else f" (first deploy: in the repository's Settings > Pages, choose the branch {branch})"))
    return 0


def previous_cname(git: Git, parent: str | None, branch: str) -> str:
    """The custom domain of the last deploy, so it is kept without being given again."""
    text = git.blob(parent, CNAME) if parent else None
    return normalize_cname(text.strip().splitlines()[0] if text and text.strip() else "", f"the CNAME on {branch}")


def default_message(git: Git) -> str:
    head = git.call(git.top, "rev-parse", "--short", "HEAD")
    source = f" from {head.stdout.strip()}" if head.returncode == 0 else ""
    return f"Deploy the garden{source} with garden {__version__}"
