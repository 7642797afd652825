"""pmap: the main process and its forked helpers share the items; results come back in order,
and a helper's failure stops the build with the helper's own error."""
import os
import time

import pytest

from garden import parallel
from garden.parallel import pmap

PARENT = os.getpid()

needs_cores = pytest.mark.skipif(parallel.workers() < 2, reason="one core: pmap runs in this process")


def _square(context, i):
    time.sleep(0.002)  # slow enough that the helper, however slow to start, takes chunks too
    return (i * context, os.getpid())


def test_results_come_back_in_order_and_both_processes_work():
    results = pmap(_square, 400, 3, min_items=1)
    assert [r[0] for r in results] == [i * 3 for i in range(400)]
    if parallel.workers() >= 2:
        pids = {r[1] for r in results}
        assert PARENT in pids and len(pids) == parallel.workers()


def misbehaving_helper(act, pause: float = 0.002):
    """An item function that does `act(i)` in a helper, and in this process only sleeps
    (slow enough that the helper takes chunks too) and returns the item."""
    def fn(context, i):
        if os.getpid() != PARENT:
            return act(i)
        time.sleep(pause)
        return i
    return fn


def _fails_in_helper(i):
    if i >= 64:
        raise ValueError(f"bad item {i}")
    return i


@needs_cores
def test_an_error_in_a_helper_is_raised_here_with_the_helper_traceback():
    with pytest.raises(ValueError, match="bad item") as info:
        pmap(misbehaving_helper(_fails_in_helper), 2000, None, min_items=1)
    cause = info.value.__cause__
    assert type(cause).__name__ == "RemoteTraceback" and "_fails_in_helper" in str(cause)


@needs_cores
def test_a_helper_that_dies_is_an_error_not_a_hang():
    with pytest.raises(RuntimeError, match="stopped before its work was done"):
        pmap(misbehaving_helper(lambda i: os._exit(9)), 2000, None, min_items=1)


def test_small_jobs_stay_in_this_process():
    assert {pid for _, pid in pmap(_square, 10, 1)} == {PARENT}


_sent: set = set()


def _killed_while_sending(i):
    _sent.add(i // 8)
    if len(_sent) > 1:  # its second chunk, while the first one's large result is being sent
        time.sleep(0.05)
        os.kill(os.getpid(), 9)  # as the kernel's out-of-memory killer would
    return "x" * 400_000


@needs_cores
def test_a_helper_killed_halfway_through_sending_is_an_error_not_a_hang():
    started = time.monotonic()
    with pytest.raises(parallel.WorkerLost, match="exit code -9"):
        pmap(misbehaving_helper(_killed_while_sending, pause=0.02), 100, None, min_items=1)
    assert time.monotonic() - started < 30


@needs_cores
def test_a_result_that_cannot_be_pickled_is_reported_as_such():
    import threading
    with pytest.raises(TypeError, match="cannot pickle"):
        pmap(misbehaving_helper(lambda i: threading.Lock()), 400, None, min_items=1)


def _nested(i):
    return sum(n for n, _ in pmap(_square, 200, 1, min_items=1)) + i


@needs_cores
def test_a_pmap_inside_a_helper_runs_there_instead_of_failing():
    """Helpers are daemon processes, which may not start processes of their own."""
    results = pmap(misbehaving_helper(_nested), 400, None, min_items=1)
    nested = sum(range(200))
    assert all(r in (i, nested + i) for i, r in enumerate(results))
    assert any(r == nested + i for i, r in enumerate(results))  # items the helper worked on


# beside: one piece of work in a helper, another here at the same time.

@needs_cores
def test_beside_runs_the_first_piece_in_a_helper_and_the_second_here_with_its_own_pmap():
    elsewhere, here = parallel.beside(lambda: ("there", os.getpid()),
                                      lambda: ("here", {pid for _, pid in pmap(_square, 400, 1, min_items=1)}))
    assert elsewhere[0] == "there" and elsewhere[1] != PARENT
    assert here[0] == "here" and PARENT in here[1]
    assert len(here[1]) == parallel.workers()  # the piece run here spread its own items across cores


def _fails_beside():
    raise ValueError("bad piece")


@needs_cores
def test_an_error_beside_is_raised_here_with_the_helper_traceback():
    with pytest.raises(ValueError, match="bad piece") as info:
        parallel.beside(_fails_beside, lambda: 1)
    assert "_fails_beside" in str(info.value.__cause__)


@needs_cores
def test_a_helper_beside_that_dies_is_an_error_not_a_hang():
    with pytest.raises(parallel.WorkerLost, match="exit code 9"):
        parallel.beside(lambda: os._exit(9), lambda: 1)


def test_beside_on_one_core_runs_both_pieces_here(monkeypatch):
    monkeypatch.setattr(parallel, "workers", lambda: 1)
    assert parallel.beside(os.getpid, os.getpid) == (PARENT, PARENT)


# Ahead: a piece of work started in a helper now, its result taken later.

def _meet(there, here):
    """Say we are there, then wait until this process says it is here: only a piece of work
    running beside this process returns."""
    there.touch()
    for _ in range(3000):
        if here.exists():
            return os.getpid()
        time.sleep(0.01)
    raise TimeoutError("this process never came")


@needs_cores
def test_ahead_works_in_a_helper_while_this_process_works_too(tmp_path):
    there, here = tmp_path / "there", tmp_path / "here"
    with parallel.Ahead(lambda: _meet(there, here)) as ahead:
        for _ in range(3000):  # this process works on while the helper waits for it
            if there.exists():
                break
            time.sleep(0.01)
        assert there.exists() and not ahead.ready()
        here.touch()
        assert ahead.result() != PARENT


@needs_cores
def test_an_error_ahead_is_raised_here_with_the_helper_traceback():
    with parallel.Ahead(_fails_beside) as ahead:
        with pytest.raises(ValueError, match="bad piece") as info:
            ahead.result()
    assert "_fails_beside" in str(info.value.__cause__)


@needs_cores
def test_a_helper_ahead_that_dies_is_an_error_not_a_hang():
    with parallel.Ahead(lambda: os._exit(9)) as ahead:
        with pytest.raises(parallel.WorkerLost, match="exit code 9"):
            ahead.result()


@needs_cores
def test_a_result_ahead_never_taken_is_not_waited_for():
    with pytest.raises(KeyError):
        with parallel.Ahead(lambda: time.sleep(60)) as ahead:
            pid = ahead._helper.pid
            raise KeyError("an error here before the result is needed")
    with pytest.raises(ProcessLookupError):  # stopped and reaped, not left sleeping
        os.kill(pid, 0)


def test_ahead_on_one_core_runs_the_work_here_when_its_result_is_asked_for(monkeypatch):
    monkeypatch.setattr(parallel, "workers", lambda: 1)
    ran = []
    with parallel.Ahead(lambda: ran.append(os.getpid()) or "done") as ahead:
        assert ran == [] and ahead.ready()
        assert ahead.result() == "done" and ran == [PARENT]


@needs_cores
def test_a_result_ahead_asked_for_twice_is_the_same_not_made_again():
    with parallel.Ahead(os.getpid) as ahead:
        first = ahead.result()
        assert ahead.ready() and ahead.result() == first != PARENT
    with parallel.Ahead(lambda: os._exit(9)) as ahead:
        for _ in range(2):
            with pytest.raises(parallel.WorkerLost):
                ahead.result()
