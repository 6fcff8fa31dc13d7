"""Per-user locks: a lock table for the threads of this process, a file lock for other processes.

A lock is re-entrant for the thread holding it. A thread may hold the lock of one key at a time:
asking for a second key while holding the first raises ``RuntimeError``, because two threads
doing that in opposite orders would deadlock. Different keys never wait for each other.

Across processes, all keys of a family share one lock file (``locks/users.lock`` …): the lock
of a key is a byte-range lock on one byte of it, an open file description lock (Linux
``F_OFD_SETLKW``). Creating a file costs 150-330 µs of kernel CPU on the ext4 VMs we run on,
and a lock file per user made every new user create two; a range lock costs about 1 µs and
creates nothing. An open file description lock belongs to the open file, not to the process (so
a multi-threaded process gets no false ``EDEADLK``, unlike ``lockf``), and it is released when the
process ends, however it ends. A forked child shares its parent's open file, so a child opens
its own.

Where there are no such locks (macOS, BSD), each key has its own file under ``locks/<family>/``,
locked with ``flock``, opened and closed around each hold.
"""

from __future__ import annotations

import fcntl
import os
import struct
import sys
import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Final

# struct flock on 64-bit Linux: l_type, l_whence, l_start, l_len, l_pid (0 for OFD locks)
_FLOCK: Final = struct.Struct("hhqqi4x")
_Release = Callable[[], None]
RANGE_LOCKS: Final = (
    sys.platform == "linux" and hasattr(fcntl, "F_OFD_SETLKW") and struct.calcsize("P") == 8
)


class _Entry:
    __slots__ = ("depth", "lock", "refs")

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.refs = 0  # threads holding or waiting for the lock
        self.depth = 0  # nesting depth of the holder


class KeyedLocks:
    """Locks by key (a user id); with a ``path`` (``<dir>/<family>.lock``), also across processes.

    ``ranges``: byte-range locks in that one file (the default where the system has them), or
    else one ``flock``-ed file per key in ``<dir>/<family>/``.
    """

    def __init__(self, path: Path | None = None, *, ranges: bool = RANGE_LOCKS) -> None:
        self._path = path
        self._ranges = ranges
        self._table: dict[int, _Entry] = {}
        self._table_lock = threading.Lock()
        self._local = threading.local()
        self._fd: int | None = None  # the family's lock file (range locks), opened on first use
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            if not ranges:
                self._key_dir().mkdir(exist_ok=True)
            _ALL.add(self)

    @contextmanager
    def hold(self, key: int) -> Iterator[None]:
        held: int | None = getattr(self._local, "key", None)
        if held is not None and held != key:
            raise RuntimeError(f"lock for {key} requested while holding the lock for {held}")
        entry = self._checkout(key)
        try:
            with entry.lock:
                if entry.depth == 0:
                    release = self._lock_file(key)
                    self._local.key = key
                entry.depth += 1
                try:
                    yield
                finally:
                    entry.depth -= 1
                    if entry.depth == 0:
                        self._local.key = None
                        release()
        finally:
            self._checkin(key, entry)

    def held_keys(self) -> int:
        """How many keys have an entry in the table (for tests: entries are dropped when free)."""
        with self._table_lock:
            return len(self._table)

    def _checkout(self, key: int) -> _Entry:
        with self._table_lock:
            entry = self._table.get(key)
            if entry is None:
                entry = self._table[key] = _Entry()
            entry.refs += 1
            return entry

    def _checkin(self, key: int, entry: _Entry) -> None:
        with self._table_lock:
            entry.refs -= 1
            if entry.refs == 0:
                del self._table[key]

    # -- across processes ----------------------------------------------------------------------

    def _lock_file(self, key: int) -> _Release:
        """Take the other processes' lock of ``key`` (blocking); returns what releases it."""
        if self._path is None:
            return _nothing
        if self._ranges:
            return self._lock_range(key)
        return self._lock_key_file(key)

    def _lock_range(self, key: int) -> _Release:
        fd = self._family_fd()
        start = 2 * key if key >= 0 else -2 * key - 1  # every int key a byte of its own
        fcntl.fcntl(fd, fcntl.F_OFD_SETLKW, _FLOCK.pack(fcntl.F_WRLCK, os.SEEK_SET, start, 1, 0))

        def release() -> None:
            fcntl.fcntl(fd, fcntl.F_OFD_SETLK, _FLOCK.pack(fcntl.F_UNLCK, os.SEEK_SET, start, 1, 0))

        return release

    def _family_fd(self) -> int:
        with self._table_lock:
            if self._fd is None:
                assert self._path is not None
                self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            return self._fd

    def _lock_key_file(self, key: int) -> _Release:
        path = self._key_dir() / f"{key}.lock"
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except BaseException:
            os.close(fd)
            raise
        return lambda: os.close(fd)  # closing the file releases its flock

    def _key_dir(self) -> Path:
        assert self._path is not None
        return self._path.with_suffix("")

    def _forget_in_child(self) -> None:
        """After a fork: the inherited open file shares its range locks with the parent."""
        if self._fd is not None:
            with suppress(OSError):
                os.close(self._fd)  # the parent's file stays open, and its locks held
            self._fd = None


def _nothing() -> None:
    pass


_ALL: weakref.WeakSet[KeyedLocks] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    for locks in list(_ALL):
        locks._forget_in_child()


os.register_at_fork(after_in_child=_after_fork_in_child)
