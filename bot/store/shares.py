"""Share links: a draft opened by a link, kept under the SHA-256 of the link's token.

Usage::

    token, link = store.shares.create(draft.id, ShareKind.VIEW, owner, timedelta(days=30))
    # token goes into https://t.me/<bot>?start=<token>; it is never stored
    link = store.shares.find(token)        # None: unknown, revoked or expired (one answer)
    store.shares.revoke(link.token_hash)

A token is 32 URL-safe characters: 192 bits from ``secrets``, within Telegram's ``start``
parameter (``A-Z a-z 0-9 _ -``, at most 64). Only its hash is stored, so a copy of the store
opens nothing. Every link has a ``link_id``, the first 32 bits of its hash, unique among the
links of its draft: buttons name a link by it (the hash does not fit in 64 bytes of data).

Two kinds of documents, written atomically (``bot.store.files``), UTF-8 JSON with
``ensure_ascii=False`` and a ``schema_version``::

    <data_dir>/shares/<first 2 hex>/<sha256 hex>.json    one link: draft, kind, expiry, opened by
    <data_dir>/shares/drafts/<draft id as hex>.json       one draft: its live links, people's names

The draft's document is the authority: a link opens only while it is listed there, unexpired,
and its own document exists. So creating writes the link, then lists it; revoking unlists it
(from then on it opens nothing), then deletes it. A crash in between leaves an unlisted link
document, which opens nothing. Every write about a draft holds the lock of the draft's owner
(threads and, for files, ``flock`` under ``<data_dir>/locks``); reads take no lock.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol, TypeVar

from pydantic import ValidationError

from bot.store.errors import StoreCorrupt
from bot.store.files import fsync_dir, write_atomic
from bot.store.locks import KeyedLocks
from bot.store.models import (
    LINK_ID_HEX,
    SHARE_SCHEMA_VERSION,
    DraftShares,
    ShareDoc,
    ShareKind,
    ShareRecord,
    link_id_of,
    owner_of,
    utc_now,
)

TOKEN_BYTES = 24  # 192 bits → 32 characters of token_urlsafe
MAX_OPENED = 200  # people remembered per link
MAX_NAME = 64
_HASH = re.compile(r"[0-9a-f]{64}")

Clock = Callable[[], datetime]
T = TypeVar("T")
log = logging.getLogger(__name__)


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """The SHA-256 (hex) under which a link is kept; any text hashes, malformed or not."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class Blobs(Protocol):
    """Where the documents live: files (atomic writes) or a dict. Keys are relative paths."""

    def read(self, key: str) -> bytes | None: ...

    def write(self, key: str, data: bytes) -> None: ...

    def delete(self, key: str) -> None: ...


class FileBlobs:
    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def read(self, key: str) -> bytes | None:
        try:
            return (self.root / key).read_bytes()
        except FileNotFoundError:
            return None

    def write(self, key: str, data: bytes) -> None:
        write_atomic(self.root / key, data)

    def delete(self, key: str) -> None:
        path = self.root / key
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
            fsync_dir(path.parent)


class MemoryBlobs:
    def __init__(self) -> None:
        self.data: dict[str, bytes] = {}

    def read(self, key: str) -> bytes | None:
        return self.data.get(key)

    def write(self, key: str, data: bytes) -> None:
        self.data[key] = bytes(data)

    def delete(self, key: str) -> None:
        self.data.pop(key, None)


def _link_key(hashed: str) -> str:
    return f"{hashed[:2]}/{hashed}.json"


def _draft_key(draft_id: str) -> str:
    return f"drafts/{draft_id.encode('utf-8').hex()}.json"


def _encode(doc: ShareDoc) -> bytes:
    data = doc.model_dump(mode="json")
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _decode(raw: bytes, model: type[ShareDoc], where: str) -> Any:
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except ValueError as exc:
        raise StoreCorrupt("store_record_invalid", detail=f"{where}: not UTF-8 JSON") from exc
    version = data.get("schema_version") if isinstance(data, dict) else None
    if isinstance(version, int) and version > SHARE_SCHEMA_VERSION:
        raise StoreCorrupt("store_schema_newer", detail=where)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        fields = ", ".join(".".join(map(str, e["loc"])) for e in exc.errors()[:3])
        raise StoreCorrupt("store_record_invalid", detail=f"{where}: {fields}") from exc


