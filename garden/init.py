"""`garden init [DIR]`: start a garden that is ready to publish.

Writes `garden.toml` (every setting, generated from the `Config` dataclasses so it
always lists exactly the settings garden reads), a welcome note and a second note
in `content/`, `.gitignore`, and a GitHub Actions workflow that builds the site and
publishes it with GitHub Pages. With `--from-digital-garden PATH` it writes the
garden.toml equivalent to a Digital Garden template repository instead of notes.
Never overwrites a file: if any exists, it lists them and writes nothing.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import subprocess
import sys
from importlib import resources
from pathlib import Path

from . import digital_garden
from .config import CONFIG_NAME, DISPLAY_SETTINGS, Config

WORKFLOW = ".github/workflows/pages.yml"
NOTES = ("Welcome.md", "Writing notes.md")

# One line about each setting, shown above it in the scaffolded garden.toml. A setting
# without an entry here is still written (with its default), just without a comment.
HELP = {
    "title": "The site's name, in every page's header and title.",
    "description": "A sentence or two about the garden, for search engines and link previews.",
    "author": "Your name, for the pages' metadata.",
    "base_url": "Where the site lives, e.g. https://user.github.io/repo/ or https://notes.example.com/.\n"
                "The Pages workflow and `garden deploy` fill it in when it is empty.",
    "language": "The language the notes are written in (en, de, pt-BR, ...).",
    "content": "The vault: the folder of notes, relative to this file.",
    "output": "Where `garden build` writes the site, relative to this file.",
    "theme": "A theme shipped with garden or a folder in themes/. A theme/ folder beside this file\n"
             "overrides single templates and can add static/custom.css.",
    "publish": '"flagged": only notes with dg-publish: true or publish: true.\n'
               '"all": every note except those with dg-publish: false, publish: false or draft: true.',
    "ignore": 'Files and folders of the vault never read, as globs: ["templates/**", "*.excalidraw.md"].',
    "cname": "A custom domain for GitHub Pages (notes.example.com); `garden deploy` writes the CNAME file.",
    "mounts": 'Folders outside the content folder, read as if they were in it at the given path:\n'
              '"vault path" = "folder relative to this file".',
    "display": "What each page shows, for the whole garden. A note's own frontmatter setting,\n"
               'named after each line (e.g. "dg-show-toc": false), wins for that note.',
    "dates": "The dates in each note's header. format uses Luxon tokens: yyyy, MMMM (March),\n"
             "MMM (Mar), MM, M, dd, d, EEEE (Tuesday), EEE; 'quoted text' is kept as written.",
    "dates.created": "when the note was first written",
    "dates.updated": "when it last changed",
    "ui": "Every text the theme shows, to translate the site. Uncomment a line to change it.\n"
          "{count:note|notes} is the word for a count of 1, then for any other count.",
}
COMMENTED_TABLES = ("ui",)  # listed as comments unless changed, so new defaults reach old gardens


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("dir", nargs="?", type=Path,
                   help="folder for the new garden (default: ., or the Digital Garden repository)")
    p.add_argument("--from-digital-garden", metavar="PATH", type=Path,
                   help="write the garden.toml for a repository made from the Obsidian Digital Garden template")


# --- garden.toml, generated from the Config dataclasses ---------------------------------------

def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(f"no TOML form for {type(value).__name__}")


def toml_key(key: str) -> str:
    return key if key.replace("_", "").replace("-", "").isalnum() and key.isascii() else json.dumps(key)


def _comment(text: str) -> list[str]:
    return [f"# {line}" if line else "#" for line in text.splitlines()]


def _settings(obj) -> list[dataclasses.Field]:
    return [f for f in dataclasses.fields(obj) if not f.metadata.get("internal")]


def _scalar_lines(cfg: Config, fields: list[dataclasses.Field]) -> list[str]:
    """Top-level settings: each with its explanation above it and a blank line after."""
    lines = []
    for f in fields:
        lines += _comment(HELP.get(f.name, ""))
        lines += [f"{toml_key(f.name)} = {toml_value(getattr(cfg, f.name))}", ""]
    return lines


def _table_lines(obj, default, name: str) -> list[str]:
    """The lines of one table; a short explanation goes after its line, a long one above."""
    lines = []
    for f in _settings(obj):
        value = getattr(obj, f.name)
        help_text = (DISPLAY_SETTINGS.get(f.name, ("",))[0] if name == "display"
                     else HELP.get(f"{name}.{f.name}", ""))
        line = f"{toml_key(f.name)} = {toml_value(value)}"
        if name in COMMENTED_TABLES and value == getattr(default, f.name):
            line = "# " + line
        if help_text and "\n" not in help_text and len(line) + len(help_text) < 90:
            lines.append(f"{line}  # {help_text}")
        else:
            lines += _comment(help_text) + [line]
    return lines


def config_toml(cfg: Config | None = None, header: str = "") -> str:
    """A garden.toml holding every setting of `cfg` (the defaults by default), each explained."""
    cfg, default = cfg or Config(), Config()
    fields = _settings(cfg)
    tables = [f for f in fields
              if dataclasses.is_dataclass(getattr(cfg, f.name)) or isinstance(getattr(cfg, f.name), dict)]
    lines = _comment(header or "The settings of this garden, each with its value; change what you need.\n"
                     "An unknown key is an error, so a typo never goes unnoticed.") + [""]
    lines += _scalar_lines(cfg, [f for f in fields if f not in tables])
    for f in tables:  # TOML wants every [table] after the top-level keys
        value = getattr(cfg, f.name)
        lines += _comment(HELP.get(f.name, "")) + [f"[{f.name}]"]
        if isinstance(value, dict):
            lines += [f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items()]
            if not value and f.name == "mounts":
                lines.append('# "img/user" = "images"')
        else:
            lines += _table_lines(value, getattr(default, f.name), f.name)
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


# --- the other files ---------------------------------------------------------------------------

def scaffold(name: str) -> str:
    return resources.files("garden").joinpath("scaffold", name).read_text(encoding="utf-8")


def available(module: str) -> bool:
    """Whether this version of garden has the verb implemented in `module`."""
    from .cli import _command
    return _command(module) is not None


def check_available() -> bool:
    """Whether this garden has `garden check`, so the workflow can run it before building."""
    return available("garden.check")


def workflow(output: str = "build", branch: str = "main", check: bool | None = None) -> str:
    """The GitHub Pages workflow: build with the base URL Pages reports, upload, deploy."""
    check = check_available() if check is None else check
    step = ("      - name: Check the notes\n"
            "        run: garden check\n") if check else ""
    return (scaffold("pages.yml").replace("__BRANCH__", branch).replace("__OUTPUT__", output)
            .replace("__CHECK__", step))


def gitignore(output: str = "build") -> str:
    return scaffold("gitignore").replace("__OUTPUT__", output.strip("/"))


def current_branch(folder: Path) -> str:
    """The branch checked out in `folder` when it is a git repository, else "main"."""
    try:
        r = subprocess.run(["git", "-C", str(folder), "symbolic-ref", "--quiet", "--short", "HEAD"],
                           capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return "main"
    return r.stdout.strip() if r.returncode == 0 and r.stdout.strip() else "main"


def plan(target: Path, dg: Path | None) -> tuple[dict[str, str], list[str]]:
    """The files to write (path relative to `target` -> text) and notes for the user."""
    notes: list[str] = []
    cfg = Config()
    files: dict[str, str] = {}
    if dg is None:
        files[CONFIG_NAME] = config_toml(cfg)
        for name in NOTES:
            files[f"{cfg.content}/{name}"] = scaffold(f"content/{name}")
    else:
        from .config import _apply
        mapped = digital_garden.mapping(dg.resolve(), target.resolve())
        _apply(cfg, mapped.data, str(dg / digital_garden.ENV), "")
        files[CONFIG_NAME] = config_toml(cfg, header=(
            "The settings of this garden, carried over from the Digital Garden template's .env;\n"
            "change what you need. An unknown key is an error, so a typo never goes unnoticed."))
        if mapped.unused:
            notes.append("not carried over from .env (garden has no such setting): " + ", ".join(mapped.unused))
        notes += [f"not carried over from .env: {p}" for p in mapped.problems]
    if dg is None or not (target / ".gitignore").exists():
        files[".gitignore"] = gitignore(cfg.output)
    else:
        notes.append(f"add /{cfg.output}/ and /.garden-cache/ to .gitignore, so the built site stays out of git")
    files[WORKFLOW] = workflow(cfg.output, current_branch(target) if target.is_dir() else "main")
    top = git_toplevel(target)
    if top is not None and top != target.resolve():
        notes.append(f"this folder is inside the git repository {top}; GitHub runs only the workflows in "
                     f"{top}/.github/workflows/, so move {WORKFLOW} there and give its garden and upload "
                     f"steps the folder {target.resolve().relative_to(top).as_posix()}/")
    return files, notes


def git_toplevel(folder: Path) -> Path | None:
    """The top folder of the git repository holding `folder` (which may not exist yet)."""
    existing = folder.resolve()
    while not existing.is_dir():
        existing = existing.parent
    try:
        r = subprocess.run(["git", "-C", str(existing), "rev-parse", "--show-toplevel"],
                           capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return Path(r.stdout.strip()).resolve() if r.returncode == 0 and r.stdout.strip() else None


def run(args) -> int:
    dg = args.from_digital_garden
    if dg is not None and not digital_garden.detect(dg):
        sys.stderr.write(f"garden: error: {dg} is not a Digital Garden repository "
                         f"(there is no {digital_garden.NOTES}/ folder in it)\n")
        return 1
    target = args.dir if args.dir is not None else (dg if dg is not None else Path("."))
    if target.exists() and not target.is_dir():
        sys.stderr.write(f"garden: error: {target} is a file, not a folder\n")
        return 1
    files, notes = plan(target, dg)
    existing = [rel for rel in files if (target / rel).exists()]
    if existing:
        sys.stderr.write(f"garden: error: {target} already holds files garden init would write; "
                         "nothing was written:\n"
                         + "".join(f"  {rel}\n" for rel in existing)
                         + "Move them away, or start the garden in another folder: garden init DIR\n")
        return 1
    for rel, text in files.items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    shown = "the current folder" if target == Path(".") else f"{target}/"
    out = sys.stdout
    out.write(f"garden: {'wrote the settings for' if dg else 'started a garden in'} {shown}\n")
    out.write("".join(f"  {rel}\n" for rel in files))
    for note in notes:
        out.write(f"Note: {note}\n")
    cd = "" if target == Path(".") else f"cd {target} && "
    preview = ("garden serve   (a preview that follows every save)" if available("garden.serve")
               else "garden build   (writes the site into build/)")
    out.write(f"Next: {cd}{preview}\n"
              "Publish: push to a GitHub repository and choose \"GitHub Actions\" in Settings > Pages;\n"
              "         or run garden deploy to push the site to a gh-pages branch.\n")
    return 0
