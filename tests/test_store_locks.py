"""Per-user locks (``bot.store.locks``): exclusive across processes, one lock file per family
(byte-range locks) or one per key where the system has no such locks, and right across a fork."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest

from bot.store.locks import RANGE_LOCKS, KeyedLocks

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")

MODES = [pytest.param(True, id="ranges"), pytest.param(False, id="file-per-key")]


@pytest.fixture(params=MODES)
def ranges(request: pytest.FixtureRequest) -> bool:
    if request.param and not RANGE_LOCKS:
        pytest.skip("no open file description locks here")
    return bool(request.param)


class Child:
    """A forked process running ``body(signal_ready, wait_for_go)``; exits when it returns."""

    def __init__(self, body: Callable[[Callable[[], None], Callable[[], None]], None]) -> None:
        self._ready_r, ready_w = os.pipe()
        go_r, self._go_w = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:
            code = 1
            try:
                signal.alarm(20)
                body(lambda: os.write(ready_w, b"x") and None, lambda: os.read(go_r, 1) and None)
                code = 0
            finally:
                os._exit(code)
        os.close(ready_w)
        os.close(go_r)

    def ready(self, timeout: float = 10) -> None:
        import select

        readable, _, _ = select.select([self._ready_r], [], [], timeout)
        assert readable, "the child did not get there"
        assert os.read(self._ready_r, 1) == b"x"

    def go(self) -> None:
        with suppress(BrokenPipeError):  # the child is gone already
            os.write(self._go_w, b"x")

    def wait(self) -> int:
        _, status = os.waitpid(self.pid, 0)
        os.close(self._ready_r)
        os.close(self._go_w)
        return os.waitstatus_to_exitcode(status)


@contextmanager
def taken_in_thread(locks: KeyedLocks, key: int) -> Iterator[threading.Event]:
    """Take ``key`` in a thread of this process; the event is set once it has it."""
    acquired, leave = threading.Event(), threading.Event()

    def take() -> None:
        with locks.hold(key):
            acquired.set()
            leave.wait(20)

    thread = threading.Thread(target=take)
    thread.start()
    try:
        yield acquired
    finally:
        leave.set()
        thread.join(20)


def test_another_process_waits_for_the_key_and_only_for_it(tmp_path: Path, ranges: bool) -> None:
    locks = KeyedLocks(tmp_path / "users.lock", ranges=ranges)
    with locks.hold(7):  # used before the fork: the child must not share the parent's lock
        pass

    def body(ready: Callable[[], None], wait_go: Callable[[], None]) -> None:
        with locks.hold(7):
            ready()
            wait_go()

    child = Child(body)
    try:
        child.ready()
        for other in (6, 8, -7, 0):
            with taken_in_thread(locks, other) as acquired:
                assert acquired.wait(10), f"key {other} waited for key 7"
        with taken_in_thread(locks, 7) as acquired:
            assert not acquired.wait(0.5)  # the child holds it
            child.go()
            assert acquired.wait(10)
    finally:
        child.go()
        assert child.wait() == 0


def test_a_killed_holder_releases_the_lock(tmp_path: Path, ranges: bool) -> None:
    locks = KeyedLocks(tmp_path / "users.lock", ranges=ranges)

    def body(ready: Callable[[], None], wait_go: Callable[[], None]) -> None:
        with locks.hold(2**52):
            ready()
            wait_go()

    child = Child(body)
    child.ready()
    os.kill(child.pid, signal.SIGKILL)
    assert child.wait() == -signal.SIGKILL
    with taken_in_thread(locks, 2**52) as acquired:
        assert acquired.wait(10)


def test_threads_of_two_processes_waiting_crosswise_is_no_deadlock(
    tmp_path: Path, ranges: bool
) -> None:
    """The child holds A and one of its threads waits for B; the parent holds B and one of its
    threads waits for A. No thread holds one key and waits for another, so this is no deadlock;
    process-owned record locks (``lockf``) would fail one of the waits with EDEADLK."""
    locks = KeyedLocks(tmp_path / "users.lock", ranges=ranges)
    a, b = 1, 2

    def body(ready: Callable[[], None], wait_go: Callable[[], None]) -> None:
        holding, release_a, done = threading.Event(), threading.Event(), threading.Event()
        failures: list[BaseException] = []

        def hold_a() -> None:
            with locks.hold(a):
                holding.set()
                release_a.wait(20)

        def wait_b() -> None:
            try:
                with locks.hold(b):
                    done.set()
            except BaseException as exc:
                failures.append(exc)

        first = threading.Thread(target=hold_a)
        first.start()
        holding.wait(10)
        ready()  # A is held
        wait_go()  # the parent holds B
        second = threading.Thread(target=wait_b)
        second.start()
        ready()
        wait_go()  # a thread of the parent waits for A
        release_a.set()
        first.join(20)
        second.join(20)
        assert not failures and done.is_set()

    child = Child(body)
    try:
        child.ready()
        with taken_in_thread(locks, b) as holding_b:
            assert holding_b.wait(10)
            child.go()
            child.ready()  # the child's thread is about to wait for B
            with taken_in_thread(locks, a) as acquired_a:
                assert not acquired_a.wait(0.3)  # waits for the child, no error
                child.go()  # the child lets go of A
                assert acquired_a.wait(10)
    finally:
        child.go()
        child.go()
        assert child.wait() == 0


def test_range_locks_create_one_file_per_family(tmp_path: Path) -> None:
    if not RANGE_LOCKS:
        pytest.skip("no open file description locks here")
    locks = KeyedLocks(tmp_path / "users.lock", ranges=True)
    for key in range(50):
        with locks.hold(key):
            pass
    assert [p.name for p in tmp_path.iterdir()] == ["users.lock"]


def test_without_range_locks_each_key_has_a_file(tmp_path: Path) -> None:
    locks = KeyedLocks(tmp_path / "users.lock", ranges=False)
    for key in (3, 4):
        with locks.hold(key):
            pass
    assert sorted(p.name for p in (tmp_path / "users").iterdir()) == ["3.lock", "4.lock"]


def test_one_key_at_a_time_per_thread(tmp_path: Path, ranges: bool) -> None:
    locks = KeyedLocks(tmp_path / "users.lock", ranges=ranges)
    with locks.hold(1), locks.hold(1), pytest.raises(RuntimeError), locks.hold(2):  # re-entrant
        pass
    assert locks.held_keys() == 0
    with locks.hold(2):  # released after all
        pass
