"""Stage 1, load: walk the vault and return its notes' text and its attachments.

Skips dot folders (.obsidian, .git, .trash), the output and cache folders, the
ignore globs, and symlinks that leave the vault. Notes are read by the parse stage,
which reports undecodable ones with their byte offset, never guessed at; load reads
only a note the last build saw whose mtime moved, to compare its bytes' digest.
"""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
from typing import NamedTuple

from .diagnostics import Report


class Source(NamedTuple):
    """A markdown file: its vault path, its text and a digest of its bytes.

    `text` is None until `read()`: the worker that parses a note reads its file, so the
    main process never holds the whole garden's Markdown (60 MB at 10,000 notes), which
    every forked worker would share and the build's peak memory would carry. `digest` is
    the last build's when the file's size and mtime match it, "" for a file the last
    build did not read (its worker finds it), else taken from the bytes by load. A tuple:
    a vault makes thousands, and a scout process sends them on (see build.py).
    """
    rel: str
    path: str  # on disk
    text: str | None
    digest: str
    mtime: float
    size: int = 0
    mtime_ns: int = 0

    def read(self) -> "Source":
        """This source with its text, reading the file if it was skipped. The digest is taken
        again from the bytes read: a file saved since load is cached as what was parsed.
        Raises OSError, or UnreadableText with the line of bytes that are not UTF-8."""
        if self.text is not None:
            return self
        data = Path(self.path).read_bytes()
        return Source(self.rel, self.path, text_of(data), hashlib.blake2b(data, digest_size=16).hexdigest(),
                      self.mtime, self.size, self.mtime_ns)


def prefetch(sources: list[Source]) -> None:
    """Ask the kernel to start reading these files now, all at once. The workers that parse
    them read one file at a time each, and a file the system no longer holds in memory
    would keep each of them waiting on the disk in turn (10,000 notes: 1.7 s of reads from
    a cold disk, 0.5 s with this). A hint only: where it is not offered, nothing changes."""
    if not hasattr(os, "posix_fadvise"):
        return
    for source in sources:
        if source.text is not None:
            continue
        try:
            fd = os.open(source.path, os.O_RDONLY)
        except OSError:
            continue  # its worker reports it
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_WILLNEED)
        except OSError:
            pass
        finally:
            os.close(fd)


class UnreadableText(ValueError):
    """Bytes that are not UTF-8, with the line they are on."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


class Attachment(NamedTuple):
    rel: str
    path: str  # on disk
    size: int
    mtime_ns: int = 0


@dataclass
class Vault:
    sources: list[Source]
    attachments: dict[str, Attachment]  # by vault path

    def __reduce__(self):  # as plain tuples: a NamedTuple pickles through Python code, one call each
        return _vault, (list(map(tuple, self.sources)), list(map(tuple, self.attachments.values())))


def _vault(sources: list[tuple], attachments: list[tuple]) -> Vault:
    return Vault(list(map(tuple.__new__, repeat(Source), sources)),
                 {a[0]: a for a in map(tuple.__new__, repeat(Attachment), attachments)})


def glob_to_regex(pattern: str) -> re.Pattern:
    """gitignore-like globs: `*` stays in one folder, `**` crosses folders, and a
    pattern without `/` matches a name at any depth."""
    pattern = pattern.strip()
    anchored = "/" in pattern.rstrip("/")
    pattern = pattern.strip("/")
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        out.append({"*": "[^/]*", "?": "[^/]"}.get(c, re.escape(c)))
        i += 1
    body = "".join(out)
    return re.compile(("" if anchored else "(?:.*/)?") + body + "(?:/.*)?$", re.IGNORECASE)


def text_of(data: bytes) -> str:
    """A note's bytes as text: UTF-8 only (a BOM is fine), line endings as \\n. Raises
    UnreadableText, naming the line and byte, for bytes that are not UTF-8.

    Our private markers \\x02 and \\x03 are removed: they have no meaning in a note
    and the render stage uses them for link slots.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableText(data.count(b"\n", 0, exc.start) + 1,
                             f"not valid UTF-8 at byte {exc.start} (save the file as UTF-8)") from None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x02" in text or "\x03" in text:
        text = text.replace("\x02", "").replace("\x03", "")
    return text


def load(vault: Path, skip: list[Path], ignore: list[str], report: Report,
         known: dict[str, tuple[int, int, str]] | None = None, mounts: dict[str, Path] | None = None) -> Vault:
    """Walk the vault in a stable order; `skip` holds folders never to read (output, cache);
    `mounts` maps a vault path to a folder outside the vault read as if it were there.
    `known` maps vault paths to the (size, mtime_ns, digest) the last build saw.
    """
    known = known or {}
    vault = vault.resolve()
    skip_set = {p.resolve() for p in skip}
    ignores = [glob_to_regex(p) for p in ignore if p.strip()]
    sources: list[Source] = []
    attachments: dict[str, Attachment] = {}
    seen_dirs: set[tuple[int, int]] = set()

    def ignored(rel: str) -> bool:
        return any(rx.match(rel) for rx in ignores)

    def walk(folder: Path, rel_folder: str, root: Path) -> None:
        try:
            st = folder.stat()
        except OSError:
            return
        if (st.st_dev, st.st_ino) in seen_dirs:  # a symlink loop
            report.warning(rel_folder or ".", 0, "symlink loop: this folder is already part of the vault",
                           code="symlink")
            return
        seen_dirs.add((st.st_dev, st.st_ino))
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            report.error(rel_folder or ".", 0, f"cannot read folder: {exc.strerror}", code="io")
            return
        for entry in entries:
            name = entry.name
            rel = f"{rel_folder}/{name}" if rel_folder else name
            if name.startswith(".") or ignored(rel):
                continue
            path = entry.path  # a string: a Path per file costs a tenth of a no-change rebuild
            real = None  # under the resolved vault, unless a symlink
            if entry.is_symlink():
                try:
                    real = Path(path).resolve(strict=True)
                except (OSError, RuntimeError):
                    report.warning(rel, 0, "broken symlink skipped", code="symlink")
                    continue
                if real != root and root not in real.parents:
                    report.warning(rel, 0, "symlink points outside the vault; not followed", code="symlink")
                    continue
            if entry.is_dir():
                if (real or Path(path)) in skip_set or os.path.isfile(os.path.join(path, ".garden-manifest.json")):
                    continue  # our output folder, or any other site garden built inside the vault
                walk(Path(path), rel, root)
            elif entry.is_file():
                if name.lower().endswith(".md"):
                    try:
                        st = entry.stat()
                        seen = known.get(rel)
                        if seen is None:  # new: no parsed note to reuse, so the digest can wait for the parse
                            digest = ""
                        elif seen[:2] == (st.st_size, st.st_mtime_ns):
                            digest = seen[2]
                        else:  # the same bytes under a new mtime (a checkout) reuse the parsed note
                            with open(path, "rb") as f:
                                digest = hashlib.blake2b(f.read(), digest_size=16).hexdigest()
                    except OSError as exc:
                        report.error(rel, 0, f"cannot read file: {exc.strerror}", code="io")
                        continue
                    sources.append(Source(rel, path, None, digest, st.st_mtime, st.st_size, st.st_mtime_ns))
                else:
                    st = entry.stat()
                    attachments[rel] = Attachment(rel, path, st.st_size, st.st_mtime_ns)

    walk(vault, "", vault)
    for rel, folder in sorted((mounts or {}).items()):
        walk(folder.resolve(), rel, folder.resolve())
    return Vault(sources, attachments)
