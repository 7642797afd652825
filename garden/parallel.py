"""Run a per-item function on every core, or in this process when the job is small.

Helpers are forked after the shared context (the config, the resolved garden)
is built, so it reaches them for free; only item indices go in and results
come out. This process works through the items too, beside one helper fewer
than there are cores: every forked helper ends up copying much of the heap it
shares (each object it reads has its reference count written), so a helper
less is a copy of the garden less at the build's peak, and the results this
process makes itself are never pickled.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import queue
import signal
from multiprocessing.pool import ExceptionWithTraceback

_CONTEXT = None
PARALLEL_MIN = 150  # below this, starting helpers costs more than it saves


def workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return os.cpu_count() or 1


def pmap(fn, count: int, context, progress=None, min_items: int = PARALLEL_MIN) -> list:
    """[fn(context, i) for i in range(count)], in order, across processes when worth it."""
    global _CONTEXT
    n = workers()
    if count < min_items or n < 2 or "fork" not in multiprocessing.get_all_start_methods():
        results = []
        for i in range(count):
            results.append(fn(context, i))
            if progress:
                progress.advance()
        return results
    size = max(8, min(64, count // (n * 8) or 1))
    chunks = [(s, min(s + size, count)) for s in range(0, count, size)]
    done: list = [None] * len(chunks)
    fork = multiprocessing.get_context("fork")
    taken = fork.Value("q", 0)  # the next chunk to take, by whichever process is free
    inbox = fork.Queue()
    _CONTEXT = context
    helpers = [fork.Process(target=_help, args=(fn, chunks, taken, inbox), daemon=True) for _ in range(n - 1)]
    try:
        for helper in helpers:
            helper.start()
        waiting = len(chunks)

        def receive(block: bool) -> None:
            nonlocal waiting
            k, part, error = inbox.get(timeout=0.5) if block else inbox.get_nowait()
            if error is not None:
                raise error
            done[k] = part
            waiting -= 1
            if progress:
                progress.advance(len(part))

        while (k := _take(taken, len(chunks))) is not None:
            start, stop = chunks[k]
            done[k] = [fn(context, i) for i in range(start, stop)]
            waiting -= 1
            if progress:
                progress.advance(stop - start)
            try:
                while True:
                    receive(False)
            except queue.Empty:
                pass
        while waiting:
            try:
                receive(True)
            except queue.Empty:
                if not any(h.is_alive() for h in helpers):
                    try:
                        receive(True)  # what the last helper sent just before it stopped
                    except queue.Empty:
                        raise RuntimeError("a worker process stopped before its work was done") from None
        return [x for part in done for x in part]
    finally:
        _CONTEXT = None
        for helper in helpers:
            if helper.is_alive():
                helper.terminate()
            helper.join()
        inbox.close()


def _take(taken, total: int) -> int | None:
    with taken.get_lock():
        k = taken.value
        if k >= total:
            return None
        taken.value = k + 1
    return k


def _help(fn, chunks, taken, inbox) -> None:
    """A helper process: take chunks until none is left, send each one's results back.

    Ctrl+C is the parent's to handle. The cycle collector, off in the parent during a
    build, runs here, but over the helper's own objects only (what the fork inherited is
    frozen out of its sight)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.freeze()
    gc.enable()
    k = -1
    try:
        while (k := _take(taken, len(chunks))) is not None:
            start, stop = chunks[k]
            inbox.put((k, [fn(_CONTEXT, i) for i in range(start, stop)], None))
    except BaseException as exc:  # sent to the parent, which raises it with this traceback
        error = ExceptionWithTraceback(exc, exc.__traceback__)
        try:
            pickle.dumps(error)
        except Exception:
            error = ExceptionWithTraceback(RuntimeError(f"{type(exc).__name__}: {exc}"), exc.__traceback__)
        inbox.put((k, None, error))
