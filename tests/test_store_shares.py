"""Share links in the store: one suite over every implementation (memory, files, PostgreSQL).

File-only behaviour (what is on disk, nothing but hashes, several store objects) comes last.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.store import ShareKind, ShareStore, StoreCorrupt, TinyStore, memory_store, open_store
from bot.store.locks import KeyedLocks
from bot.store.models import link_id_of
from bot.store.postgres import open_database, open_pg_store
from bot.store.shares import (
    DocShareStore,
    FileBlobs,
    MemoryBlobs,
    memory_share_store,
    open_share_store,
    token_hash,
)

ALICE, BOB, CAROL = 101, 202, 303
DRAFT = f"{ALICE}-abcdefgh"
OTHER = f"{ALICE}-zyxwvuts"
DAY = timedelta(days=1)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime(2025, 12, 1, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(params=["memory", "files", "postgres"])
def shares(request: pytest.FixtureRequest, tmp_path: Path, clock: Clock) -> Iterator[Any]:
    if request.param == "memory":
        yield memory_share_store(clock=clock)
    elif request.param == "files":
        yield open_share_store(tmp_path, clock=clock)
    else:
        db = open_database(request.getfixturevalue("pg_url"), max_size=2)
        try:
            yield open_pg_store(db, clock=clock).shares
        finally:
            db.close()


def test_the_protocol_is_satisfied_and_stores_carry_shares(tmp_path: Path) -> None:
    store: ShareStore = memory_share_store()  # mypy checks the structural match
    assert store.now().tzinfo is not None
    assert isinstance(memory_store().shares, DocShareStore)
    assert isinstance(open_store(tmp_path).shares, DocShareStore)


def test_a_token_is_long_random_and_url_safe(shares: DocShareStore) -> None:
    tokens = {shares.create(DRAFT, ShareKind.VIEW, ALICE, 30 * DAY)[0] for _ in range(50)}
    assert len(tokens) == 50
    for token in tokens:
        assert re.fullmatch(r"[A-Za-z0-9_-]{32,64}", token)  # Telegram's start parameter
        assert len(token) * 6 >= 128


def test_find_by_token_and_only_by_token(shares: DocShareStore, clock: Clock) -> None:
    token, record = shares.create(DRAFT, ShareKind.EDIT, ALICE, 7 * DAY)
    assert record.kind is ShareKind.EDIT and record.draft_id == DRAFT
    assert record.created_at == clock.now and record.expires_at == clock.now + 7 * DAY
    assert record.token_hash == token_hash(token) and token not in record.model_dump_json()
    assert shares.find(token) == record
    assert shares.get(record.token_hash) == record
    assert shares.find(record.token_hash) is None  # the hash is not a token
    for wrong in ("", token[:-1], token + "x", token.upper(), " " + token, "../" + token):
        assert shares.find(wrong) is None


def test_links_of_a_draft_oldest_first_with_distinct_link_ids(shares: DocShareStore) -> None:
    made = [shares.create(DRAFT, kind, ALICE, None)[1] for kind in ShareKind]
    shares.create(OTHER, ShareKind.VIEW, ALICE, None)
    listed = shares.for_draft(DRAFT)
    assert listed == made
    assert len({r.link_id for r in listed}) == 3
    assert all(r.link_id == link_id_of(r.token_hash) < 36**7 for r in listed)
    assert shares.for_draft(f"{BOB}-nothing1") == []


def test_expiry_is_checked_when_the_link_is_used(shares: DocShareStore, clock: Clock) -> None:
    token, _ = shares.create(DRAFT, ShareKind.VIEW, ALICE, DAY)
    forever, _ = shares.create(DRAFT, ShareKind.COPY, ALICE, None)
    clock.advance(DAY - timedelta(seconds=1))
    assert shares.find(token) is not None
    clock.advance(timedelta(seconds=1))
    assert shares.find(token) is None
    clock.advance(3650 * DAY)
    assert shares.find(forever) is not None
    assert [r.kind for r in shares.for_draft(DRAFT)] == [ShareKind.COPY]  # the dead one dropped


def test_set_expiry_counts_from_now(shares: DocShareStore, clock: Clock) -> None:
    token, record = shares.create(DRAFT, ShareKind.VIEW, ALICE, DAY)
    clock.advance(DAY / 2)
    changed = shares.set_expiry(record.token_hash, 7 * DAY)
    assert changed is not None and changed.expires_at == clock.now + 7 * DAY
    clock.advance(DAY)
    assert shares.find(token) is not None
    never = shares.set_expiry(record.token_hash, None)
    assert never is not None and never.expires_at is None
    clock.advance(3650 * DAY)
    assert shares.find(token) is not None
    shares.revoke(record.token_hash)
    assert shares.set_expiry(record.token_hash, DAY) is None
    assert shares.find(token) is None  # setting an expiry does not bring a link back


def test_revoke_is_immediate_and_idempotent(shares: DocShareStore) -> None:
    token, record = shares.create(DRAFT, ShareKind.EDIT, ALICE, None)
    other, _ = shares.create(DRAFT, ShareKind.VIEW, ALICE, None)
    assert shares.revoke(record.token_hash) is True
    assert shares.find(token) is None and shares.get(record.token_hash) is None
    assert shares.revoke(record.token_hash) is False
    assert shares.revoke("not a hash") is False
    assert [r.kind for r in shares.for_draft(DRAFT)] == [ShareKind.VIEW]
    assert shares.find(other) is not None


def test_revoke_all_forgets_links_and_names(shares: DocShareStore) -> None:
    tokens = [shares.create(DRAFT, kind, ALICE, None)[0] for kind in ShareKind]
    kept, _ = shares.create(OTHER, ShareKind.VIEW, ALICE, None)
    shares.remember_name(DRAFT, BOB, "李老师")
    assert shares.revoke_all(DRAFT) == 3
    assert all(shares.find(t) is None for t in tokens)
    assert shares.for_draft(DRAFT) == [] and shares.names(DRAFT) == {}
    assert shares.find(kept) is not None


def test_who_opened_a_link_and_their_names(shares: DocShareStore) -> None:
    token, record = shares.create(DRAFT, ShareKind.VIEW, ALICE, None)
    shares.remember_name(DRAFT, ALICE, "张科长")
    shares.opened(record.token_hash, BOB, "  李 老师 ")
    shares.opened(record.token_hash, BOB, "李老师")
    shares.opened(record.token_hash, CAROL, "")  # no name: remembered as an id only
    found = shares.find(token)
    assert found is not None and found.opened_by == [BOB, CAROL]
    assert shares.names(DRAFT) == {ALICE: "张科长", BOB: "李老师"}
    assert shares.names(OTHER) == {}
    shares.revoke(record.token_hash)
    shares.opened(record.token_hash, 404, "某人")  # a dead link records nothing
    assert 404 not in shares.names(DRAFT)
    assert shares.names(DRAFT)[BOB] == "李老师"  # names outlive the link


def test_records_do_not_alias_stored_data(shares: DocShareStore) -> None:
    token, record = shares.create(DRAFT, ShareKind.VIEW, ALICE, None)
    record.opened_by.append(999)
    found = shares.find(token)
    assert found is not None and found.opened_by == []
    names = shares.names(DRAFT)
    names[1] = "x"
    assert shares.names(DRAFT) == {}


def test_an_unfinished_creation_opens_nothing(clock: Clock) -> None:
    """The link's document is written first, then listed: a crash in between leaves nothing
    that opens."""
    blobs = MemoryBlobs()
    shares = DocShareStore(blobs, KeyedLocks(), clock)
    token, _ = shares.create(DRAFT, ShareKind.EDIT, ALICE, None)
    listing = next(k for k in blobs.data if k.startswith("drafts/"))
    blobs.data[listing] = json.dumps({"schema_version": 1, "draft_id": DRAFT}).encode()
    assert shares.find(token) is None and shares.for_draft(DRAFT) == []


def test_an_unreadable_link_opens_nothing(clock: Clock) -> None:
    blobs = MemoryBlobs()
    shares = DocShareStore(blobs, KeyedLocks(), clock)
    token, record = shares.create(DRAFT, ShareKind.EDIT, ALICE, None)
    key = next(k for k in blobs.data if record.token_hash in k)
    for junk in (b"{", b"[]", b'{"schema_version": 1}', b'{"schema_version": 99}'):
        blobs.data[key] = junk
        assert shares.find(token) is None
        assert shares.for_draft(DRAFT) == []
    blobs.data[next(k for k in blobs.data if k.startswith("drafts/"))] = b"{"
    with pytest.raises(StoreCorrupt):
        shares.for_draft(DRAFT)


# --- files ---------------------------------------------------------------------------------


def test_on_disk_only_hashes_readable_json(tmp_path: Path, clock: Clock) -> None:
    store: TinyStore = open_store(tmp_path, clock=clock)
    draft = store.drafts.create(ALICE, "清远", {"title": "x"})
    token, record = store.shares.create(draft.id, ShareKind.COPY, ALICE, 30 * DAY)
    store.shares.remember_name(draft.id, ALICE, "张科长")
    root = tmp_path / "shares"
    files = sorted(root.rglob("*.json"), key=lambda p: p.parts[-2] == "drafts")
    assert [p.relative_to(root).parts[0] for p in files] == [record.token_hash[:2], "drafts"]
    texts = [p.read_text(encoding="utf-8") for p in files]
    assert all(token not in text for text in texts)
    assert all(token not in str(p) for p in files)
    assert "张科长" in texts[1]  # ensure_ascii=False
    link = json.loads(texts[0])
    assert link["schema_version"] == 1 and link["token_hash"] == record.token_hash
    assert link["expires_at"].startswith("2025-12-31")


def test_two_store_objects_over_one_directory(tmp_path: Path, clock: Clock) -> None:
    """As two processes would: one creates and revokes, the other sees it at once."""
    first = open_share_store(tmp_path, clock=clock)
    second = open_share_store(tmp_path, clock=clock)
    token, record = first.create(DRAFT, ShareKind.VIEW, ALICE, None)
    assert second.find(token) == record
    second.opened(record.token_hash, BOB, "李老师")
    assert first.names(DRAFT) == {BOB: "李老师"}
    assert second.revoke(record.token_hash)
    assert first.find(token) is None


def test_file_blobs_are_written_atomically(tmp_path: Path) -> None:
    blobs = FileBlobs(tmp_path / "b")
    blobs.write("aa/x.json", b"1")
    blobs.write("aa/x.json", b"2")
    assert blobs.read("aa/x.json") == b"2"
    assert [p.name for p in (tmp_path / "b" / "aa").iterdir()] == ["x.json"]  # no temp files
    blobs.delete("aa/x.json")
    blobs.delete("aa/x.json")
    assert blobs.read("aa/x.json") is None
