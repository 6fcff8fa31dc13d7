"""Per-user locks: a lock table for the threads of this process, ``flock`` for other processes.

A lock is re-entrant for the thread holding it. A thread may hold the lock of one key at a time:
asking for a second key while holding the first raises ``RuntimeError``, because two threads
doing that in opposite orders would deadlock. Different keys never wait for each other.

The lock files of recently used keys stay open (``OPEN_LOCK_FILES`` of them): opening a file
costs 20-25 µs on our VMs, and a bot update takes several locks. A ``flock`` belongs to the open
file, which a forked child shares with its parent, so a child closes the inherited descriptors
and opens its own.
"""

from __future__ import annotations

import fcntl
import os
import threading
import weakref
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

OPEN_LOCK_FILES = 256  # per KeyedLocks


class _Entry:
    __slots__ = ("depth", "fd", "lock", "refs")

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.refs = 0  # threads holding or waiting for the lock
        self.depth = 0  # nesting depth of the holder
        self.fd: int | None = None


class KeyedLocks:
    """Locks by user id; with a ``directory``, also ``flock`` on ``<directory>/<key><suffix>``."""

    def __init__(self, directory: Path | None = None, suffix: str = ".lock") -> None:
        self._directory = directory
        self._suffix = suffix
        self._table: dict[int, _Entry] = {}
        self._table_lock = threading.Lock()
        self._local = threading.local()
        self._open: OrderedDict[int, int] = OrderedDict()  # key → lock file fd, not locked
        if directory is not None:
            directory.mkdir(parents=True, exist_ok=True)
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
                    entry.fd = self._flock(key)
                    self._local.key = key
                entry.depth += 1
                try:
                    yield
                finally:
                    entry.depth -= 1
                    if entry.depth == 0:
                        self._local.key = None
                        self._unflock(entry, key)
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

    def _flock(self, key: int) -> int | None:
        if self._directory is None:
            return None
        with self._table_lock:
            fd = self._open.pop(key, None)
        if fd is None:
            path = self._directory / f"{key}{self._suffix}"
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except BaseException:
            os.close(fd)
            raise
        return fd

    def _unflock(self, entry: _Entry, key: int) -> None:
        fd, entry.fd = entry.fd, None
        if fd is None:
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_UN)
        except BaseException:
            os.close(fd)
            raise
        with self._table_lock:
            self._open[key] = fd
            full = len(self._open) > OPEN_LOCK_FILES
            evicted = self._open.popitem(last=False)[1] if full else None
        if evicted is not None:
            os.close(evicted)

    def open_files(self) -> int:
        """How many lock files are kept open (for tests)."""
        with self._table_lock:
            return len(self._open)

    def _forget_in_child(self) -> None:
        """After a fork: the inherited descriptors share their locks with the parent."""
        for fd in self._open.values():
            with suppress(OSError):
                os.close(fd)
        self._open.clear()


_ALL: weakref.WeakSet[KeyedLocks] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    for locks in list(_ALL):
        locks._forget_in_child()


os.register_at_fork(after_in_child=_after_fork_in_child)
