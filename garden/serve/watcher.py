"""Watch the vault, the theme and garden.toml; turn each burst of events into one batch.

An editor's save is rarely one event: some write a temporary file and rename it
over the note, some truncate and then write, most report several events per save,
and Obsidian rewrites `.obsidian/workspace.json` all the time. Events are sorted
by kind (content, theme, config) as they arrive; dot files, editor temp files,
the output and cache folders and the garden's ignore globs are dropped; a batch
ends once the watched folders have been quiet for `QUIET` seconds (or after
`LONGEST`, so a program writing without pause cannot hold rebuilds off).
"""
from __future__ import annotations

import os
import queue
import time
from dataclasses import dataclass, field
from pathlib import Path

from watchdog.events import FileSystemEventHandler
from watchdog.observers import Observer

from ..config import CONFIG_NAME, Config
from ..load import glob_to_regex

CONTENT, THEME, CONFIG = "content", "theme", "config"
QUIET = 0.05  # seconds without a relevant event that end a batch
LONGEST = 2.0  # seconds after a batch's first event when it ends regardless

# Events that change files; inotify also reports every open and read-only close (builds read the vault).
CHANGES = {"created", "modified", "deleted", "moved", "closed"}
TEMP_SUFFIXES = ("~", ".swp", ".swx", ".swo", ".tmp", ".temp", ".crdownload", ".part",
                 "___jb_tmp___", "___jb_old___")


def is_temporary(name: str) -> bool:
    """Editors' and sync tools' scratch files: `.note.md.swp`, `note.md~`, `#note.md#`, vim's `4913`."""
    return (name.startswith(".") or name.endswith(TEMP_SUFFIXES) or name == "4913"
            or (name.startswith("#") and name.endswith("#")))


def _under(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


@dataclass
class Changes:
    """One batch: the changed files (absolute paths) by kind."""
    content: set[str] = field(default_factory=set)
    theme: set[str] = field(default_factory=set)
    config: set[str] = field(default_factory=set)
    reshapes: int = 0  # config or theme batches merged into this one (see rebuild.py: preview)

    def __bool__(self) -> bool:
        return bool(self.content or self.theme or self.config)

    def add(self, kind: str, path: str) -> None:
        getattr(self, kind).add(path)

    def merge(self, other: "Changes") -> None:
        self.content |= other.content
        self.theme |= other.theme
        self.config |= other.config
        self.reshapes += other.reshapes

    @property
    def only_css(self) -> bool:
        """Only stylesheets of the theme changed: open pages can swap them without reloading."""
        return not self.content and not self.config and all(p.endswith(".css") for p in self.theme)

    def describe(self, root: Path) -> str:
        paths = sorted(self.config | self.theme | self.content)
        if len(paths) == 1:
            try:
                return os.path.relpath(paths[0], root) + " changed"
            except ValueError:
                return paths[0] + " changed"
        return f"{len(paths)} files changed"


@dataclass(frozen=True)
class Targets:
    """What to watch for one configuration, and what kind of change each path is."""
    root: str
    config: str
    vault: str
    themes: tuple[str, ...]
    skip: tuple[str, ...]
    ignore: tuple = ()

    @classmethod
    def of(cls, cfg: Config, theme_folders: list[Path]) -> Targets:
        return cls(root=str(cfg.root), config=str(cfg.root / CONFIG_NAME), vault=str(cfg.vault),
                   themes=tuple(str(p.resolve()) for p in theme_folders),
                   skip=(str(cfg.out), str(cfg.cache_dir)),
                   ignore=tuple(glob_to_regex(g) for g in cfg.ignore if g.strip()))

    def folders(self) -> set[tuple[str, bool]]:
        """(folder, recursive) pairs: the vault and the themes, and the garden's own folder for
        garden.toml and a new `theme/` or `themes/` folder."""
        wanted = {(self.vault, True)} | {(t, True) for t in self.themes}
        if not _under(self.root, self.vault):
            wanted.add((self.root, False))
        return {(f, r) for f, r in wanted if os.path.isdir(f)}

    def kind(self, path: str) -> str | None:
        if path == self.config:
            return CONFIG
        if any(_under(path, s) for s in self.skip) or is_temporary(os.path.basename(path)):
            return None
        for theme in self.themes:
            if _under(path, theme):
                return THEME if not _hidden(path, theme) else None
        if os.path.dirname(path) == self.root and os.path.basename(path) in ("theme", "themes"):
            return THEME  # a theme folder appears or goes: watch again
        if _under(path, self.vault) and path != self.vault:
            rel = os.path.relpath(path, self.vault).replace(os.sep, "/")
            if _hidden(path, self.vault) or any(rx.match(rel) for rx in self.ignore):
                return None
            return CONTENT
        return None


def _hidden(path: str, folder: str) -> bool:
    """Inside a dot folder (.obsidian, .git, .trash) below `folder`."""
    return any(part.startswith(".") for part in os.path.relpath(path, folder).split(os.sep))


class _Forward(FileSystemEventHandler):
    def __init__(self, events: queue.Queue):
        self.events = events

    def on_any_event(self, event) -> None:
        if event.event_type not in CHANGES or (event.is_directory and event.event_type == "modified"):
            return
        self.events.put(event)


class Watcher:
    def __init__(self):
        self.events: queue.Queue = queue.Queue()
        self.observer = Observer()
        self.targets: Targets | None = None
        self._watching: set[tuple[str, bool]] = set()

    def watch(self, targets: Targets) -> None:
        """Watch these targets from now on (again only if the folders differ)."""
        self.targets = targets
        folders = targets.folders()
        if folders == self._watching:
            return
        self.observer.unschedule_all()
        handler = _Forward(self.events)
        for folder, recursive in sorted(folders):
            self.observer.schedule(handler, folder, recursive=recursive)
        self._watching = folders

    def start(self) -> None:
        self.observer.start()

    def stop(self) -> None:
        if self.observer.is_alive():
            self.observer.stop()
            self.observer.join()

    def next_batch(self, timeout: float) -> Changes | None:
        """Wait up to `timeout` seconds for a change; then collect the rest of its burst."""
        changes, first, last = Changes(), 0.0, 0.0
        while True:
            if changes:
                wait = min(last + QUIET, first + LONGEST) - time.monotonic()
                if wait <= 0:
                    return changes
            else:
                wait = timeout
            try:
                event = self.events.get(timeout=wait)
            except queue.Empty:
                if not changes:
                    return None
                continue
            for path in (event.src_path, getattr(event, "dest_path", "")):
                kind = path and self.targets.kind(os.fsdecode(path))
                if kind:
                    changes.add(kind, os.fsdecode(path))
                    last = time.monotonic()
                    first = first or last
