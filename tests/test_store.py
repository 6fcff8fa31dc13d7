"""The storage layer: one suite over every implementation (memory, TinyDB files, PostgreSQL).

What only shards have (their JSON, corrupt files moved aside) runs over memory and TinyDB;
file-only behaviour (what the JSON looks like, crashes mid-write, several processes) comes last;
PostgreSQL-only behaviour is in tests/test_store_postgres.py.
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.errors import ConflictError, NotFoundError
from bot.store import Store, StoreCorrupt, TinyStore, memory_store, open_store
from bot.store.models import owner_of
from bot.store.postgres import open_database, open_pg_store
from bot.store.shards import FileShards, MemoryShards
from bot.store.slots import current

ROOT = Path(__file__).resolve().parent.parent
ALICE, BOB, CAROL = 101, 202, 303
PLAN: dict[str, Any] = {
    "schema_version": 1,
    "title": "清远市教育局2025年工作要点",
    "sections": [{"id": "s1", "heading": "总体要求", "items": [{"text": "坚持立德树人"}]}],
}


class TickingClock:
    """A clock that moves one second per reading, so ordering by time is deterministic."""

    def __init__(self) -> None:
        self._ticks = itertools.count()
        self._start = datetime(2025, 1, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self._start + timedelta(seconds=next(self._ticks))


def make_store(kind: str, directory: Path) -> TinyStore:
    clock = TickingClock()
    return memory_store(clock=clock) if kind == "memory" else open_store(directory, clock=clock)


@pytest.fixture(params=["memory", "tinydb", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """Every implementation of ``Store``."""
    if request.param != "postgres":
        yield make_store(request.param, tmp_path)
        return
    db = open_database(request.getfixturevalue("pg_url"), max_size=12)
    try:
        yield open_pg_store(db, clock=TickingClock())
    finally:
        db.close()


@pytest.fixture(params=["memory", "tinydb"])
def shard_store(request: pytest.FixtureRequest, tmp_path: Path) -> TinyStore:
    """The implementations over TinyDB shards (raw shards can be read and damaged)."""
    return make_store(request.param, tmp_path)


@pytest.fixture
def file_store(tmp_path: Path) -> TinyStore:
    return open_store(tmp_path)


def tamper(store: TinyStore, user_id: int, content: str | bytes) -> None:
    """Replace a user's raw shard, whatever the backend."""
    raw = content.encode("utf-8") if isinstance(content, str) else content
    shards = store.shards
    if isinstance(shards, FileShards):
        for path in shards.paths(user_id):
            path.unlink(missing_ok=True)
        shards.path(user_id).write_bytes(raw)  # as a shard an earlier planbot wrote
    else:
        assert isinstance(shards, MemoryShards)
        try:
            shards.shelf[user_id] = raw.decode("utf-8")
        except UnicodeDecodeError:
            pytest.skip("memory shards hold text")


def raw_shard(store: TinyStore, user_id: int) -> dict[str, Any]:
    shards = store.shards
    if isinstance(shards, FileShards):
        found = current(shards.path(user_id))
        assert found is not None
        text = found[1].decode("utf-8")
    else:
        assert isinstance(shards, MemoryShards)
        text = shards.shelf[user_id]
    data: dict[str, Any] = json.loads(text)
    return data


def test_store_protocol_is_satisfied() -> None:
    store: Store = memory_store()  # mypy checks the structural match
    assert store.drafts is not None and store.sessions is not None


# --- drafts: CRUD --------------------------------------------------------------------------


def test_create_and_get(store: TinyStore) -> None:
    record = store.drafts.create(ALICE, "清远 2025", PLAN, meta={"step": "review"})
    assert owner_of(record.id) == ALICE
    assert record.owner == ALICE and record.revision == 0 and record.schema_version == 1
    assert record.created_at == record.updated_at
    assert record.created_at.tzinfo is not None and record.created_at.utcoffset() == timedelta(0)
    assert store.drafts.get(record.id) == record
    assert store.drafts.get(record.id) is not store.drafts.get(record.id)
    assert record.plan == PLAN and record.meta == {"step": "review"}


