"""Per-user locks: a lock table for the threads of this process, ``flock`` for other processes.

A lock is re-entrant for the thread holding it. A thread may hold the lock of one key at a time:
asking for a second key while holding the first raises ``RuntimeError``, because two threads
doing that in opposite orders would deadlock. Different keys never wait for each other.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


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
        if directory is not None:
            directory.mkdir(parents=True, exist_ok=True)

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
                        self._unflock(entry)
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
        path = self._directory / f"{key}{self._suffix}"
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except BaseException:
            os.close(fd)
            raise
        return fd

    @staticmethod
    def _unflock(entry: _Entry) -> None:
        fd, entry.fd = entry.fd, None
        if fd is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_UN)
            finally:
                os.close(fd)
