"""A request path -> a file inside the output folder, or why not.

The only way a request reaches the disk. Pretty URLs (`/a/b/` is `a/b/index.html`,
`/a/b` redirects to `/a/b/`), the site's base path (`/repo/` for a GitHub project
site; `/` redirects there), and nothing outside the output folder: `..` in any
spelling, encoded slashes and backslashes, empty segments (`//etc/passwd`) and
symlinks that leave the folder are refused; garden's own bookkeeping files are
not part of the site.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from ..write import MANIFEST, STAGING

FILE, REDIRECT, MISSING, FORBIDDEN = "file", "redirect", "missing", "forbidden"

# Encoded slash, backslash and NUL: a path segment may never contain them.
_ENCODED_SEPARATOR = re.compile(r"%(2f|5c|00)", re.IGNORECASE)
_PRIVATE = {MANIFEST, MANIFEST + ".tmp", STAGING}


@dataclass(frozen=True)
class Target:
    kind: str  # FILE, REDIRECT, MISSING or FORBIDDEN
    file: Path | None = None  # for FILE
    location: str = ""  # for REDIRECT: an absolute path on this server


def locate(root: Path, base_path: str, raw_path: str) -> Target:
    """`raw_path` is the request's path as sent (percent-encoded, without the query)."""
    if not raw_path.startswith("/") or "\\" in raw_path or "\0" in raw_path \
            or _ENCODED_SEPARATOR.search(raw_path):
        return Target(FORBIDDEN)
    path = unquote(raw_path)
    if "\\" in path or "\0" in path:
        return Target(FORBIDDEN)
    if not path.startswith(base_path):
        if path in ("/", base_path.rstrip("/")):
            return Target(REDIRECT, location=base_path)
        return Target(MISSING)
    rest = path[len(base_path):]
    segments = rest.split("/")
    trailing_slash = segments[-1] == ""
    if trailing_slash:
        segments.pop()
    if any(s in ("", ".", "..") for s in segments):
        return Target(FORBIDDEN)
    root = root.resolve()
    found = _inside(root, root.joinpath(*segments))
    if found.kind != FILE:
        return found
    if found.file.is_dir():
        if not trailing_slash:
            return Target(REDIRECT, location=raw_path + "/")
        found = _inside(root, found.file / "index.html")
        if found.kind != FILE:
            return found
    elif trailing_slash:
        return Target(MISSING)
    return found if found.file.is_file() else Target(MISSING)


def _inside(root: Path, path: Path) -> Target:
    """FILE with the real path if it exists inside `root` (a file or a folder), FORBIDDEN
    if a symlink leads out of it, MISSING otherwise."""
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):  # missing, or a symlink loop
        return Target(MISSING)
    if real == root:
        return Target(FILE, real)
    if root not in real.parents:
        return Target(FORBIDDEN)
    if real.relative_to(root).parts[0] in _PRIVATE:
        return Target(MISSING)
    return Target(FILE, real)