@pytest.mark.parametrize("draft_id", ["", "nope", f"{ALICE}-missing1", "x-abcdefgh", "1-2-3"])
def test_get_unknown_or_malformed_id(store: TinyStore, draft_id: str) -> None:
    assert store.drafts.get(draft_id) is None
    assert store.drafts.delete(draft_id) is False


def test_records_do_not_alias_stored_data(store: TinyStore) -> None:
    plan = json.loads(json.dumps(PLAN))
    record = store.drafts.create(ALICE, "a", plan)
    plan["sections"].clear()
    record.plan["sections"].append({"id": "s2"})
    fetched = store.drafts.get(record.id)
    assert fetched is not None and fetched.plan == PLAN


def test_put_bumps_revision_and_keeps_what_put_does_not_own(store: TinyStore) -> None:
    record = store.drafts.create(ALICE, "a", PLAN)
    store.drafts.add_collaborator(record.id, BOB)
    edited = record.model_copy(
        update={
            "name": "b",
            "plan": {**PLAN, "title": "新标题"},
            "created_at": datetime(2000, 1, 1, tzinfo=UTC),
            "collaborators": [CAROL],
            "revision": 41,
        }
    )
    stored = store.drafts.put(edited, expected_revision=0)
    assert stored.revision == 1 and stored.name == "b" and stored.plan["title"] == "新标题"
    assert stored.created_at == record.created_at and stored.updated_at > record.updated_at
    assert stored.collaborators == [BOB]
    assert store.drafts.get(record.id) == stored
    assert store.drafts.put(stored).revision == 2  # no expected revision: last writer wins


def test_put_with_stale_revision_conflicts(store: TinyStore) -> None:
    record = store.drafts.create(ALICE, "a", PLAN)
    store.drafts.put(record, expected_revision=0)
    with pytest.raises(ConflictError) as caught:
        store.drafts.put(record.model_copy(update={"name": "lost"}), expected_revision=0)
    assert caught.value.message_id == "draft_conflict"
    assert caught.value.params == {"draft_id": record.id, "expected": 0, "actual": 1}
    current = store.drafts.get(record.id)
    assert current is not None and current.name == "a" and current.revision == 1


def test_put_after_delete_is_not_found(store: TinyStore) -> None:
    record = store.drafts.create(ALICE, "a", PLAN)
    assert store.drafts.delete(record.id) is True
    assert store.drafts.delete(record.id) is False
    assert store.drafts.get(record.id) is None
    with pytest.raises(NotFoundError) as caught:
        store.drafts.put(record)
    assert caught.value.message_id == "draft_not_found"


def test_put_validates_the_new_record(store: TinyStore) -> None:
    record = store.drafts.create(ALICE, "a", PLAN)
    record.name = 123  # type: ignore[assignment]
    with pytest.raises(ValueError):
        store.drafts.put(record)
    assert store.drafts.get(record.id) is not None


def test_ids_are_unique(store: TinyStore) -> None:
    ids = {store.drafts.create(ALICE, str(n), PLAN).id for n in range(30)}
    assert len(ids) == 30


# --- listing, isolation, collaborators -------------------------------------------------------


def test_list_is_newest_first(store: TinyStore) -> None:
    first = store.drafts.create(ALICE, "first", PLAN)
    second = store.drafts.create(ALICE, "second", PLAN)
    third = store.drafts.create(ALICE, "third", PLAN)
    assert [r.name for r in store.drafts.list_for(ALICE)] == ["third", "second", "first"]
    store.drafts.put(first)
    assert [r.id for r in store.drafts.list_for(ALICE)] == [first.id, third.id, second.id]


