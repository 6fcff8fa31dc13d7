"""Per-user locks (``bot.store.locks``): lock files kept open, and still exclusive across a fork."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

import pytest

import bot.store.locks
from bot.store.locks import KeyedLocks


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


pytestmark = pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")


def test_lock_files_stay_open_up_to_a_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bot.store.locks, "OPEN_LOCK_FILES", 3)
    locks = KeyedLocks(tmp_path, ".lock")
    before = _open_fds()
    for key in range(10):
        for _ in range(2):
            with locks.hold(key):
                pass
    assert locks.open_files() == 3 and _open_fds() == before + 3
    with locks.hold(9):  # one of those kept open: no new descriptor
        assert _open_fds() == before + 3
    assert sorted(p.name for p in tmp_path.iterdir())[:2] == ["0.lock", "1.lock"]


def test_a_forked_child_does_not_share_the_parents_lock(tmp_path: Path) -> None:
    """A child holding the lock keeps the parent out, although the parent's lock file was open
    (kept by the cache) when it forked: the child opened its own."""
    locks = KeyedLocks(tmp_path, ".lock")
    with locks.hold(7):
        pass
    assert locks.open_files() == 1
    holding_r, holding_w = os.pipe()
    release_r, release_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        try:
            signal.alarm(20)
            with locks.hold(7):
                os.write(holding_w, b"x")
                os.read(release_r, 1)
        finally:
            os._exit(0)
    try:
        assert os.read(holding_r, 1) == b"x"
        acquired = threading.Event()

        def take() -> None:
            with locks.hold(7):
                acquired.set()

        thread = threading.Thread(target=take)
        thread.start()
        assert not acquired.wait(0.5)  # the child holds it
        os.write(release_w, b"x")
        assert acquired.wait(10)
        thread.join()
    finally:
        os.waitpid(pid, 0)
        for fd in (holding_r, holding_w, release_r, release_w):
            os.close(fd)
