"""Drafts and sessions in PostgreSQL: one JSONB document per draft and per user's session.

A draft's row is locked (``SELECT … FOR UPDATE``) for its read-modify-write, so two instances
that put the same draft at once are serialised and the optimistic revision check of the second
one sees the first one's revision: no update is lost. Collaborators are the document's own
``collaborators`` list (a GIN index finds a user's shared drafts); there is no second index to
keep in step, so sharing and unsharing are one statement each.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from bot.errors import ConflictError, NotFoundError
from bot.store.errors import StoreCorrupt
from bot.store.models import (
    DRAFT_SCHEMA_VERSION,
    SESSION_SCHEMA_VERSION,
    DraftRecord,
    new_draft_id,
    owner_of,
    utc_now,
)
from bot.store.postgres._db import Database

Clock = Callable[[], datetime]
_encode = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode
log = logging.getLogger(__name__)


def as_json(doc: dict[str, Any]) -> str:
    """The document as JSON text for a ``%s::jsonb`` parameter (``TypeError`` if it is not
    JSON data, before anything is sent)."""
    return _encode(doc)


def _record(doc: Any) -> DraftRecord:
    try:
        return DraftRecord.model_validate(doc)
    except ValidationError as exc:
        detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        draft_id = doc.get("id") if isinstance(doc, dict) else None
        raise StoreCorrupt("store_record_invalid", draft_id=draft_id, detail=detail) from exc


class PgDraftStore:
    """``DraftStore`` over the ``drafts`` table."""

    def __init__(self, db: Database, clock: Clock = utc_now) -> None:
        self._db = db
        self._clock = clock

    def create(
        self, owner: int, name: str, plan: dict[str, Any], meta: dict[str, Any] | None = None
    ) -> DraftRecord:
        now = self._clock()
        with self._db.operation() as conn:
            while True:
                record = DraftRecord(id=new_draft_id(owner), owner=owner, name=name,
                                     created_at=now, updated_at=now, plan=plan, meta=meta or {})
                text = as_json(record.model_dump(mode="json"))
                row = conn.execute(
                    "INSERT INTO drafts (id, owner, updated_at, doc) VALUES (%s, %s, %s, %s::jsonb)"
                    " ON CONFLICT (id) DO NOTHING RETURNING doc",
                    (record.id, owner, now, text),
                ).fetchone()
                if row is not None:
                    return _record(row[0])

    def get(self, draft_id: str) -> DraftRecord | None:
        if owner_of(draft_id) is None:
            return None
        with self._db.operation() as conn:
            row = conn.execute("SELECT doc FROM drafts WHERE id = %s", (draft_id,)).fetchone()
        return None if row is None else _record(row[0])

    def put(self, record: DraftRecord, *, expected_revision: int | None = None) -> DraftRecord:
        if owner_of(record.id) is None:
            raise NotFoundError("draft_not_found", draft_id=record.id)
        changes = {"name": record.name, "plan": record.plan, "meta": record.meta}
        with self._db.operation() as conn:
            row = conn.execute(
                "SELECT doc FROM drafts WHERE id = %s FOR UPDATE", (record.id,)
            ).fetchone()
            if row is None:
                raise NotFoundError("draft_not_found", draft_id=record.id)
            stored = _record(row[0])
            if expected_revision is not None and expected_revision != stored.revision:
                raise ConflictError("draft_conflict", draft_id=record.id,
                                    expected=expected_revision, actual=stored.revision)
            new = DraftRecord.model_validate(
                stored.model_dump() | changes | {
                    "schema_version": DRAFT_SCHEMA_VERSION,
                    "revision": stored.revision + 1,
                    "updated_at": self._clock(),
                }
            )
            doc = new.model_dump(mode="json")
            conn.execute("UPDATE drafts SET doc = %s::jsonb, updated_at = %s WHERE id = %s",
                         (as_json(doc), new.updated_at, record.id))
        return _record(doc)

    def delete(self, draft_id: str) -> bool:
        if owner_of(draft_id) is None:
            return False
        with self._db.operation() as conn:
            cur = conn.execute("DELETE FROM drafts WHERE id = %s", (draft_id,))
            return cur.rowcount > 0

    def list_for(self, user_id: int) -> list[DraftRecord]:
        with self._db.operation() as conn:
            rows = conn.execute(
                "SELECT doc FROM drafts WHERE owner = %s"
                " OR (doc -> 'collaborators') @> %s::jsonb",
                (user_id, _encode([user_id])),
            ).fetchall()
        records = []
        for (doc,) in rows:
            try:
                record = _record(doc)
            except StoreCorrupt as exc:
                log.warning("skipping invalid draft record %s: %s", exc.params.get("draft_id"),
                            exc.params)
                continue
            if record.visible_to(user_id):
                records.append(record)
        records.sort(key=lambda r: (r.updated_at, r.id), reverse=True)
        return records

    def add_collaborator(self, draft_id: str, user_id: int) -> None:
        owner = owner_of(draft_id)
        with self._db.operation() as conn:
            row = None if owner is None else conn.execute(
                "SELECT doc -> 'collaborators' FROM drafts WHERE id = %s FOR UPDATE", (draft_id,)
            ).fetchone()
            if row is None:
                raise NotFoundError("draft_not_found", draft_id=draft_id)
            collaborators = row[0] if isinstance(row[0], list) else []
            if user_id != owner and user_id not in collaborators:
                conn.execute(
                    "UPDATE drafts SET doc = jsonb_set(doc, '{collaborators}', %s::jsonb)"
                    " WHERE id = %s", (_encode([*collaborators, user_id]), draft_id),
                )

    def remove_collaborator(self, draft_id: str, user_id: int) -> None:
        if owner_of(draft_id) is None:
            return
        with self._db.operation() as conn:
            conn.execute(
                "UPDATE drafts SET doc = jsonb_set(doc, '{collaborators}', coalesce(("
                " SELECT jsonb_agg(c) FROM jsonb_array_elements(doc -> 'collaborators') c"
                " WHERE c <> %s::jsonb), '[]'::jsonb))"
                " WHERE id = %s AND (doc -> 'collaborators') @> %s::jsonb",
                (_encode(user_id), draft_id, _encode([user_id])),
            )


class PgSessionStore:
    """``SessionStore`` over the ``sessions`` table."""

    def __init__(self, db: Database, clock: Clock = utc_now) -> None:
        self._db = db
        self._clock = clock

    def load(self, user_id: int) -> dict[str, Any] | None:
        with self._db.operation() as conn:
            row = conn.execute("SELECT doc FROM sessions WHERE user_id = %s",
                               (user_id,)).fetchone()
        if row is None:
            return None
        doc = row[0]
        data = doc.get("data") if isinstance(doc, dict) else None
        version = doc.get("schema_version") if isinstance(doc, dict) else None
        if not isinstance(data, dict) or not isinstance(version, int):
            raise StoreCorrupt("store_record_invalid", user_id=user_id, detail="session")
        if version > SESSION_SCHEMA_VERSION:
            raise StoreCorrupt("store_schema_newer", user_id=user_id, detail="session")
        return data

    def save(self, user_id: int, data: dict[str, Any]) -> None:
        now = self._clock()
        text = as_json({"schema_version": SESSION_SCHEMA_VERSION, "updated_at": now.isoformat(),
                        "data": data})
        with self._db.operation() as conn:
            conn.execute(
                "INSERT INTO sessions (user_id, updated_at, doc) VALUES (%s, %s, %s::jsonb)"
                " ON CONFLICT (user_id) DO UPDATE SET updated_at = excluded.updated_at,"
                " doc = excluded.doc", (user_id, now, text),
            )

    def clear(self, user_id: int) -> None:
        with self._db.operation() as conn:
            conn.execute("DELETE FROM sessions WHERE user_id = %s", (user_id,))