def test_users_never_see_each_others_drafts(store: TinyStore) -> None:
    mine = store.drafts.create(ALICE, "mine", PLAN)
    theirs = store.drafts.create(BOB, "theirs", PLAN)
    assert [r.id for r in store.drafts.list_for(ALICE)] == [mine.id]
    assert [r.id for r in store.drafts.list_for(BOB)] == [theirs.id]
    assert store.drafts.list_for(CAROL) == []


def test_collaborators_see_shared_drafts_until_removed(store: TinyStore) -> None:
    shared = store.drafts.create(ALICE, "shared", PLAN)
    own = store.drafts.create(BOB, "own", PLAN)
    store.drafts.add_collaborator(shared.id, BOB)
    store.drafts.add_collaborator(shared.id, BOB)  # idempotent
    assert [r.id for r in store.drafts.list_for(BOB)] == [own.id, shared.id]
    assert store.drafts.list_for(CAROL) == []
    fetched = store.drafts.get(shared.id)
    assert fetched is not None and fetched.collaborators == [BOB] and fetched.revision == 0
    assert fetched.visible_to(BOB) and not fetched.visible_to(CAROL)

    edited = store.drafts.put(fetched.model_copy(update={"name": "by bob"}))  # collaborator edits
    assert [r.name for r in store.drafts.list_for(BOB)] == ["by bob", "own"]
    assert [r.name for r in store.drafts.list_for(ALICE)] == ["by bob"]

    store.drafts.remove_collaborator(shared.id, BOB)
    store.drafts.remove_collaborator(shared.id, BOB)  # idempotent
    assert [r.id for r in store.drafts.list_for(BOB)] == [own.id]
    assert [r.id for r in store.drafts.list_for(ALICE)] == [edited.id]
    if isinstance(store, TinyStore):  # nor an index entry left behind
        assert "shared" not in raw_shard(store, BOB) or not raw_shard(store, BOB)["shared"]


def test_sharing_with_the_owner_or_a_missing_draft(store: TinyStore) -> None:
    draft = store.drafts.create(ALICE, "a", PLAN)
    store.drafts.add_collaborator(draft.id, ALICE)
    fetched = store.drafts.get(draft.id)
    assert fetched is not None and fetched.collaborators == []
    with pytest.raises(NotFoundError):
        store.drafts.add_collaborator(f"{ALICE}-missing1", BOB)
    with pytest.raises(NotFoundError):
        store.drafts.add_collaborator("garbage", BOB)
    store.drafts.remove_collaborator(f"{ALICE}-missing1", BOB)  # nothing to do, no error


def test_deleting_a_shared_draft_hides_it_from_collaborators(store: TinyStore) -> None:
    draft = store.drafts.create(ALICE, "a", PLAN)
    store.drafts.add_collaborator(draft.id, BOB)
    store.drafts.add_collaborator(draft.id, CAROL)
    assert store.drafts.delete(draft.id)
    assert store.drafts.list_for(BOB) == [] and store.drafts.list_for(CAROL) == []
    if isinstance(store, TinyStore):
        assert not raw_shard(store, BOB).get("shared")


def test_a_stale_index_entry_grants_nothing(shard_store: TinyStore) -> None:
    store = shard_store
    draft = store.drafts.create(ALICE, "a", PLAN)
    store.drafts.add_collaborator(draft.id, BOB)
    data = raw_shard(store, ALICE)
    data["drafts"] = {k: {**v, "collaborators": []} for k, v in data["drafts"].items()}
    tamper(store, ALICE, json.dumps(data))  # as if a crash came between revoke and unindex
    assert store.drafts.list_for(BOB) == []


# --- sessions ---------------------------------------------------------------------------------


def test_sessions(store: TinyStore) -> None:
    assert store.sessions.load(ALICE) is None
    data: dict[str, Any] = {"screen": "region", "answers": {"region": "清远"}}
    store.sessions.save(ALICE, data)
    data["answers"]["region"] = "changed after save"
    assert store.sessions.load(ALICE) == {"screen": "region", "answers": {"region": "清远"}}
    assert store.sessions.load(BOB) is None
    store.sessions.save(ALICE, {"screen": "year"})
    assert store.sessions.load(ALICE) == {"screen": "year"}
    store.sessions.clear(ALICE)
    store.sessions.clear(ALICE)
    assert store.sessions.load(ALICE) is None


