"""Share links in PostgreSQL: one row per link (its SHA-256, the draft, the JSONB record) and
the names of the people who used a draft's links.

A link opens while its row exists and it has not expired: creating and revoking are one
statement each, so there is no half-made link. A draft's link ids (the first 32 bits of the
hash) are kept unique under an advisory lock on the draft.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import psycopg
from pydantic import ValidationError

from bot.store.models import LINK_ID_HEX, ShareKind, ShareRecord, link_id_of, utc_now
from bot.store.postgres._db import NS_SHARES, Database
from bot.store.postgres._drafts import as_json
from bot.store.shares import _HASH, MAX_NAME, MAX_OPENED, new_token, token_hash

Clock = Callable[[], datetime]
log = logging.getLogger(__name__)


def _link(doc: Any, hashed: str) -> ShareRecord | None:
    """The record of a row; ``None`` (logged) if it does not validate: it opens nothing."""
    try:
        record = ShareRecord.model_validate(doc)
    except ValidationError:
        log.warning("share %s unreadable", hashed[:LINK_ID_HEX])
        return None
    return record if record.token_hash == hashed else None


class PgShareStore:
    """``ShareStore`` over ``share_links`` and ``share_names``."""

    def __init__(self, db: Database, clock: Clock = utc_now) -> None:
        self._db = db
        self._clock = clock

    def now(self) -> datetime:
        return self._clock()

    def create(
        self, draft_id: str, kind: ShareKind, created_by: int, ttl: timedelta | None
    ) -> tuple[str, ShareRecord]:
        with self._db.operation() as conn:
            _lock_draft(conn, draft_id)
            rows = conn.execute("SELECT token_hash FROM share_links WHERE draft_id = %s",
                                (draft_id,)).fetchall()
            taken = {link_id_of(str(row[0])) for row in rows}
            token = new_token()
            while link_id_of(token_hash(token)) in taken:
                token = new_token()
            now = self._clock()
            record = ShareRecord(
                token_hash=token_hash(token), draft_id=draft_id, kind=kind,
                created_by=created_by, created_at=now,
                expires_at=None if ttl is None else now + ttl,
            )
            conn.execute(
                "INSERT INTO share_links (token_hash, draft_id, doc) VALUES (%s, %s, %s::jsonb)",
                (record.token_hash, draft_id, as_json(record.model_dump(mode="json"))),
            )
        return token, record

    def find(self, token: str) -> ShareRecord | None:
        return self.get(token_hash(token))

    def get(self, hashed: str) -> ShareRecord | None:
        if not _HASH.fullmatch(hashed):
            return None
        with self._db.operation() as conn:
            row = conn.execute("SELECT doc FROM share_links WHERE token_hash = %s",
                               (hashed,)).fetchone()
        record = None if row is None else _link(row[0], hashed)
        return record if record is not None and record.live_at(self._clock()) else None

    def for_draft(self, draft_id: str) -> list[ShareRecord]:
        now = self._clock()
        live: list[ShareRecord] = []
        dead: list[ShareRecord] = []
        with self._db.operation() as conn:
            rows = conn.execute(
                "SELECT token_hash, doc FROM share_links WHERE draft_id = %s ORDER BY seq",
                (draft_id,),
            ).fetchall()
            for hashed, doc in rows:
                record = _link(doc, str(hashed))
                if record is None:
                    continue  # kept for an administrator; it opens nothing
                (live if record.live_at(now) else dead).append(record)
            if dead:
                conn.execute("DELETE FROM share_links WHERE token_hash = ANY(%s)",
                             ([r.token_hash for r in dead],))
        return live

    def set_expiry(self, hashed: str, ttl: timedelta | None) -> ShareRecord | None:
        if self.get(hashed) is None:
            return None
        with self._db.operation() as conn:
            row = conn.execute("SELECT doc FROM share_links WHERE token_hash = %s FOR UPDATE",
                               (hashed,)).fetchone()
            current = None if row is None else _link(row[0], hashed)
            if current is None:
                return None
            now = self._clock()
            changed = current.model_copy(update={"expires_at": None if ttl is None else now + ttl})
            conn.execute("UPDATE share_links SET doc = %s::jsonb WHERE token_hash = %s",
                         (as_json(changed.model_dump(mode="json")), hashed))
        return changed

    def revoke(self, hashed: str) -> bool:
        if not _HASH.fullmatch(hashed):
            return False
        with self._db.operation() as conn:
            row = conn.execute("DELETE FROM share_links WHERE token_hash = %s RETURNING doc",
                               (hashed,)).fetchone()
        record = None if row is None else _link(row[0], hashed)
        return record is not None and record.live_at(self._clock())

    def revoke_all(self, draft_id: str) -> int:
        with self._db.operation() as conn:
            _lock_draft(conn, draft_id)
            cur = conn.execute("DELETE FROM share_links WHERE draft_id = %s", (draft_id,))
            conn.execute("DELETE FROM share_names WHERE draft_id = %s", (draft_id,))
            return cur.rowcount

    def opened(self, hashed: str, user_id: int, name: str) -> None:
        record = self.get(hashed)
        if record is None:
            return
        with self._db.operation() as conn:
            row = conn.execute("SELECT doc FROM share_links WHERE token_hash = %s FOR UPDATE",
                               (hashed,)).fetchone()
            current = None if row is None else _link(row[0], hashed)
            if current is not None and user_id not in current.opened_by:
                opened_by = [*current.opened_by, user_id][-MAX_OPENED:]
                changed = current.model_copy(update={"opened_by": opened_by})
                conn.execute("UPDATE share_links SET doc = %s::jsonb WHERE token_hash = %s",
                             (as_json(changed.model_dump(mode="json")), hashed))
        self.remember_name(record.draft_id, user_id, name)

    def remember_name(self, draft_id: str, user_id: int, name: str) -> None:
        name = " ".join(name.split())[:MAX_NAME]
        if not name:
            return
        with self._db.operation() as conn:
            conn.execute(
                "INSERT INTO share_names (draft_id, user_id, name) VALUES (%s, %s, %s)"
                " ON CONFLICT (draft_id, user_id) DO UPDATE SET name = excluded.name",
                (draft_id, user_id, name),
            )

    def names(self, draft_id: str) -> dict[int, str]:
        with self._db.operation() as conn:
            rows = conn.execute("SELECT user_id, name FROM share_names WHERE draft_id = %s",
                                (draft_id,)).fetchall()
        return {int(str(user)): str(name) for user, name in rows}


def _lock_draft(conn: psycopg.Connection[tuple[object, ...]], draft_id: str) -> None:
    """Serialise the changes of one draft's links (until the transaction ends)."""
    conn.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", (NS_SHARES, draft_id))

