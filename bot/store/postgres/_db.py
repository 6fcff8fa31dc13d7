"""The connection pool, the thread's open transaction and the advisory locks.

Every store operation runs in one transaction: its own (a connection from the pool, committed
when the operation returns), or the one the calling thread holds (``hold``), as a savepoint in
it, so a failed operation leaves the rest of that transaction usable. ``hold`` opens a thread's
transaction and takes a transaction-level advisory lock (``pg_advisory_xact_lock``): released
by the commit or the rollback, so a crashed process never leaves a lock behind. Nested holds in
one thread take their locks in the same transaction.

Advisory lock keys: one ``bigint`` for a user's updates (``Store.transaction``); two ``int4``
(namespace, key) for everything else: their key spaces are distinct in PostgreSQL.

The pool is opened lazily in each process (a worker forked from the bot's first process gets a
pool of its own; the connections it inherited belong to the parent and are never touched).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field

import psycopg
from psycopg_pool import ConnectionPool

__all__ = ["NS_ADMINS", "NS_LIBRARY", "NS_SHARES", "Database"]

NS_MIGRATIONS = 1
NS_LIBRARY = 2
NS_ADMINS = 3
NS_SHARES = 4
_ORPHANED: list[ConnectionPool] = []  # pools inherited over fork: never closed in the child


@dataclass
class _Held:
    """The thread's open transaction: its connection, the user whose lock it holds, depth."""

    conn: psycopg.Connection[tuple[object, ...]]
    user: int | None
    depth: int = 1
    keys: set[tuple[int, int]] = field(default_factory=set)


class Database:
    """One PostgreSQL database: a pool (``max_size`` connections) and the thread's transaction."""

    def __init__(self, url: str, *, max_size: int = 10) -> None:
        self.url = url
        self._max_size = max_size
        self._pool: ConnectionPool | None = None
        self._pid = 0
        self._pool_lock = threading.Lock()
        self._local = threading.local()

    def close(self) -> None:
        with self._pool_lock:
            if self._pool is not None and self._pid == os.getpid():
                self._pool.close()
            self._pool = None

    def connect(self) -> psycopg.Connection[tuple[object, ...]]:
        """A connection of its own, outside the pool (migrations, LISTEN, tests)."""
        return psycopg.connect(self.url)

    @property
    def pool(self) -> ConnectionPool:
        with self._pool_lock:
            if self._pool is None or self._pid != os.getpid():
                if self._pool is not None:
                    _ORPHANED.append(self._pool)
                self._pool = ConnectionPool(  # checked when taken: a server restart costs nothing
                    self.url, min_size=1, max_size=self._max_size, open=True,
                    name=f"planbot-{os.getpid()}", check=ConnectionPool.check_connection,
                )
                self._pid = os.getpid()
            return self._pool

    @contextmanager
    def operation(self) -> Iterator[psycopg.Connection[tuple[object, ...]]]:
        """One store operation: in the thread's transaction (a savepoint), else in its own."""
        held: _Held | None = getattr(self._local, "held", None)
        if held is not None:
            with held.conn.transaction():
                yield held.conn
            return
        with self.pool.connection() as conn, conn.transaction():
            yield conn

    @contextmanager
    def hold(self, *, user: int | None = None, key: tuple[int, int] | None = None
             ) -> Iterator[None]:
        """The thread's transaction with the user's lock (``user``) or another one (``key``).

        Re-entrant for the same user; ``RuntimeError`` for a second user in one thread (two
        users' locks taken in different orders by two threads could deadlock).
        """
        held: _Held | None = getattr(self._local, "held", None)
        if held is not None:
            if user is not None and held.user not in (None, user):
                raise RuntimeError(f"this thread holds user {held.user}'s transaction")
            with self._nested(held, user, key):
                yield
            return
        with self.pool.connection() as conn:
            held = _Held(conn, None)  # psycopg begins the transaction at the first statement
            self._local.held = held
            try:
                self._lock(held, user, key)
                yield
            except BaseException:
                with suppress(psycopg.Error):  # a broken connection: the server rolled back
                    conn.rollback()
                raise
            else:
                conn.commit()
            finally:
                self._local.held = None

    @contextmanager
    def _nested(self, held: _Held, user: int | None, key: tuple[int, int] | None
                ) -> Iterator[None]:
        """A hold inside the thread's transaction: its locks last until that one ends."""
        held.depth += 1
        try:
            self._lock(held, user, key)
            yield
        finally:
            held.depth -= 1

    @staticmethod
    def _lock(held: _Held, user: int | None, key: tuple[int, int] | None) -> None:
        if user is not None and held.user is None:
            held.conn.execute("SELECT pg_advisory_xact_lock(%s::bigint)", (user,))
            held.user = user
        if key is not None and key not in held.keys:
            held.conn.execute("SELECT pg_advisory_xact_lock(%s, %s)", key)
            held.keys.add(key)

    def holds(self) -> bool:
        """Whether this thread is inside ``hold``."""
        return getattr(self._local, "held", None) is not None