def test_session_and_drafts_share_a_shard_without_interfering(store: TinyStore) -> None:
    draft = store.drafts.create(ALICE, "a", PLAN)
    store.sessions.save(ALICE, {"draft": draft.id})
    store.drafts.put(draft)
    store.sessions.clear(ALICE)
    assert [r.revision for r in store.drafts.list_for(ALICE)] == [1]
    assert store.sessions.load(ALICE) is None


def test_session_data_must_be_json(store: TinyStore) -> None:
    with pytest.raises(TypeError):
        store.sessions.save(ALICE, {"when": datetime.now(UTC)})
    assert store.sessions.load(ALICE) is None


# --- corrupt data -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "garbage", [b"{", b"", b"[1, 2]", b'{"drafts": [1]}', b'{"drafts": {"\xff": {}}}']
)
def test_a_corrupt_shard_is_moved_aside_once(shard_store: TinyStore, garbage: bytes) -> None:
    store = shard_store
    store.drafts.create(ALICE, "a", PLAN)
    tamper(store, ALICE, garbage)
    with pytest.raises(StoreCorrupt) as caught:
        store.drafts.list_for(ALICE)
    assert caught.value.message_id == "store_corrupt"
    moved_to = caught.value.params["moved_to"]
    assert ".corrupt-" in moved_to
    if isinstance(store.shards, FileShards):
        assert Path(moved_to).read_bytes() == garbage  # kept as it was
    assert store.drafts.list_for(ALICE) == []  # the user goes on with an empty shard
    assert store.drafts.create(ALICE, "again", PLAN).revision == 0


def test_a_corrupt_shard_raises_from_every_operation(shard_store: TinyStore) -> None:
    store = shard_store
    draft = store.drafts.create(ALICE, "a", PLAN)
    operations: list[Callable[[], object]] = [
        lambda: store.drafts.get(draft.id),
        lambda: store.drafts.put(draft),
        lambda: store.drafts.delete(draft.id),
        lambda: store.sessions.load(ALICE),
        lambda: store.sessions.save(ALICE, {}),
        lambda: store.drafts.create(ALICE, "b", PLAN),
    ]
    for operation in operations:
        tamper(store, ALICE, "not json")
        with pytest.raises(StoreCorrupt):
            operation()


def test_a_collaborators_list_survives_the_owners_corrupt_shard(shard_store: TinyStore) -> None:
    store = shard_store
    shared = store.drafts.create(ALICE, "a", PLAN)
    own = store.drafts.create(BOB, "b", PLAN)
    store.drafts.add_collaborator(shared.id, BOB)
    tamper(store, ALICE, "not json")
    assert [r.id for r in store.drafts.list_for(BOB)] == [own.id]


def test_an_invalid_record_is_reported_and_skipped(shard_store: TinyStore) -> None:
    store = shard_store
    good = store.drafts.create(ALICE, "good", PLAN)
    bad = store.drafts.create(ALICE, "bad", PLAN)
    data = raw_shard(store, ALICE)
    for doc in data["drafts"].values():
        if doc["id"] == bad.id:
            doc["schema_version"] = 99
    tamper(store, ALICE, json.dumps(data))
    with pytest.raises(StoreCorrupt) as caught:
        store.drafts.get(bad.id)
    assert caught.value.message_id == "store_record_invalid"
    assert caught.value.params["draft_id"] == bad.id
    assert [r.id for r in store.drafts.list_for(ALICE)] == [good.id]


def test_a_shard_from_a_newer_planbot_is_left_alone(shard_store: TinyStore) -> None:
    store = shard_store
    store.drafts.create(ALICE, "a", PLAN)
    data = raw_shard(store, ALICE)
    data["_meta"]["1"]["schema_version"] = 99
    tamper(store, ALICE, json.dumps(data))
    for _ in range(2):
        with pytest.raises(StoreCorrupt) as caught:
            store.drafts.list_for(ALICE)
        assert caught.value.message_id == "store_schema_newer"
    assert raw_shard(store, ALICE)["_meta"]["1"]["schema_version"] == 99


