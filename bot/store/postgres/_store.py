"""``PgStore``: drafts, sessions and share links in one PostgreSQL database."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime

from bot.store.models import utc_now
from bot.store.postgres._db import Database
from bot.store.postgres._drafts import PgDraftStore, PgSessionStore
from bot.store.postgres._schema import migrate
from bot.store.postgres._shares import PgShareStore

Clock = Callable[[], datetime]


class PgStore:
    """``Store`` over PostgreSQL. ``transaction(user_id)`` is one database transaction holding
    the user's advisory lock; the store operations made in it (in the same thread) are part of
    it, so an update is committed whole or not at all."""

    def __init__(self, db: Database, clock: Clock = utc_now) -> None:
        self.db = db
        self._drafts = PgDraftStore(db, clock)
        self._sessions = PgSessionStore(db, clock)
        self._shares = PgShareStore(db, clock)

    @property
    def drafts(self) -> PgDraftStore:
        return self._drafts

    @property
    def sessions(self) -> PgSessionStore:
        return self._sessions

    @property
    def shares(self) -> PgShareStore:
        return self._shares

    def transaction(self, user_id: int) -> AbstractContextManager[None]:
        return self.db.hold(user=user_id)


def open_database(url: str, *, max_size: int = 10) -> Database:
    """The database at ``url``, migrated to this planbot's schema."""
    db = Database(url, max_size=max_size)
    with db.connect() as conn:
        migrate(conn)
    return db


def open_pg_store(db: Database, *, clock: Clock = utc_now) -> PgStore:
    return PgStore(db, clock)
