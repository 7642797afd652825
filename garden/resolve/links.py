"""Obsidian link resolution: which vault file does `[[x]]` mean?

Case-insensitive, in this order:
1. for Markdown links, the path relative to the linking note, then from the vault root;
2. the path from the linking note's folder, then from the vault root
   (`[[folder/Note]]`, `[[folder/Note.md]]`);
3. a path suffix (`[[sub/Note]]` matches `area/sub/Note.md`);
4. a file name (`[[Note]]`): the one in the linking note's folder, else the one
   with the shortest path, else the first alphabetically. More than one candidate
   makes the link ambiguous (reported, still resolved).
Notes are matched without `.md`; attachments by their full name.
"""
from __future__ import annotations

import posixpath
from dataclasses import dataclass


@dataclass(frozen=True)
class Match:
    rel: str | None  # the vault path found, or None
    candidates: tuple[str, ...] = ()  # every file that matched, when more than one did
    names: tuple[str, ...] = ()  # the file names looked up: only a file added or removed under one can change the match


def _key(path: str) -> str:
    path = path.strip().lower()
    return path[:-3] if path.endswith(".md") else path


def _path_key(rel: str) -> str:
    """The key a vault file is found by: notes without `.md`, attachments by their full name."""
    return _key(rel) if rel.lower().endswith(".md") else rel.lower()


def name_of(rel: str) -> str:
    """The name a vault file is looked up by (see Match.names)."""
    return _path_key(rel).rsplit("/", 1)[-1]


def _rank(source_folder: str):
    def rank(rel: str):
        folder = rel.rsplit("/", 1)[0] if "/" in rel else ""
        return (folder != source_folder, rel.count("/"), len(rel), rel)
    return rank


class LinkIndex:
    def __init__(self, notes: list[str], files: list[str]):
        """`notes`: vault paths of markdown notes; `files`: vault paths of attachments."""
        self.by_path: dict[str, str] = {}
        self.by_name: dict[str, list[str]] = {}
        for rel in sorted(files) + sorted(notes):  # a note wins over a file of the same key
            key = _path_key(rel)
            self.by_path[key] = rel
            self.by_name.setdefault(key.rsplit("/", 1)[-1], []).append(rel)
        self._memo: dict[tuple[str, str, bool], Match] = {}

    def resolve(self, target: str, source: str, markdown: bool = False) -> Match:
        target = target.strip().replace("\\", "/")
        if not target:
            return Match(source)
        source_folder = source.rpartition("/")[0]
        key = (target, source_folder, markdown)
        match = self._memo.get(key)
        if match is None:
            match = self._memo[key] = self._resolve(target, source_folder, markdown)
        return match

    def _resolve(self, target: str, source_folder: str, markdown: bool) -> Match:
        names: dict[str, None] = {}

        def by_path(key: str) -> str | None:
            names[key.rsplit("/", 1)[-1]] = None
            return self.by_path.get(key)

        def by_name(name: str) -> list[str]:
            names[name] = None
            return self.by_name.get(name, [])

        if markdown:
            rooted = target.startswith("/")
            joined = posixpath.normpath(posixpath.join(source_folder, target)) if not rooted else target
            for candidate in ((joined,) if not rooted else ()) + (target.lstrip("/"),):
                if candidate.startswith(".."):
                    continue
                hit = by_path(_key(candidate)) or by_path(candidate.lower())
                if hit:
                    return Match(hit, (), tuple(names))
        key = _key(target[2:] if target.startswith("./") else target.lstrip("/"))
        for path in ((source_folder.lower() + "/" + key) if source_folder else key, key):
            hit = by_path(path)
            if hit:
                return Match(hit, (), tuple(names))
        name = key.rsplit("/", 1)[-1]
        found = by_name(name)
        if not found and key != target.lower():
            found = by_name(target.lower().rsplit("/", 1)[-1])
        if "/" in key:
            suffix = "/" + key
            found = [r for r in found if _key(r).endswith(suffix) or r.lower().endswith(suffix)]
        if not found:
            return Match(None, (), tuple(names))
        found = sorted(found, key=_rank(source_folder))
        return Match(found[0], tuple(found) if len(found) > 1 else (), tuple(names))
