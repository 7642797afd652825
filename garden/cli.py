"""The `garden` command: build, serve, deploy, init, check."""
from __future__ import annotations

import argparse
import atexit
import os
import re
import sys
import threading
import traceback
from functools import lru_cache
from pathlib import Path

from . import __version__
from .diagnostics import Diagnostic, GardenError
from .plural import count

ISSUES_URL = "https://github.com/garden-ssg/garden/issues"


def add_source_arguments(p: argparse.ArgumentParser) -> None:
    """SOURCE, --out, --base-url, --publish: shared by every verb that builds."""
    p.add_argument("source", nargs="?", default=".", type=Path,
                   help="a garden folder (with garden.toml) or a vault folder (default: .)")
    p.add_argument("--out", type=Path, help="output folder (default: build/ beside garden.toml)")
    p.add_argument("--base-url", help="where the site will live, e.g. https://user.github.io/repo/")
    p.add_argument("--publish", choices=("flagged", "all"),
                   help="flagged: notes with dg-publish/publish: true (default); all: every note not opted out")


def parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The command line; of the other verbs, only the one `argv` names is imported for its
    arguments (importing all four took a tenth of a one-note rebuild's start)."""
    named = next((a for a in (sys.argv[1:] if argv is None else argv) if not a.startswith("-")), None)
    p = argparse.ArgumentParser(prog="garden", description="Turn an Obsidian vault into a website.")
    p.add_argument("--version", action="version", version=f"garden {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    b = sub.add_parser("build", help="build the site into the output folder")
    add_source_arguments(b)
    b.add_argument("--strict", action="store_true", help="exit 1 on any warning")
    b.add_argument("--force", action="store_true", help="build into a folder that holds files garden did not write")
    b.add_argument("--no-cache", action="store_true", help="ignore and do not write .garden-cache/")
    b.add_argument("--quiet", "-q", action="store_true", help="print only problems")
    b.add_argument("--timings", action="store_true", help="print the seconds each stage took")

    for name, (module, text) in VERBS.items():
        s = sub.add_parser(name, help=text, description=text)
        if name != named:
            continue
        command = _command(module)
        if command is None:
            s.add_argument("args", nargs=argparse.REMAINDER)
        else:
            command.add_arguments(s)
    return p


# The other verbs live in modules of their own, each with add_arguments(parser) and run(args) -> int.
VERBS = {
    "serve": ("garden.serve", "build, serve on localhost and rebuild on every save"),
    "deploy": ("garden.deploy", "build and push the site to a GitHub Pages branch"),
    "init": ("garden.init", "start a new garden"),
    "check": ("garden.check", "check a garden for problems without writing the site"),
}


def _command(module: str):
    import importlib
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise
        return None


def print_diagnostics(diagnostics, base: Path | None, stream=None) -> None:
    stream = stream or sys.stderr
    for d in diagnostics:
        stream.write(relative(d, base).format() + "\n")


def relative(d: Diagnostic, base: Path | None) -> Diagnostic:
    """Show paths relative to the current folder, so editors and terminals can jump to them."""
    path = d.path
    if base is not None and not os.path.isabs(path):
        # The base's relative path is worked out once: a build may report a thousand problems.
        shown = os.path.normpath(os.path.join(_relpath(os.fspath(base), os.getcwd()), path))
        path = os.path.join(base, path)
    else:
        try:
            shown = os.path.relpath(path)
        except ValueError:
            shown = path
    if shown.startswith("../../.."):
        shown = path
    return Diagnostic(shown, d.line, d.level, d.message, d.hint, d.code)


@lru_cache(maxsize=16)
def _relpath(path: str, cwd: str) -> str:
    return os.path.relpath(path, cwd)


def cmd_build(args) -> int:
    import gc
    gc.disable()  # a one-shot process: the collector would only walk the garden's objects at exit
    from .build import build
    from .config import load_config
    from .progress import Progress

    if not args.source.is_dir():
        sys.stderr.write(f"garden: error: {args.source} is not a folder\n")
        return 2
    cfg = load_config(args.source, out=args.out, base_url=args.base_url, publish=args.publish)
    result = build(cfg, force=args.force, progress=Progress(enabled=None if not args.quiet else False),
                   use_cache=not args.no_cache)
    if _exiting:  # left to the operating system with the rest of the heap (see run)
        _kept.append(result)
    report = result.report
    print_diagnostics(report.sorted(), cfg.vault)
    errors, warnings = len(report.errors), len(report.warnings)
    if not args.quiet:
        out = os.path.relpath(cfg.out) if not os.path.relpath(cfg.out).startswith("../..") else str(cfg.out)
        sys.stderr.write(
            f"garden: {count(result.notes, 'note')} read, {count(result.pages, 'page')} published, "
            f"{count(result.files, 'file')} in {out}/ ({result.changed} written), {count(warnings, 'warning')}, "
            f"{count(errors, 'error')} in {result.seconds:.2f} s\n")
    if args.timings:
        sys.stderr.write("garden: " + ", ".join(f"{k} {v:.2f} s" for k, v in result.timings.items()) + "\n")
    return 1 if errors or (args.strict and warnings) else 0


def main(argv=None) -> int:
    args = parser(argv).parse_args(argv)
    try:
        if args.command == "build":
            return cmd_build(args)
        command = _command(VERBS[args.command][0])
        if command is None:
            sys.stderr.write(f"garden: '{args.command}' is not available in this version yet\n")
            return 2
        return command.run(args)
    except GardenError as exc:
        sys.stderr.write(relative(exc.diagnostic, None).format() + "\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("garden: interrupted\n")
        return 130
    except BrokenPipeError:  # `garden check | head`: the reader left; not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except OSError as exc:  # the machine said no (disk full, permission denied, name too long)
        if os.environ.get("GARDEN_DEBUG"):
            raise
        where = f"{exc.filename}: " if exc.filename else ""
        sys.stderr.write(f"garden: error: {where}{exc.strerror or exc}\n")
        return 1
    except Exception as exc:  # an internal error: a short report, never a traceback wall
        if os.environ.get("GARDEN_DEBUG"):
            raise
        sys.stderr.write(
            f"garden: internal error: {type(exc).__name__}: {_first_line(exc)}\n"
            f"  at {_where(exc)}\n"
            f"This is a bug in garden, not in your notes. Please report it at {ISSUES_URL}\n"
            "with the command you ran; run again with GARDEN_DEBUG=1 to see the full traceback.\n")
        return 3


_exiting = False  # whether the process ends when `main` returns (run sets it)
_kept: list = []  # what a command made, held until then instead of freed on its way back to run


def run() -> None:
    """The `garden` command as a process: `main`, then exit without Python's teardown when
    nothing else needs the interpreter (no thread left, no profiler or coverage tracer).
    Teardown frees a large build's objects one by one (0.15 s of a 10,000-note rebuild);
    the operating system takes the whole heap back at once. The build's result goes the same
    way: held until then, not freed object by object as `cmd_build` returns (0.04 s)."""
    global _exiting
    _exiting = True
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):  # a closed pipe (`garden check | head`): nothing more can be said
            pass
    if threading.active_count() == 1 and sys.gettrace() is None and sys.getprofile() is None:
        atexit._run_exitfuncs()  # what the standard library left to do at exit (multiprocessing's cleanup)
        os._exit(int(code or 0))
    raise SystemExit(code)


def _first_line(exc: BaseException, limit: int = 300) -> str:
    text = str(exc).strip().split("\n", 1)[0]
    return text if len(text) <= limit else text[:limit] + "…"


def _where(exc: BaseException) -> str:
    """The innermost line of garden's own code the error came from, even from a worker process
    (whose traceback arrives as text in the exception's cause)."""
    package = Path(__file__).resolve().parent
    frames = [(f.filename, f.lineno, f.name) for f in traceback.extract_tb(exc.__traceback__)]
    remote = exc.__cause__
    if remote is not None and type(remote).__name__ == "RemoteTraceback":
        frames += [(m[1], int(m[2]), m[3]) for m in re.finditer(r'File "([^"]+)", line (\d+), in (\S+)', str(remote))]
    ours = [f for f in frames if Path(f[0]).resolve().is_relative_to(package)] or frames or [("?", 0, "?")]
    filename, line, name = ours[-1]
    path = Path(filename)
    shown = path.resolve().relative_to(package.parent).as_posix() if path.resolve().is_relative_to(package) \
        else path.name
    return f"{shown}:{line} in {name}"