# --- locking and concurrency ------------------------------------------------------------------


def increment(store: Store, draft_id: str, times: int) -> int:
    """Add 1 to plan["n"] ``times`` times with optimistic retries; return the number of retries."""
    retries = 0
    for _ in range(times):
        while True:
            record = store.drafts.get(draft_id)
            assert record is not None
            edited = record.model_copy(update={"plan": {**record.plan, "n": record.plan["n"] + 1}})
            try:
                store.drafts.put(edited, expected_revision=record.revision)
                break
            except ConflictError:
                retries += 1
    return retries


def run_threads(targets: list[Callable[[], object]]) -> None:
    errors: list[BaseException] = []

    def guarded(target: Callable[[], object]) -> None:
        try:
            target()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=guarded, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors


def test_concurrent_writes_to_one_draft_lose_no_update(store: TinyStore) -> None:
    draft = store.drafts.create(ALICE, "counter", {"n": 0})
    threads, times = 8, 10
    run_threads([lambda: increment(store, draft.id, times) for _ in range(threads)])
    final = store.drafts.get(draft.id)
    assert final is not None
    assert final.plan["n"] == threads * times and final.revision == threads * times


def test_concurrent_writes_for_different_users_all_land(store: TinyStore) -> None:
    users = list(range(1, 9))

    def work(user_id: int) -> None:
        for n in range(5):
            store.drafts.create(user_id, f"d{n}", {"n": n})
            store.sessions.save(user_id, {"n": n})

    run_threads([lambda u=u: work(u) for u in users])  # type: ignore[misc]
    for user_id in users:
        assert len(store.drafts.list_for(user_id)) == 5
        assert store.sessions.load(user_id) == {"n": 4}
    if isinstance(store, TinyStore):
        assert store.shards.write_locks.held_keys() == 0  # the lock table does not grow


def test_transaction_serialises_one_user_and_is_reentrant(store: TinyStore) -> None:
    inside = threading.Event()
    release = threading.Event()
    entered_second = threading.Event()

    def holder() -> None:
        with store.transaction(ALICE), store.transaction(ALICE):  # re-entrant
            inside.set()
            release.wait(10)

    def contender() -> None:
        with store.transaction(ALICE):
            entered_second.set()

    first = threading.Thread(target=holder)
    first.start()
    assert inside.wait(10)
    second = threading.Thread(target=contender)
    second.start()
    assert not entered_second.wait(0.2)
    release.set()
    assert entered_second.wait(10)
    first.join()
    second.join()
    if isinstance(store, TinyStore):
        assert store.shards.tx_locks.held_keys() == 0


def test_different_users_never_wait_for_each_other(store: TinyStore) -> None:
    draft = store.drafts.create(ALICE, "shared", PLAN)
    store.drafts.add_collaborator(draft.id, BOB)
    release = threading.Event()
    inside = threading.Event()

    def hold_alice() -> None:
        with store.transaction(ALICE):
            inside.set()
            release.wait(10)

    holder = threading.Thread(target=hold_alice)
    holder.start()
    try:
        assert inside.wait(10)
        finished = threading.Event()

        def bob_works() -> None:
            with store.transaction(BOB):
                store.sessions.save(BOB, {"screen": "edit"})
                shared = store.drafts.get(draft.id)
                assert shared is not None
                store.drafts.put(shared)  # a store operation on Alice's shard does not wait
            finished.set()

        worker = threading.Thread(target=bob_works)
        worker.start()
        assert finished.wait(10)
        worker.join()
    finally:
        release.set()
        holder.join()


def test_one_thread_cannot_hold_two_users(store: TinyStore) -> None:
    with store.transaction(ALICE), pytest.raises(RuntimeError), store.transaction(BOB):
        pass  # pragma: no cover
    with store.transaction(BOB):  # the failed attempt left nothing behind
        pass


