"""Run a per-item function on every core, or in this process when the job is small.

Workers are forked after the shared context (the config, the resolved garden)
is built, so it reaches them for free; only item indices go in and results
come out.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import signal

_CONTEXT = None
PARALLEL_MIN = 150  # below this, starting workers costs more than it saves


def workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return os.cpu_count() or 1


def _quiet_workers() -> None:
    """Ctrl+C is the parent's to handle: a worker just stops when the pool is torn down.
    The cycle collector, off in the parent during a build, runs in each worker, but over
    the worker's own objects only (what the fork inherited is frozen out of its sight)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.freeze()
    gc.enable()


def _run(args):
    fn, start, stop = args
    return [fn(_CONTEXT, i) for i in range(start, stop)]


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
    _CONTEXT = context
    try:
        size = max(8, min(64, count // (n * 8) or 1))
        chunks = [(fn, s, min(s + size, count)) for s in range(0, count, size)]
        results = []
        with multiprocessing.get_context("fork").Pool(n, initializer=_quiet_workers) as pool:
            for part in pool.imap(_run, chunks):
                results.extend(part)
                if progress:
                    progress.advance(len(part))
        return results
    finally:
        _CONTEXT = None