class DocShareStore:
    """``ShareStore`` over documents in ``Blobs``: the same code over files and memory."""

    def __init__(self, blobs: Blobs, locks: KeyedLocks, clock: Clock = utc_now) -> None:
        self._blobs = blobs
        self._locks = locks
        self._clock = clock

    def now(self) -> datetime:
        return self._clock()

    # -- links ------------------------------------------------------------------------------

    def create(
        self, draft_id: str, kind: ShareKind, created_by: int, ttl: timedelta | None
    ) -> tuple[str, ShareRecord]:
        with self._locked(draft_id):
            shares = self._draft(draft_id)
            taken = {link_id_of(h) for h in shares.links}
            token = new_token()
            while link_id_of(token_hash(token)) in taken:
                token = new_token()
            now = self._clock()
            record = ShareRecord(
                token_hash=token_hash(token), draft_id=draft_id, kind=kind,
                created_by=created_by, created_at=now,
                expires_at=None if ttl is None else now + ttl,
            )
            self._blobs.write(_link_key(record.token_hash), _encode(record))
            shares.links.append(record.token_hash)
            self._save_draft(shares)
        return token, record

    def find(self, token: str) -> ShareRecord | None:
        return self.get(token_hash(token))

    def get(self, hashed: str) -> ShareRecord | None:
        if not _HASH.fullmatch(hashed):
            return None
        try:
            record = self._link(hashed)
            if record is None or not record.live_at(self._clock()):
                return None
            if hashed not in self._draft(record.draft_id).links:
                return None  # revoked, or its creation never finished
        except StoreCorrupt as exc:  # fail closed: an unreadable link opens nothing
            log.warning("share %s unreadable: %s", hashed[:LINK_ID_HEX], exc.params)
            return None
        return record

    def for_draft(self, draft_id: str) -> list[ShareRecord]:
        now = self._clock()
        live, dead = [], []
        for hashed in self._draft(draft_id).links:
            try:
                record = self._link(hashed)
            except StoreCorrupt as exc:  # kept for an administrator; it opens nothing
                log.warning("share %s unreadable: %s", hashed[:LINK_ID_HEX], exc.params)
                continue
            if record is None or not record.live_at(now):
                dead.append(hashed)
            else:
                live.append(record)
        if dead:
            with self._locked(draft_id):
                for hashed in dead:
                    self._unlist(draft_id, hashed)
        return live

    def set_expiry(self, hashed: str, ttl: timedelta | None) -> ShareRecord | None:
        record = self.get(hashed)
        if record is None:
            return None
        with self._locked(record.draft_id):
            now = self._clock()
            current = self._link(hashed)
            if current is None or hashed not in self._draft(record.draft_id).links:
                return None
            changed = current.model_copy(update={"expires_at": None if ttl is None else now + ttl})
            self._blobs.write(_link_key(hashed), _encode(changed))
        return changed

    def revoke(self, hashed: str) -> bool:
        record = self._link(hashed) if _HASH.fullmatch(hashed) else None
        if record is None:
            return False
        live = record.live_at(self._clock())
        with self._locked(record.draft_id):
            listed = self._unlist(record.draft_id, hashed)
        return listed and live

    def revoke_all(self, draft_id: str) -> int:
        with self._locked(draft_id):
            shares = self._draft(draft_id)
            self._blobs.delete(_draft_key(draft_id))  # from here on none of them opens
            for hashed in shares.links:
                self._blobs.delete(_link_key(hashed))
        return len(shares.links)

    # -- people -----------------------------------------------------------------------------

    def opened(self, hashed: str, user_id: int, name: str) -> None:
        record = self.get(hashed)
        if record is None:
            return
        with self._locked(record.draft_id):
            current = self._link(hashed)
            if current is not None and user_id not in current.opened_by:
                opened_by = [*current.opened_by, user_id][-MAX_OPENED:]
                changed = current.model_copy(update={"opened_by": opened_by})
                self._blobs.write(_link_key(hashed), _encode(changed))
        self.remember_name(record.draft_id, user_id, name)

    def remember_name(self, draft_id: str, user_id: int, name: str) -> None:
        name = " ".join(name.split())[:MAX_NAME]
        if not name:
            return
        with self._locked(draft_id):
            shares = self._draft(draft_id)
            if shares.names.get(user_id) != name:
                shares.names[user_id] = name
                self._save_draft(shares)

    def names(self, draft_id: str) -> dict[int, str]:
        return dict(self._draft(draft_id).names)

    # -- documents --------------------------------------------------------------------------

    def _locked(self, draft_id: str) -> contextlib.AbstractContextManager[None]:
        owner = owner_of(draft_id)
        if owner is None:
            raise ValueError(f"not a draft id: {draft_id!r}")
        return self._locks.hold(owner)

    def _link(self, hashed: str) -> ShareRecord | None:
        raw = self._blobs.read(_link_key(hashed))
        if raw is None:
            return None
        record: ShareRecord = _decode(raw, ShareRecord, f"share {hashed[:LINK_ID_HEX]}")
        return record if record.token_hash == hashed else None

    def _draft(self, draft_id: str) -> DraftShares:
        raw = self._blobs.read(_draft_key(draft_id))
        if raw is None:
            return DraftShares(draft_id=draft_id)
        shares: DraftShares = _decode(raw, DraftShares, f"shares of {draft_id}")
        return shares if shares.draft_id == draft_id else DraftShares(draft_id=draft_id)

    def _save_draft(self, shares: DraftShares) -> None:
        self._blobs.write(_draft_key(shares.draft_id), _encode(shares))

    def _unlist(self, draft_id: str, hashed: str) -> bool:
        """With the lock held: take the link off the draft's list, then delete its document."""
        shares = self._draft(draft_id)
        listed = hashed in shares.links
        if listed:
            shares.links.remove(hashed)
            self._save_draft(shares)
        self._blobs.delete(_link_key(hashed))
        return listed


def open_share_store(data_dir: Path, *, clock: Clock = utc_now) -> DocShareStore:
    """Links under ``<data_dir>/shares``; their lock file next to the user shards' locks."""
    locks = KeyedLocks(data_dir / "locks" / "shares.lock")
    return DocShareStore(FileBlobs(data_dir / "shares"), locks, clock)


def memory_share_store(*, clock: Clock = utc_now) -> DocShareStore:
    return DocShareStore(MemoryBlobs(), KeyedLocks(), clock)
