"""The build cache: parsed notes kept in `.garden-cache/`, keyed by each file's digest.

The cache file's name carries the config's fingerprint and the code's version,
so a change to either starts from nothing instead of reusing stale notes.
"""
from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path

from . import __version__

CACHE_DIR = ".garden-cache"


def code_version() -> str:
    """The package version plus a digest of its source files (so edits to garden itself invalidate)."""
    h = hashlib.sha256(__version__.encode())
    root = Path(__file__).parent
    for path in sorted(root.rglob("*.py")):
        st = path.stat()
        h.update(f"{path.relative_to(root)}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()[:12]


class NoteCache:
    def __init__(self, folder: Path, key: str, enabled: bool = True):
        self.folder = folder
        self.file = folder / f"notes-{key}-{code_version()}.pickle"
        self.enabled = enabled

    def load(self) -> dict:
        if not self.enabled or not self.file.is_file():
            return {}
        try:
            with self.file.open("rb") as f:
                return pickle.load(f)
        except Exception:  # a corrupt or foreign cache is only a slower build
            return {}

    def save(self, notes: dict) -> None:
        if not self.enabled:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            for old in self.folder.glob("notes-*.pickle"):
                if old != self.file:
                    old.unlink()
            tmp = self.file.with_suffix(".tmp")
            with tmp.open("wb") as f:
                pickle.dump(notes, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.file)
        except OSError:
            pass
