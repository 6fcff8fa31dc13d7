"""The TinyDB store: one TinyDB per user (see ``bot.store.shards``), same code over files or memory.

A user's shard holds three tables: ``drafts`` (the drafts the user owns), ``shared`` (ids of
drafts other users shared with them: a lookup index, never a grant) and ``session`` (one
document). The grant is the draft's ``collaborators`` list in the owner's shard; the index is
written before the grant and removed after it, so a crash in between leaves only a stale index
entry, which ``list_for`` ignores.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from contextlib import AbstractContextManager
from datetime import datetime
from pathlib import Path
from typing import Any, cast

from pydantic import ValidationError
from tinydb import TinyDB, where
from tinydb.queries import QueryInstance
from tinydb.table import Document

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
from bot.store.shards import NOTICES, FileShards, MemoryShards, Shards
from bot.store.shares import DocShareStore, memory_share_store, open_share_store
from bot.store.storage import copy_json

DRAFTS = "drafts"
SHARED = "shared"
SESSION = "session"
SHARED_SCHEMA_VERSION = 1
_SESSION_DOC = 1

Clock = Callable[[], datetime]
log = logging.getLogger(__name__)


def _by_id(draft_id: str) -> QueryInstance:
    return cast(QueryInstance, where("id") == draft_id)


def _shared(draft_id: str) -> QueryInstance:
    return cast(QueryInstance, where("draft_id") == draft_id)


def _record(doc: Mapping[str, Any], *, copy: bool = True) -> DraftRecord:
    """The record of a stored document; with ``copy``, sharing nothing with it (nor with the
    shard cache). Without, for a record that is read and dropped inside a store operation."""
    try:
        return DraftRecord.model_validate(copy_json(dict(doc)) if copy else dict(doc))
    except ValidationError as exc:
        detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise StoreCorrupt("store_record_invalid", draft_id=doc.get("id"), detail=detail) from exc


def _valid(docs: Iterable[Mapping[str, Any]], user_id: int) -> list[DraftRecord]:
    """The records among ``docs`` that validate and that ``user_id`` may see; log the others."""
    out = []
    for doc in docs:
        try:
            record = _record(doc)
        except StoreCorrupt as exc:
            log.warning("skipping invalid draft record %s: %s", doc.get("id"), exc.params)
            continue
        if record.visible_to(user_id):
            out.append(record)
    return out


class TinyDraftStore:
    """``DraftStore`` over per-user TinyDB shards."""

    def __init__(self, shards: Shards, clock: Clock = utc_now) -> None:
        self._shards = shards
        self._clock = clock

    def create(
        self, owner: int, name: str, plan: dict[str, Any], meta: dict[str, Any] | None = None
    ) -> DraftRecord:
        now = self._clock()

        def insert(db: TinyDB) -> DraftRecord:
            table = db.table(DRAFTS)
            draft_id = new_draft_id(owner)
            while table.contains(_by_id(draft_id)):
                draft_id = new_draft_id(owner)
            record = DraftRecord(
                id=draft_id,
                owner=owner,
                name=name,
                created_at=now,
                updated_at=now,
                plan=plan,
                meta=meta or {},
            )
            doc = record.model_dump(mode="json")
            table.insert(doc)
            return _record(doc)  # what get() returns, sharing nothing with the caller's plan

        return self._shards.write(owner, insert)

    def get(self, draft_id: str) -> DraftRecord | None:
        owner = owner_of(draft_id)
        if owner is None:
            return None
        doc = self._shards.read(owner, lambda db: db.table(DRAFTS).get(_by_id(draft_id)))
        return None if doc is None else _record(doc)

    def put(self, record: DraftRecord, *, expected_revision: int | None = None) -> DraftRecord:
        owner = owner_of(record.id)
        if owner is None:
            raise NotFoundError("draft_not_found", draft_id=record.id)
        changes = {"name": record.name, "plan": record.plan, "meta": record.meta}

        def replace(db: TinyDB) -> DraftRecord:
            table = db.table(DRAFTS)
            found = table.get(_by_id(record.id))
            if found is None:
                raise NotFoundError("draft_not_found", draft_id=record.id)
            stored = _record(found, copy=False)  # its plan, name and meta are replaced
            if expected_revision is not None and expected_revision != stored.revision:
                raise ConflictError(
                    "draft_conflict",
                    draft_id=record.id,
                    expected=expected_revision,
                    actual=stored.revision,
                )
            new = DraftRecord.model_validate(
                stored.model_dump()
                | changes
                | {
                    "schema_version": DRAFT_SCHEMA_VERSION,
                    "revision": stored.revision + 1,
                    "updated_at": self._clock(),
                }
            )
            doc = new.model_dump(mode="json")
            table.update(lambda old: _overwrite(old, doc), _by_id(record.id))
            return _record(doc)  # shares nothing with the caller's record

        return self._shards.write(owner, replace)

    def delete(self, draft_id: str) -> bool:
        owner = owner_of(draft_id)
        if owner is None:
            return False

        def remove(db: TinyDB) -> list[int] | None:
            table = db.table(DRAFTS)
            found = table.get(_by_id(draft_id))
            if found is None:
                return None
            table.remove(_by_id(draft_id))
            return [u for u in found.get("collaborators", []) if isinstance(u, int)]

        collaborators = self._shards.write(owner, remove)
        for user_id in collaborators or ():
            self._unindex_quietly(user_id, draft_id)
        return collaborators is not None

    def list_for(self, user_id: int) -> list[DraftRecord]:
        own, shared = self._shards.read(
            user_id, lambda db: (db.table(DRAFTS).all(), db.table(SHARED).all())
        )
        records = _valid(own, user_id)
        by_owner: dict[int, list[str]] = {}
        for entry in shared:
            draft_id = entry.get("draft_id")
            owner = owner_of(draft_id) if isinstance(draft_id, str) else None
            if owner is not None and owner != user_id and isinstance(draft_id, str):
                by_owner.setdefault(owner, []).append(draft_id)
        for owner, ids in by_owner.items():
            records.extend(_valid(self._docs_of(owner, ids), user_id))
        records.sort(key=lambda r: (r.updated_at, r.id), reverse=True)
        return records

    def add_collaborator(self, draft_id: str, user_id: int) -> None:
        owner = owner_of(draft_id)
        if owner is None or self.get(draft_id) is None:
            raise NotFoundError("draft_not_found", draft_id=draft_id)
        if user_id == owner:
            return
        self._index(user_id, draft_id)

        def grant(db: TinyDB) -> bool:
            table = db.table(DRAFTS)
            found = table.get(_by_id(draft_id))
            if found is None:
                return False
            collaborators = list(found.get("collaborators", []))
            if user_id not in collaborators:
                table.update({"collaborators": [*collaborators, user_id]}, _by_id(draft_id))
            return True

        if not self._shards.write(owner, grant):  # deleted meanwhile
            self._unindex_quietly(user_id, draft_id)
            raise NotFoundError("draft_not_found", draft_id=draft_id)

    def remove_collaborator(self, draft_id: str, user_id: int) -> None:
        owner = owner_of(draft_id)
        if owner is not None:

            def revoke(db: TinyDB) -> None:
                table = db.table(DRAFTS)
                found = table.get(_by_id(draft_id))
                collaborators = list(found.get("collaborators", [])) if found else []
                if user_id in collaborators:
                    kept = [u for u in collaborators if u != user_id]
                    table.update({"collaborators": kept}, _by_id(draft_id))

            self._shards.write(owner, revoke)
        self._unindex(user_id, draft_id)

    def _docs_of(self, owner: int, ids: list[str]) -> list[Document]:
        """Another user's drafts among ``ids``; nothing if that user's shard is broken."""
        try:
            query = where("id").one_of(ids)
            return self._shards.read(owner, lambda db: db.table(DRAFTS).search(query))
        except StoreCorrupt as exc:
            log.warning("cannot read shared drafts of user %s: %s", owner, exc.params)
            return []

    def _index(self, user_id: int, draft_id: str) -> None:
        def add(db: TinyDB) -> None:
            table = db.table(SHARED)
            if not table.contains(_shared(draft_id)):
                table.insert({"schema_version": SHARED_SCHEMA_VERSION, "draft_id": draft_id})

        self._shards.write(user_id, add)

    def _unindex(self, user_id: int, draft_id: str) -> None:
        def drop(db: TinyDB) -> None:
            table = db.table(SHARED)
            if table.contains(_shared(draft_id)):
                table.remove(_shared(draft_id))

        self._shards.write(user_id, drop)

    def _unindex_quietly(self, user_id: int, draft_id: str) -> None:
        """Clean-up of an index entry that ``list_for`` would ignore anyway."""
        try:
            self._unindex(user_id, draft_id)
        except StoreCorrupt as exc:
            log.warning("cannot clean the shared index of user %s: %s", user_id, exc.params)


def _overwrite(old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
    assert isinstance(old, dict)  # TinyDB hands the stored dict to update callbacks
    old.clear()
    old.update(new)


def _session_or_notice(db: TinyDB) -> tuple[Document | None, Document | None]:
    """The session document, or else (a fresh shard) the first note of moved-aside files."""
    doc = db.table(SESSION).get(doc_id=_SESSION_DOC)
    if doc is not None:
        return doc, None
    notices = db.table(NOTICES).all() if NOTICES in db.tables() else []
    return None, notices[0] if notices else None


def _notice_params(notice: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in notice.items() if k not in ("schema_version", "message_id")}


class TinySessionStore:
    """``SessionStore``: one document in the user's ``session`` table."""

    def __init__(self, shards: Shards, clock: Clock = utc_now) -> None:
        self._shards = shards
        self._clock = clock

    def load(self, user_id: int) -> dict[str, Any] | None:
        """The session data (None: none yet). ``StoreCorrupt("store_corrupt")`` once after the
        user's files were moved aside, by this call or an earlier one of another user's."""
        try:
            doc, notice = self._shards.read(user_id, _session_or_notice)
        except StoreCorrupt as exc:
            if exc.message_id == "store_corrupt":
                self._told(user_id)  # by this error
            raise
        if doc is None:
            if notice is not None:
                self._told(user_id)
                raise StoreCorrupt(str(notice["message_id"]), **_notice_params(notice))
            return None
        data = doc.get("data")
        version = doc.get("schema_version")
        if not isinstance(data, dict) or not isinstance(version, int):
            raise StoreCorrupt("store_record_invalid", user_id=user_id, detail="session")
        if version > SESSION_SCHEMA_VERSION:
            raise StoreCorrupt("store_schema_newer", user_id=user_id, detail="session")
        return copy_json(data)

    def _told(self, user_id: int) -> None:
        """The notes of moved-aside files are told: forget them."""

        def forget(db: TinyDB) -> None:
            table = db.table(NOTICES)
            if len(table):
                table.truncate()

        try:
            self._shards.write(user_id, forget)
        except StoreCorrupt as exc:  # broken again already: told at the next event
            log.warning("cannot forget the notices of user %s: %s", user_id, exc.message_id)

    def save(self, user_id: int, data: dict[str, Any]) -> None:
        doc = {
            "schema_version": SESSION_SCHEMA_VERSION,
            "updated_at": self._clock().isoformat(),
            "data": data,
        }

        def upsert(db: TinyDB) -> None:  # TinyDB's upsert writes twice when inserting
            table = db.table(SESSION)
            if table.contains(doc_id=_SESSION_DOC):
                table.update(doc, doc_ids=[_SESSION_DOC])
            else:
                table.insert(Document(doc, doc_id=_SESSION_DOC))

        self._shards.write(user_id, upsert)

    def clear(self, user_id: int) -> None:
        def drop(db: TinyDB) -> None:
            table = db.table(SESSION)
            if table.contains(doc_id=_SESSION_DOC):
                table.remove(doc_ids=[_SESSION_DOC])

        self._shards.write(user_id, drop)


