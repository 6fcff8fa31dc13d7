"""Rate buckets in the database: every instance on it books its sends in the same slots.

One row per key (``rate_buckets``: the key, the booked slots as seconds of the database's
clock). :meth:`PgRateBuckets.reserve` is one short transaction: lock the wanted rows in key
order (``SELECT … ORDER BY key FOR UPDATE``: two senders wanting the same keys queue, none
deadlocks), read the database's clock once the locks are held, book the slot by the rule of
:mod:`bot.store.rates`, write the rows back, commit. The wait it returns is measured on the
database's clock, so instances whose clocks differ still keep the limits.

The transaction commits without waiting for its WAL to reach the disk (``synchronous_commit =
off`` for it alone): the rows stay consistent, and what a crash of the server can lose is the
last few bookings, i.e. a moment in which the limits are not quite kept; the lock on the bot's
row, which every send takes, is then held for the queries only, not for an fsync.
"""

from __future__ import annotations

import psycopg

from bot.store.postgres._db import Database
from bot.store.rates import RatesUnavailable, Wanted, book

__all__ = ["PgRateBuckets"]

_LOCK = "SELECT key, slots FROM rate_buckets WHERE key = ANY(%s) ORDER BY key FOR UPDATE"


class PgRateBuckets:
    """:class:`bot.store.rates.RateBuckets` in ``rate_buckets``; its own connections (never a
    user's transaction)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def reserve(self, wanted: Wanted) -> float:
        keys = sorted({key for key, _ in wanted})
        try:
            with self._db.pool.connection() as conn, conn.transaction():
                conn.execute("SET LOCAL synchronous_commit = off")  # see the module
                booked = self._lock(conn, keys)
                row = conn.execute("SELECT extract(epoch FROM clock_timestamp())::float8"
                                   ).fetchone()
                now = float(str(row[0])) if row is not None else 0.0
                at, kept = book(booked, wanted, now)
                with conn.cursor() as cur:
                    cur.executemany("UPDATE rate_buckets SET slots = %s WHERE key = %s",
                                    [(slots, key) for key, slots in sorted(kept.items())])
        except psycopg.Error as exc:
            raise RatesUnavailable(f"{type(exc).__name__}: {exc}") from exc
        return at - now

    @staticmethod
    def _lock(conn: psycopg.Connection[tuple[object, ...]], keys: list[str]
              ) -> dict[str, list[float]]:
        rows = conn.execute(_LOCK, (keys,)).fetchall()
        if len(rows) < len(keys):  # a key's first slot: its row, then the lock again
            conn.execute("INSERT INTO rate_buckets (key) SELECT k FROM unnest(%s::text[]) AS k"
                         " ORDER BY k ON CONFLICT (key) DO NOTHING", (keys,))
            rows = conn.execute(_LOCK, (keys,)).fetchall()
        return {str(key): [float(t) for t in slots]  # type: ignore[attr-defined]
                for key, slots in rows}
