"""Run a per-item function on every core, or in this process when the job is small.

Helpers are forked after the shared context (the config, the resolved garden)
is built, so it reaches them for free; only item indices go in and results
come out. This process works through the items too, beside one helper fewer
than there are cores: every forked helper ends up copying much of the heap it
shares (each object it reads has its reference count written), so a helper
less is a copy of the garden less at the build's peak, and the results this
process makes itself are never pickled.

Nothing a helper holds can stall the others: chunks are handed out as 4-byte
records written at once into one pipe every process reads from (no lock), and
each helper sends its results down a pipe of its own, so a helper that dies,
even halfway through a result, is seen as the end of that pipe.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import queue
import signal
import struct
import threading
from multiprocessing.connection import wait
from multiprocessing.pool import ExceptionWithTraceback

PARALLEL_MIN = 150  # below this, starting helpers costs more than it saves
_RECORD = struct.Struct("=I")  # one chunk number; a pipe never splits a read this small
MAX_CHUNKS = 8192  # their records fill half of a pipe's 64 KiB, written before anyone reads


class WorkerLost(RuntimeError):
    """A helper process stopped (killed, out of memory) before sending all its results."""


def workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return os.cpu_count() or 1


def pmap(fn, count: int, context, progress=None, min_items: int = PARALLEL_MIN) -> list:
    """[fn(context, i) for i in range(count)], in order, across processes when worth it."""
    n = workers()
    if count < min_items or not can_fork():
        results = []
        for i in range(count):
            results.append(fn(context, i))
            if progress:
                progress.advance()
        return results
    size = max(8, min(64, count // (n * 8) or 1), -(-count // MAX_CHUNKS))
    chunks = [(s, min(s + size, count)) for s in range(0, count, size)]
    done: list = [None] * len(chunks)
    tasks, feed = os.pipe()
    os.write(feed, b"".join(_RECORD.pack(k) for k in range(len(chunks))))  # ~4 bytes a chunk: fits the pipe
    os.close(feed)  # so a process that finds the pipe empty reads its end: no chunk is left
    helpers: dict = {}  # our end of each started helper's result pipe -> the helper
    finished = False
    try:
        for _ in range(n - 1):
            ours, helper = _start(_help, fn, context, chunks, tasks)
            helpers[ours] = helper
        waiting = len(chunks)
        while (k := _take(tasks)) is not None:
            start, stop = chunks[k]
            done[k] = [fn(context, i) for i in range(start, stop)]
            waiting -= 1
            if progress:
                progress.advance(stop - start)
            waiting -= _receive(helpers, done, progress, block=False)
        while waiting:
            if not helpers:
                raise WorkerLost("a worker process stopped before its work was done")
            waiting -= _receive(helpers, done, progress, block=True)
        results = [x for part in done for x in part]
        finished = True
        return results
    finally:
        while _take(tasks) is not None:  # no chunk left to take: helpers stop after their current one
            pass
        os.close(tasks)
        for conn in helpers:
            conn.close()  # a helper blocked sending to us gets a broken pipe and stops
        for helper in helpers.values():
            if not finished:
                helper.kill()  # its work is thrown away with ours: no need to wait for it
            helper.join(5)
            if helper.is_alive():
                helper.kill()
                helper.join()
            helper.close()


def can_fork() -> bool:
    """Whether helpers can start here. A helper is a daemon process, which may not start
    helpers of its own: a pmap or beside nested in a helper's work runs in that helper."""
    return workers() >= 2 and not multiprocessing.current_process().daemon \
        and "fork" in multiprocessing.get_all_start_methods()


def _start(target, *args):
    """A forked helper running target(*args, its end of a result pipe): (our end, the helper)."""
    fork = multiprocessing.get_context("fork")
    ours, theirs = fork.Pipe(duplex=False)
    helper = fork.Process(target=target, args=(*args, theirs), daemon=True)
    try:
        helper.start()
    except BaseException:
        ours.close()
        raise
    finally:
        theirs.close()  # only the helper may hold its writing end: its death is then our EOF
    return ours, helper


