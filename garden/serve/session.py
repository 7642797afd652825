"""One `garden serve` session: the first build, the HTTP server, the watcher, a rebuild per batch.

The server answers from its own threads; rebuilds run one at a time in the
thread that calls `run` (the main thread under the command line, so Ctrl+C
interrupts a build cleanly). A thread of its own turns the watcher's events into
batches, shows a saved note's page at once (rebuild.py: preview) and queues the
batch: the saves seen during a rebuild make one rebuild after it. `close` stops
the watcher, ends open event streams and joins every thread.
"""
from __future__ import annotations

import queue
import threading
from pathlib import Path

from ..write import check_output
from .rebuild import Rebuilder
from .server import listen
from .watcher import Watcher

POLL = 0.25  # seconds between checks of `stop` while no change arrives
STOP_POLL = 0.1  # seconds the server may take to notice it should stop


class Session:
    def __init__(self, source: Path, overrides: dict, host: str = "127.0.0.1", port: int = 8000,
                 explicit_port: bool = False, stream=None):
        self.rebuilder = Rebuilder(source, overrides, stream)
        cfg = self.rebuilder.cfg
        check_output(cfg.out, cfg.vault, chosen=cfg.out_chosen)  # a folder garden did not build: refuse before serving anything
        self.state = self.rebuilder.state
        self.server = listen(host, port, self.state, explicit_port)
        self.watcher = Watcher()
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self.server.port

    def url(self) -> str:
        host = self.server.host
        if host in ("0.0.0.0", "::", ""):
            host = "localhost"
        if ":" in host and not host.startswith("["):
            host = f"[{host}]"
        return f"http://{host}:{self.port}{self.state.base_path}"

    def start(self) -> None:
        """Watch, build once, and start answering requests."""
        self.watcher.watch(self.rebuilder.targets())
        self.watcher.start()  # before the build: a save during it is not lost
        self.rebuilder.rebuild()
        self._thread = threading.Thread(target=self.server.serve_forever, args=(STOP_POLL,), name="garden-http")
        self._thread.start()

    def run(self, stop: threading.Event | None = None) -> None:
        """Rebuild for every batch of changes until `stop` is set (or Ctrl+C)."""
        stop = stop or threading.Event()
        batches: queue.Queue = queue.Queue()
        batcher = threading.Thread(target=self._batch, args=(batches, stop), name="garden-watch", daemon=True)
        batcher.start()
        try:
            self._rebuild_each(batches, stop)
        finally:
            stop.set()
            batcher.join()

    def _batch(self, batches: queue.Queue, stop: threading.Event) -> None:
        while not stop.is_set():
            changes = self.watcher.next_batch(timeout=POLL)
            if changes:
                self.rebuilder.preview(changes)
                batches.put(changes)

    def _rebuild_each(self, batches: queue.Queue, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                changes = batches.get(timeout=POLL)
            except queue.Empty:
                continue
            while not batches.empty():  # saves made during the last rebuild: one rebuild for all
                changes.merge(batches.get())
            if changes.config and not self.rebuilder.reconfigure(changes):
                continue
            if changes.config or changes.theme:  # the folders to watch may have changed: before building,
                self.watcher.watch(self.rebuilder.targets())  # so no save in a new folder goes unseen
            self.rebuilder.rebuild(changes)

    def close(self) -> None:
        self.watcher.stop()
        self.state.close()  # open event streams end
        if self._thread is not None:
            self.server.shutdown()
            self._thread.join()
        self.server.server_close()  # joins the request threads
        self.rebuilder.flush()