# --- property test: visibility matches a model ---------------------------------------------

USERS = st.sampled_from([ALICE, BOB, CAROL])
ACTIONS = st.lists(
    st.tuples(st.sampled_from(["create", "put", "delete", "share", "unshare"]), USERS, USERS,
              st.integers(0, 5)),
    max_size=25,
)  # fmt: skip


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(actions=ACTIONS)
def test_list_for_matches_a_model(actions: list[tuple[str, int, int, int]]) -> None:
    store = memory_store(clock=TickingClock())
    owners: dict[str, int] = {}
    shared: dict[str, set[int]] = {}
    order: list[str] = []  # draft ids, least recently updated first
    for action, actor, other, pick in actions:
        ids = [i for i in order if owners[i] == actor]
        target = ids[pick % len(ids)] if ids else None
        if action == "create":
            draft_id = store.drafts.create(actor, "d", PLAN).id
            owners[draft_id], shared[draft_id] = actor, set()
            order.append(draft_id)
        elif target is None:
            continue
        elif action == "put":
            record = store.drafts.get(target)
            assert record is not None
            store.drafts.put(record)
            order.remove(target)
            order.append(target)
        elif action == "delete":
            assert store.drafts.delete(target)
            order.remove(target)
        elif action == "share":
            store.drafts.add_collaborator(target, other)
            if other != actor:
                shared[target].add(other)
        else:
            store.drafts.remove_collaborator(target, other)
            shared[target].discard(other)
    for user in (ALICE, BOB, CAROL):
        expected = [i for i in reversed(order) if owners[i] == user or user in shared[i]]
        assert [r.id for r in store.drafts.list_for(user)] == expected


# --- TinyDB files only ------------------------------------------------------------------------


def test_shard_layout_and_readable_json(file_store: TinyStore, tmp_path: Path) -> None:
    draft = file_store.drafts.create(ALICE, "清远 2025", PLAN)
    file_store.sessions.save(ALICE, {"region": "清远"})
    file_store.drafts.add_collaborator(draft.id, BOB)
    path = tmp_path / "users" / f"{ALICE}.json"
    found = current(path)
    assert found is not None
    text = found[0].read_text(encoding="utf-8")  # the whole file: still one JSON object
    assert "清远市教育局2025年工作要点" in text and "\\u" not in text
    data = json.loads(text)
    assert set(data) == {"_slot", "_meta", "drafts", "session"}
    assert data["_slot"]["seq"] == 3  # the third write
    assert json.loads(found[1]) == {k: v for k, v in data.items() if k != "_slot"}
    assert data["_meta"]["1"] == {"schema_version": 1, "user_id": ALICE}
    (doc,) = data["drafts"].values()
    assert doc["schema_version"] == 1 and doc["id"] == draft.id and doc["revision"] == 0
    (session,) = data["session"].values()
    assert session["schema_version"] == 1
    assert len(text.splitlines()) < 13  # one document per line
    bob = json.loads((tmp_path / "users" / f"{BOB}.json").read_text(encoding="utf-8"))
    assert [e["draft_id"] for e in bob["shared"].values()] == [draft.id]
    names = sorted(p.name for p in (tmp_path / "users").iterdir())
    assert names == [f"{ALICE}.b.json", f"{ALICE}.json", f"{BOB}.json"]


def test_reads_create_no_files(file_store: TinyStore, tmp_path: Path) -> None:
    assert file_store.drafts.list_for(ALICE) == []
    assert file_store.sessions.load(ALICE) is None
    assert file_store.drafts.get(f"{ALICE}-abcdefgh") is None
    assert list((tmp_path / "users").iterdir()) == []


