"""Which Telegram updates have been handled, shared by every webhook instance on the database.

Telegram delivers an update again when its request fails or times out, and behind a proxy the
second delivery may reach another instance. Before handling an update an instance claims its
``update_id`` (one ``INSERT … ON CONFLICT``):

- ``NEW``: nobody had it, or its claimer has been silent for ``stale_after`` (it died): handle it,
  then ``done`` (or ``release`` if handling failed, so the next delivery handles it);
- ``DONE``: handled already: answer 200 and do nothing;
- ``BUSY``: another instance is handling it now: answer 503, Telegram delivers it again later.

So no update is handled twice and none is lost. Rows of handled updates older than a day are
pruned (``prune``; Telegram keeps an undelivered update for 24 hours). One bot per database.
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from bot.store.postgres._db import Database

__all__ = ["Claim", "UpdateLedger"]


class Claim(StrEnum):
    NEW = "new"
    DONE = "done"
    BUSY = "busy"


class UpdateLedger:
    """Claims on ``update_id`` in ``telegram_updates``."""

    def __init__(self, db: Database, *, stale_after: timedelta = timedelta(minutes=2)) -> None:
        self._db = db
        self._stale_after = stale_after

    def claim(self, update_id: int) -> Claim:
        with self._db.operation() as conn:
            won = conn.execute(
                "INSERT INTO telegram_updates (update_id, state, claimed_at)"
                " VALUES (%s, 'claimed', now()) ON CONFLICT (update_id) DO UPDATE"
                " SET claimed_at = now() WHERE telegram_updates.state = 'claimed'"
                " AND telegram_updates.claimed_at < now() - %s RETURNING update_id",
                (update_id, self._stale_after),
            ).fetchone()
            if won is not None:
                return Claim.NEW
            row = conn.execute("SELECT state FROM telegram_updates WHERE update_id = %s",
                               (update_id,)).fetchone()
        return Claim.DONE if row is not None and row[0] == "done" else Claim.BUSY

    def done(self, update_id: int) -> None:
        with self._db.operation() as conn:
            conn.execute("UPDATE telegram_updates SET state = 'done', done_at = now()"
                         " WHERE update_id = %s", (update_id,))

    def release(self, update_id: int) -> None:
        """Handling failed: the next delivery of the update handles it."""
        with self._db.operation() as conn:
            conn.execute("DELETE FROM telegram_updates WHERE update_id = %s AND state = 'claimed'",
                         (update_id,))

    def prune(self, older_than: timedelta = timedelta(days=1)) -> int:
        with self._db.operation() as conn:
            cur = conn.execute("DELETE FROM telegram_updates WHERE state = 'done'"
                               " AND done_at < now() - %s", (older_than,))
            return cur.rowcount