def _as_helper() -> None:
    """What every forked helper does first. Ctrl+C is the main process's to handle. The cycle
    collector, off in the main process during a build, runs here, but over the helper's own
    objects only (what the fork inherited is frozen out of its sight)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.freeze()
    gc.enable()


def _take(tasks: int) -> int | None:
    data = os.read(tasks, _RECORD.size)
    return _RECORD.unpack(data)[0] if data else None


def _receive(helpers: dict, done: list, progress, block: bool) -> int:
    """Store the results that helpers have sent (waiting for one when `block`); the number
    of chunks stored. Raises a helper's error, or WorkerLost when one stopped early."""
    stored = 0
    for conn in wait(list(helpers), None if block else 0):
        try:
            k, part, error = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError):  # the helper is gone: normal once it has sent everything
            helper = helpers.pop(conn)
            conn.close()
            helper.join()
            code = helper.exitcode
            helper.close()
            if code != 0:
                raise WorkerLost(f"a worker process stopped before its work was done (exit code {code})") from None
            continue
        if error is not None:
            raise error
        done[k] = part
        stored += 1
        if progress:
            progress.advance(len(part))
    return stored


def _help(fn, context, chunks, tasks: int, conn) -> None:
    """A helper process: take chunks until none is left, send each one's results back.

    Results are sent by a thread of their own while the next chunk is worked on, so a
    large result never leaves the helper idle until the main process reads it."""
    _as_helper()
    outbox: queue.SimpleQueue = queue.SimpleQueue()
    sender = threading.Thread(target=_send, args=(outbox, conn), daemon=True)
    sender.start()
    k = -1
    try:
        while (k := _take(tasks)) is not None:
            start, stop = chunks[k]
            outbox.put(pickle.dumps((k, [fn(context, i) for i in range(start, stop)], None),
                                    pickle.HIGHEST_PROTOCOL))
    except BaseException as exc:  # sent to the main process, which raises it with this traceback
        outbox.put(_error(k, exc))
    outbox.put(None)
    sender.join()


def _send(outbox: queue.SimpleQueue, conn) -> None:
    try:
        while (data := outbox.get()) is not None:
            conn.send_bytes(data)
    except OSError:  # the main process stopped listening (it had an error of its own)
        pass
    finally:
        conn.close()


def _error(k: int, exc: BaseException) -> bytes:
    try:
        return pickle.dumps((k, None, ExceptionWithTraceback(exc, exc.__traceback__)))
    except Exception:  # an error that cannot be pickled still says what it was
        error = RuntimeError(f"{type(exc).__name__}: {exc}")
        return pickle.dumps((k, None, ExceptionWithTraceback(error, exc.__traceback__)))


def beside(elsewhere, here) -> tuple:
    """(elsewhere(), here()), the first in a forked helper while this process runs the second:
    two unequal pieces of work on two cores. `here` may use pmap itself (a helper may not);
    what `elsewhere` returns must pickle."""
    if not can_fork():
        return elsewhere(), here()
    with Ahead(elsewhere) as theirs:
        mine = here()
        return theirs.result(), mine


class Ahead:
    """fn() started now in a forked helper, its result taken when this process needs it
    (`result`), so that the two work at once. What fn returns must pickle. Where no helper
    can start, fn runs when its result is first asked for. Used as a context manager, so a
    helper whose result is never asked for (an error here) is stopped."""

    def __init__(self, fn):
        self.fn = fn
        self._ours = self._helper = None
        self._outcome: tuple | None = None  # (result, error) once taken: asked again, the same
        if can_fork():
            self._ours, self._helper = _start(_alone, fn)

    def ready(self) -> bool:
        """Whether `result` would return (or raise) without waiting for the helper."""
        return self._helper is None or self._outcome is not None or self._ours.poll()

    def result(self):
        """What fn returned; raises what it raised, or WorkerLost if the helper died."""
        if self._outcome is None:
            self._outcome = self._take()
        result, error = self._outcome
        if error is not None:
            raise error
        return result

    def _take(self) -> tuple:
        if self._helper is None:
            return self.fn(), None
        try:
            _, result, error = pickle.loads(self._ours.recv_bytes())
        except (EOFError, OSError):
            self._helper.join()
            return None, WorkerLost("a worker process stopped before its work was done "
                                    f"(exit code {self._helper.exitcode})")
        finally:
            self._end(kill=False)
        return result, error

    def _end(self, kill: bool) -> None:
        if self._helper is None:
            return
        self._ours.close()
        if kill:
            self._helper.kill()
        self._helper.join()
        self._helper.close()
        self._helper = None

    def __enter__(self) -> "Ahead":
        return self

    def __exit__(self, *exc) -> None:
        self._end(kill=True)  # a result not taken is not waited for


def _alone(fn, conn) -> None:
    """beside's helper: run `fn`, send back its result or its error."""
    _as_helper()
    try:
        data = pickle.dumps((0, fn(), None), pickle.HIGHEST_PROTOCOL)
    except BaseException as exc:
        data = _error(0, exc)
    try:
        conn.send_bytes(data)
    except OSError:  # the main process stopped listening (it had an error of its own)
        pass
    finally:
        conn.close()