def test_two_stores_on_one_directory_see_each_others_writes(tmp_path: Path) -> None:
    first, second = open_store(tmp_path), open_store(tmp_path)  # as two processes would
    draft = first.drafts.create(ALICE, "aaaa", PLAN)
    assert second.drafts.get(draft.id) == draft  # now in second's parse cache
    renamed = first.drafts.put(draft.model_copy(update={"name": "bbbb"}))  # same size on disk
    assert second.drafts.get(draft.id) == renamed
    third = open_store(tmp_path)
    for name in ("cccc", "dddd"):  # the file second read last, overwritten in place, then the other
        third.drafts.put(renamed.model_copy(update={"name": name}))
        fetched = second.drafts.get(draft.id)
        assert fetched is not None and fetched.name == name


def test_cached_shards_are_never_shared_with_callers(file_store: TinyStore) -> None:
    draft = file_store.drafts.create(ALICE, "a", PLAN)
    for _ in range(2):
        fetched = file_store.drafts.get(draft.id)
        assert fetched is not None and fetched.plan == PLAN
        fetched.plan["sections"][0]["items"].clear()
        file_store.drafts.list_for(ALICE)[0].plan["title"] = "mutated"


def test_a_leftover_temp_file_is_ignored(file_store: TinyStore, tmp_path: Path) -> None:
    draft = file_store.drafts.create(ALICE, "good", PLAN)  # earlier planbots left such files
    half = (tmp_path / "users" / f"{ALICE}.json").read_bytes()[:40]
    (tmp_path / "users" / f".{ALICE}.json.crashed.tmp").write_bytes(half)
    assert file_store.drafts.get(draft.id) == draft
    assert [r.id for r in file_store.drafts.list_for(ALICE)] == [draft.id]


def test_old_temp_files_are_swept_at_open(file_store: TinyStore, tmp_path: Path) -> None:
    users = tmp_path / "users"
    old, fresh = users / f".{ALICE}.json.old.tmp", users / f".{ALICE}.json.new.tmp"
    for path in (old, fresh):
        path.write_bytes(b"{")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    open_store(tmp_path)
    assert not old.exists() and fresh.exists()


CHILD = """
import sys
from pathlib import Path
from bot.store import open_store
store = open_store(Path(sys.argv[1]))
draft_id, mode = sys.argv[2], sys.argv[3]
big = "教育" * 20000
for _ in range(int(sys.argv[4])):
    while True:
        if mode == "tx":
            with store.transaction(1):
                record = store.drafts.get(draft_id)
                store.drafts.put(record.model_copy(update={"plan": {"n": record.plan["n"] + 1}}))
            break
        record = store.drafts.get(draft_id)
        edited = record.model_copy(update={"plan": {"n": record.plan["n"] + 1, "big": big}})
        try:
            store.drafts.put(edited, expected_revision=record.revision)
            break
        except Exception as exc:
            if type(exc).__name__ != "ConflictError":
                raise
    print("step", flush=True)
"""


def spawn(tmp_path: Path, draft_id: str, mode: str, times: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(tmp_path), draft_id, mode, str(times)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )


def test_a_killed_writer_leaves_the_last_good_state(file_store: TinyStore, tmp_path: Path) -> None:
    draft = file_store.drafts.create(1, "crash", {"n": 0})
    for delay in (0.3, 0.45, 0.6):
        child = spawn(tmp_path, draft.id, "retry", 10**6)
        assert child.stdout is not None
        child.stdout.readline()  # it is writing
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.communicate()
        record = open_store(tmp_path).drafts.get(draft.id)
        assert record is not None and record.plan["n"] == record.revision  # whole, consistent


@pytest.mark.parametrize("mode", ["retry", "tx"])
def test_several_processes_lose_no_update(file_store: TinyStore, tmp_path: Path, mode: str) -> None:
    draft = file_store.drafts.create(1, "counter", {"n": 0})
    children = [spawn(tmp_path, draft.id, mode, 15) for _ in range(3)]
    for child in children:
        child.communicate(timeout=120)
        assert child.returncode == 0
    record = file_store.drafts.get(draft.id)
    assert record is not None and record.plan["n"] == 45 and record.revision == 45
