"""`garden deploy` against a local bare repository standing in for GitHub: history kept,
.nojekyll and CNAME right, the user's branch, index and working tree untouched, a remote
that moved handled, and one-line messages for what can go wrong."""
from __future__ import annotations

import os
import stat
import subprocess
import textwrap

import pytest
from conftest import write_files

from garden.cli import main
from garden.deploy import pages_url

NOTES = {
    "content/Home.md": '---\n{"dg-publish":true,"dg-home":true,"title":"Orchard log"}\n---\nPruning notes. See [[Pears]].\n',
    "content/Pears.md": '---\n{"dg-publish":true,"permalink":"/pears/","title":"Pears"}\n---\nConference, Comice.\n',
    "content/Private.md": "---\ndg-publish: false\n---\nnot for the site\n",
}


def git(cwd, *args, check=True) -> str:
    r = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    if check and r.returncode != 0:
        raise AssertionError(f"git {' '.join(args)}: {r.stderr}")
    return r.stdout.strip()


@pytest.fixture(autouse=True)
def isolated_git(tmp_path, monkeypatch):
    """Tests never read the machine's git settings."""
    config = tmp_path / "gitconfig"
    config.write_text("[user]\n\tname = Test Gardener\n\temail = test@example.org\n"
                      "[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A garden in a git repository whose remote 'origin' is github.com/ada/orchard, rewritten
    (insteadOf) to a bare repository on disk."""
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    work = tmp_path / "work"
    write_files(work, {**NOTES, "garden.toml": 'title = "Orchard"\n', ".gitignore": "/build/\n/.garden-cache/\n",
                       "README.md": "orchard\n"})
    git(work, "init", "-q")
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "notes")
    git(work, "remote", "add", "origin", "https://github.com/ada/orchard.git")
    git(work, "config", f"url.{remote.as_uri()}.insteadOf", "https://github.com/ada/orchard.git")
    monkeypatch.chdir(work)
    return work, remote


def deploy(*args, capsys=None) -> tuple[int, str]:
    code = main(["deploy", *map(str, args)])
    err = capsys.readouterr().err if capsys else ""
    return code, err


def tree(repo, ref) -> dict[str, str]:
    """path -> content of every file in a commit (binary files decoded leniently)."""
    names = git(repo, "ls-tree", "-r", "--name-only", ref).splitlines()
    return {n: subprocess.run(["git", "show", f"{ref}:{n}"], cwd=repo, capture_output=True, check=True)
            .stdout.decode("utf-8", "replace").strip() for n in names}


def history(repo, ref="gh-pages") -> list[str]:
    return git(repo, "rev-list", ref).splitlines()


def user_state(work) -> dict:
    return {
        "status": git(work, "--no-optional-locks", "status", "--porcelain"),
        "head": git(work, "rev-parse", "HEAD"),
        "branch": git(work, "symbolic-ref", "HEAD"),
        "index": (work / ".git" / "index").read_bytes(),
        "dirty": (work / "README.md").read_text(),
        "staged": git(work, "diff", "--cached"),
    }


def test_two_deploys_make_two_commits_of_the_built_site(project, capsys):
    work, remote = project
    (work / "README.md").write_text("orchard, edited but not committed\n")
    write_files(work, {"staged.txt": "staged"})
    git(work, "add", "staged.txt")
    before = user_state(work)

    code, err = deploy(capsys=capsys)
    assert code == 0, err
    assert "base URL https://ada.github.io/orchard/ (inferred from the remote 'origin'" in err
    assert "choose the branch gh-pages" in err  # the first deploy says how to switch Pages on
    first = tree(remote, "gh-pages")
    built = sorted(p.relative_to(work / "build").as_posix() for p in (work / "build").rglob("*")
                   if p.is_file() and p.name != ".garden-manifest.json")
    assert sorted(first) == built
    assert first[".nojekyll"] == ""
    assert ".garden-manifest.json" not in first and "CNAME" not in first
    assert "Pruning notes" in first["index.html"] and "Conference" in first["pears/index.html"]
    assert '<link rel="canonical" href="https://ada.github.io/orchard/pears/">' in first["pears/index.html"]
    assert "not for the site" not in "".join(first.values())
    assert user_state(work) == before

    (work / "content" / "Pears.md").write_text(NOTES["content/Pears.md"].replace("Comice", "Williams"))
    before = user_state(work)
    code, err = deploy("--message", "second harvest", capsys=capsys)
    assert code == 0, err
    commits = history(remote)
    assert len(commits) == 2
    assert git(remote, "rev-parse", "gh-pages^") == commits[1]
    assert git(remote, "log", "-1", "--format=%s", "gh-pages") == "second harvest"
    assert "Deploy the garden from " in git(remote, "log", "-1", "--format=%s", "gh-pages^")
    assert "Williams" in tree(remote, "gh-pages")["pears/index.html"]
    assert user_state(work) == before
    assert git(work, "rev-parse", "gh-pages") == commits[0]  # the local branch follows


def test_a_cname_once_given_is_kept(project, capsys):
    work, remote = project
    code, err = deploy("--cname", "https://Notes.Example.org/", capsys=capsys)
    assert code == 0, err
    assert tree(remote, "gh-pages")["CNAME"] == "notes.example.org"
    assert "base URL https://notes.example.org/ (from the custom domain" in err

    code, err = deploy(capsys=capsys)
    assert code == 0, err
    second = tree(remote, "gh-pages")
    assert second["CNAME"] == "notes.example.org"
    assert '<link rel="canonical" href="https://notes.example.org/pears/">' in second["pears/index.html"]

    (work / "garden.toml").write_text('title = "Orchard"\ncname = "orchard.example.net"\n')
    assert deploy(capsys=capsys)[0] == 0
    assert tree(remote, "gh-pages")["CNAME"] == "orchard.example.net"
    assert len(history(remote)) == 3


def other_clone(tmp_path, remote):
    clone = tmp_path / "elsewhere"
    git(tmp_path, "clone", "-q", "--branch", "gh-pages", str(remote), str(clone))
    return clone


def test_a_remote_that_moved_is_fetched_and_built_upon(project, tmp_path, capsys):
    work, remote = project
    assert deploy(capsys=capsys)[0] == 0
    # Someone else deploys meanwhile, with a custom domain.
    clone = other_clone(tmp_path, remote)
    (clone / "CNAME").write_text("moved.example.org\n")
    git(clone, "add", "CNAME")
    git(clone, "commit", "-q", "-m", "someone else's deploy")
    git(clone, "push", "-q", "origin", "gh-pages")
    theirs = git(clone, "rev-parse", "HEAD")

    code, err = deploy(capsys=capsys)
    assert code == 0, err
    assert "has changed since the last fetch; fetching it" in err
    assert git(remote, "rev-parse", "gh-pages^") == theirs
    assert len(history(remote)) == 3
    assert tree(remote, "gh-pages")["CNAME"] == "moved.example.org"  # their CNAME is kept too
    assert git(work, "rev-parse", "gh-pages") == git(remote, "rev-parse", "gh-pages")


def race_hook(work, clone, times: int) -> None:
    """A pre-push hook that, `times` times, deploys from another clone just before our push lands."""
    hook = work / ".git" / "hooks" / "pre-push"
    hook.write_text(textwrap.dedent(f"""\
        #!/bin/sh
        cat > /dev/null
        unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE
        count=$(cat "{clone}/.races" 2>/dev/null || echo 0)
        [ "$count" -ge {times} ] && exit 0
        echo $((count + 1)) > "{clone}/.races"
        cd "{clone}" && git pull -q --rebase origin gh-pages && echo "race $count" > race.txt \\
          && git add race.txt && git commit -q -m "race $count" && git push -q origin HEAD:gh-pages
        """))
    hook.chmod(hook.stat().st_mode | stat.S_IEXEC)


def test_a_push_that_loses_a_race_is_retried_once(project, tmp_path, capsys):
    work, remote = project
    assert deploy(capsys=capsys)[0] == 0
    race_hook(work, other_clone(tmp_path, remote), times=1)
    code, err = deploy(capsys=capsys)
    assert code == 0, err
    assert "fetching it and committing on top of it" in err
    top = tree(remote, "gh-pages")
    assert "race.txt" not in top and "Pruning notes" in top["index.html"]  # ours, on top of theirs
    assert git(remote, "log", "-1", "--format=%s", "gh-pages^") == "race 0"


def test_a_push_that_loses_twice_explains_and_exits_1(project, tmp_path, capsys):
    work, remote = project
    assert deploy(capsys=capsys)[0] == 0
    race_hook(work, other_clone(tmp_path, remote), times=2)
    code, err = deploy(capsys=capsys)
    assert code == 1
    last = err.strip().splitlines()[-1]
    assert last.startswith("garden: error: the remote's gh-pages changed again while deploying")
    assert "run garden deploy again" in last
    assert "Traceback" not in err
    assert git(remote, "log", "-1", "--format=%s", "gh-pages") == "race 1"


def test_a_push_refused_for_another_reason_says_why(project, capsys):
    work, remote = project
    hook = remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'branch is protected' >&2\nexit 1\n")
    hook.chmod(0o755)
    code, err = deploy(capsys=capsys)
    assert code == 1
    assert "garden: error: git push to origin failed: [remote rejected]" in err
    assert "pre-receive hook declined" in err and "(the remote says: branch is protected)" in err
    assert "push it with git push origin gh-pages" in err


def test_no_push_commits_locally_even_from_a_tracked_output_folder(project, capsys):
    work, _ = project
    (work / ".gitignore").write_text("/.garden-cache/\n")
    git(work, "remote", "remove", "origin")
    code, err = deploy("--no-push", "--branch", "site", capsys=capsys)
    assert code == 0, err
    assert "committed the site to site" in err and "without pushing" in err
    assert "no base URL configured" in err
    assert "build/ is not in .gitignore" in err
    files = tree(work, "site")
    assert "pears/index.html" in files and ".nojekyll" in files
    assert not any(name.startswith("build/") or name.startswith("content/") for name in files)
    assert git(work, "symbolic-ref", "HEAD") == "refs/heads/main"


@pytest.mark.parametrize("link", ["notes.txt", "pears/notes.txt", "extra"])
def test_a_link_in_the_output_folder_never_publishes_what_it_leads_to(project, tmp_path, capsys, link):
    """A file outside the site (a key, a private note) must not reach the public branch
    because a symlink to it, or to its folder, sits in the output folder."""
    work, remote = project
    code, err = deploy(capsys=capsys)
    assert code == 0, err
    outside = tmp_path / "private"
    write_files(outside, {"notes.txt": "SECRET-OUTSIDE-THE-SITE"})
    target = outside if link == "extra" else outside / "notes.txt"
    os.symlink(target, work / "build" / link)

    code, err = deploy(capsys=capsys)
    assert code == 1
    assert err.splitlines()[-1] == (
        f"garden: error: {work / 'build' / link}: a symbolic link; garden deploy publishes only the files "
        "in the output folder, never what a link leads to. Remove the link, or put a copy there")
    assert len(history(remote)) == 1  # nothing new was pushed
    assert len(history(work)) == 1
    assert all("SECRET" not in text for text in tree(remote, "gh-pages").values())


def test_not_a_git_repository(tmp_path, monkeypatch, capsys):
    write_files(tmp_path / "g", NOTES)
    monkeypatch.chdir(tmp_path / "g")
    code, err = deploy(capsys=capsys)
    assert code == 1
    assert err.startswith("garden: error: ") and "is not in a git repository" in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "g" / "build").exists()  # nothing was built


def test_no_such_remote(project, capsys):
    work, _ = project
    code, err = deploy("--remote", "upstream", capsys=capsys)
    assert code == 1
    assert "there is no remote named 'upstream'" in err and "its remotes are origin" in err
    assert len(err.strip().splitlines()) == 1
    assert git(work, "rev-parse", "--verify", "--quiet", "gh-pages", check=False) == ""


def test_git_not_installed(project, tmp_path, monkeypatch, capsys):
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    code, err = deploy(capsys=capsys)
    assert code == 1
    assert err.strip() == ("garden: error: git is not installed (or not on PATH); garden deploy needs it. "
                           "Install git, or run garden build and upload the output folder yourself")


def test_the_checked_out_branch_is_refused(project, capsys):
    work, _ = project
    code, err = deploy("--branch", "main", capsys=capsys)
    assert code == 1
    assert "the branch main is checked out in" in err
    assert git(work, "log", "--format=%s") == "notes"


@pytest.mark.parametrize("url, site", [
    ("https://github.com/ada/orchard.git", "https://ada.github.io/orchard/"),
    ("https://github.com/ada/orchard", "https://ada.github.io/orchard/"),
    ("https://token@github.com/Ada/orchard.git/", "https://ada.github.io/orchard/"),
    ("git@github.com:ada/orchard.git", "https://ada.github.io/orchard/"),
    ("ssh://git@github.com/ada/orchard.git", "https://ada.github.io/orchard/"),
    ("ssh://git@github.com:22/ada/my.notes", "https://ada.github.io/my.notes/"),
    ("git@github.com:Ada/ada.github.io.git", "https://ada.github.io/"),
    ("https://github.com/ada/ADA.github.io", "https://ada.github.io/"),
    ("https://gitlab.com/ada/orchard.git", None),
    ("/srv/git/orchard.git", None),
    ("https://github.com/ada", None),
])
def test_pages_url_from_the_remote(url, site):
    assert pages_url(url) == site


def test_deploy_leaves_no_temporary_index_behind(project, capsys):
    work, _ = project
    import tempfile
    before = set(os.listdir(tempfile.gettempdir()))
    assert deploy("--no-push", capsys=capsys)[0] == 0
    assert not [n for n in set(os.listdir(tempfile.gettempdir())) - before if n.startswith("garden-deploy-")]