class TinyStore:
    """``Store`` over TinyDB shards: ``.drafts``, ``.sessions``, ``.shares`` (share links, kept
    beside the shards: ``bot.store.shares``) and ``transaction(user_id)``."""

    def __init__(
        self, shards: Shards, clock: Clock = utc_now, shares: DocShareStore | None = None
    ) -> None:
        self.shards = shards
        self._drafts = TinyDraftStore(shards, clock)
        self._sessions = TinySessionStore(shards, clock)
        if shares is None and isinstance(shards, FileShards):
            shares = open_share_store(shards.users_dir.parent, clock=clock)
        self._shares = shares or memory_share_store(clock=clock)

    @property
    def drafts(self) -> TinyDraftStore:
        return self._drafts

    @property
    def sessions(self) -> TinySessionStore:
        return self._sessions

    @property
    def shares(self) -> DocShareStore:
        return self._shares

    def transaction(self, user_id: int) -> AbstractContextManager[None]:
        return self.shards.tx_locks.hold(user_id)


def open_store(data_dir: Path, *, clock: Clock = utc_now) -> TinyStore:
    """The default store: shards in ``<data_dir>/users``, locks in ``<data_dir>/locks``.

    Temporary files that crashed writers of earlier versions left more than an hour ago are
    deleted.
    """
    shards = FileShards(data_dir)
    shards.sweep_temp_files()
    return TinyStore(shards, clock)


def memory_store(*, clock: Clock = utc_now) -> TinyStore:
    """The same store kept in memory (engine tests)."""
    return TinyStore(MemoryShards(), clock)
