"""Live reload: what is live now, and how open pages hear about it.

The server pushes the status below to every open page over Server-Sent Events
(`/__garden__/events`) and answers it as JSON at `/__garden__/status`. Each page
carries the id of the build it was served from and its file in the site; when the
live build differs the page reloads, or only swaps its stylesheets when nothing but
CSS changed, or stays as it is when the build (a preview of a saved note, say) named
the pages it changed and this one is not among them. The
errors of the last rebuild, and the warnings that mean a note is broken, are shown
over the page until a rebuild has none.

Build ids start with a token of this server process, so a page left open while
the server restarts reloads too.
"""
from __future__ import annotations

import json
import secrets
import threading
from pathlib import Path

PREFIX = "/__garden__/"
EVENTS = PREFIX + "events"
STATUS = PREFIX + "status"
RELOAD, CSS, START = "reload", "css", "start"


class LiveState:
    def __init__(self, out: Path, base_path: str):
        # Held while a build's files are moved into place, and while a request finds and
        # opens its file: a reader gets the site before a swap or after it, never between.
        self.swap_lock = threading.Lock()
        self.out, self.base_path = out, base_path
        self._token, self._count = secrets.token_hex(4), 0
        self.build, self.previous, self.change = f"{self._token}-0", "", START
        self.pages: list[str] | None = None  # the pages the live build changed, None: any page may have
        self.errors: list[dict] = []
        self.warnings: list[dict] = []
        self.held_back = False
        self.closed = False
        self._changed = threading.Condition()
        self._seq = 0

    def went_live(self, out: Path, base_path: str, css_only: bool, written: list[str] | None = None) -> None:
        """A build's files are in place (called with `swap_lock` held). `written`, the site files
        it changed, lets an open page whose own file did not change stay as it is."""
        with self._changed:
            self.out, self.base_path = out, base_path
            self._count += 1
            self.previous, self.build = self.build, f"{self._token}-{self._count}"
            self.change = CSS if css_only else RELOAD
            self.pages = None if css_only or written is None else changed_pages(written)

    def publish(self, errors: list[dict], held_back: bool, warnings: list[dict] | None = None) -> None:
        """After every rebuild: its errors and shown warnings (none when it went fine), told to every open page."""
        with self._changed:
            self.errors, self.held_back, self.warnings = errors, held_back, warnings or []
            self._seq += 1
            self._changed.notify_all()

    def status(self) -> dict:
        with self._changed:
            return {"build": self.build, "previous": self.previous, "change": self.change, "pages": self.pages,
                    "ok": not self.errors, "held_back": self.held_back, "errors": list(self.errors),
                    "warnings": list(self.warnings)}

    def wait(self, seen: int, timeout: float) -> tuple[str | None, int]:
        """The status as JSON once it differs from the one numbered `seen` (at once for -1),
        or None after `timeout` seconds or when the server closes."""
        with self._changed:
            self._changed.wait_for(lambda: self._seq != seen or self.closed, timeout)
            if self.closed or self._seq == seen:
                return None, seen
            return json.dumps(self.status()), self._seq

    def notify(self) -> None:
        """Tell every open page the status now, errors unchanged (after a preview went live)."""
        with self._changed:
            self._seq += 1
            self._changed.notify_all()

    def close(self) -> None:
        """Wake every waiting page so its connection ends and the server can stop."""
        with self._changed:
            self.closed = True
            self._changed.notify_all()


def quiet(site_file: str) -> bool:
    """Files no open page shows: the search index (read when searching), feeds, sitemap,
    robots.txt. The file tree and graph data are shown as a page loads: not quiet."""
    return site_file.startswith("search/") or site_file.endswith((".xml", ".txt"))


def changed_pages(written: list[str]) -> list[str] | None:
    """The HTML files among `written`, when the rest is quiet; else None (a stylesheet, a
    script, an image, the file tree or the graph changed: every page reloads)."""
    pages = [f for f in written if f.endswith(".html")]
    if len(pages) > 1000 or any(not f.endswith(".html") and not quiet(f) for f in written):
        return None
    return pages
