"""A shard's two files (``bot.store.slots``): a write cut short anywhere leaves the last good state.

The store-wide behaviour is in ``test_store.py``; here, what a crash can leave in the files and
what the store makes of it.
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.store import StoreCorrupt, TinyStore, open_store
from bot.store.slots import (
    current,
    describe,
    encode_slot,
    intact,
    read_slot,
    shard_bytes,
    slot_paths,
)
from bot.store.storage import dumps_shard

ALICE = 101
PLAN: dict[str, Any] = {"schema_version": 1, "title": "英德市教育局2026年工作要点", "sections": []}


def files(tmp_path: Path) -> tuple[Path, Path]:
    return slot_paths(tmp_path / "users" / f"{ALICE}.json")


def names(store: TinyStore) -> list[str]:
    return [r.name for r in store.drafts.list_for(ALICE)]


def test_encode_and_read_back() -> None:
    shard = dumps_shard({"drafts": {"1": {"name": "清远"}}}, ALICE).encode("utf-8")
    raw = encode_slot(7, shard)
    slot = describe(raw, 1)
    assert slot is not None and slot.seq == 7 and intact(raw, slot)
    assert shard_bytes(raw, slot) == shard
    whole = json.loads(raw)  # the file is one JSON object
    assert whole["_slot"]["seq"] == 7 and whole["drafts"] == {"1": {"name": "清远"}}
    with pytest.raises(ValueError):
        encode_slot(1, b'{"drafts": {}}')


def test_a_file_without_the_first_line_is_the_oldest_state_only_in_the_first_place() -> None:
    legacy = dumps_shard({"drafts": {}}, ALICE).encode("utf-8")
    assert describe(legacy, 0) == (0, None, 0)
    assert describe(legacy, 1) is None  # the second file is always written with it: torn
    assert describe(b'{"_slot": {"seq": 3, "crc', 0) is None  # a torn first line


@pytest.mark.parametrize("grow", [True, False], ids=["longer", "shorter"])
def test_a_write_cut_short_at_any_byte_leaves_the_old_or_the_new_state(
    tmp_path: Path, grow: bool
) -> None:
    """Every state the file being written can be in after a crash: the first k bytes of the new
    content over the old content (not yet truncated), or the first k bytes alone (truncated)."""
    store = open_store(tmp_path)
    short, long = "甲", "乙" * 300
    draft = store.drafts.create(ALICE, short if grow else long, PLAN)  # seq 1: first file
    store.sessions.save(ALICE, {"n": 1})  # seq 2: second file
    first, second = files(tmp_path)
    old_raw = first.read_bytes()  # the older state: the next write goes over it
    renamed = store.drafts.put(draft.model_copy(update={"name": long if grow else short}))
    new_raw = first.read_bytes()
    assert new_raw != old_raw and json.loads(new_raw)["_slot"]["seq"] == 3
    before, after = ["甲" if grow else "乙" * 300], [renamed.name]
    for cut in range(0, len(new_raw) + 1, 7):
        for leftover in (old_raw[cut:], b""):
            first.write_bytes(new_raw[:cut] + leftover)
            seen = names(open_store(tmp_path))
            assert seen in (before, after), (cut, len(leftover))
            if cut < len(new_raw):
                assert seen == before or new_raw[:cut] + leftover == new_raw
    first.write_bytes(new_raw)
    assert names(open_store(tmp_path)) == after and second.exists()


def test_the_next_write_goes_into_the_torn_file_and_heals_it(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    draft = store.drafts.create(ALICE, "一", PLAN)
    store.drafts.put(draft.model_copy(update={"name": "二"}))  # seq 2 in the second file
    first, second = files(tmp_path)
    second.write_bytes(second.read_bytes()[:-30])  # the newest write, cut short
    fresh = open_store(tmp_path)
    assert names(fresh) == ["一"]  # the state before it
    record = fresh.drafts.get(draft.id)
    assert record is not None
    fresh.drafts.put(record.model_copy(update={"name": "三"}))
    found = current(first)
    assert found is not None and found[0] == second and json.loads(second.read_bytes())
    assert names(open_store(tmp_path)) == ["三"]


def test_neither_file_whole_is_a_corrupt_shard_moved_aside(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    draft = store.drafts.create(ALICE, "一", PLAN)
    store.drafts.put(draft.model_copy(update={"name": "二"}))
    first, second = files(tmp_path)
    for path in (first, second):
        raw = path.read_bytes()
        path.write_bytes(raw.replace("一".encode(), b"x").replace("二".encode(), b"y"))
    with pytest.raises(StoreCorrupt) as caught:
        open_store(tmp_path).drafts.list_for(ALICE)
    assert caught.value.message_id == "store_corrupt"
    moved = sorted(p.name for p in first.parent.iterdir() if ".corrupt-" in p.name)
    assert [name.split(".corrupt-")[0] for name in moved] == sorted([first.name, second.name])
    assert open_store(tmp_path).drafts.list_for(ALICE) == []  # the user goes on, empty


def test_a_shard_from_an_earlier_planbot_is_read_and_then_written_in_pairs(tmp_path: Path) -> None:
    users = tmp_path / "users"
    users.mkdir()
    record = {
        "schema_version": 1, "id": f"{ALICE}-AAAAAAAA", "owner": ALICE, "name": "旧稿",
        "plan": PLAN, "meta": {}, "revision": 0, "collaborators": [],
        "created_at": "2025-01-01T00:00:00+00:00", "updated_at": "2025-01-01T00:00:00+00:00",
    }
    legacy = dumps_shard({"drafts": {"1": record}}, ALICE)
    (users / f"{ALICE}.json").write_text(legacy, encoding="utf-8")
    store = open_store(tmp_path)
    assert names(store) == ["旧稿"]
    first, second = files(tmp_path)
    loaded = store.drafts.get(record["id"])
    assert loaded is not None
    store.drafts.put(loaded.model_copy(update={"name": "新稿"}))  # seq 1: the second file
    assert first.read_text(encoding="utf-8") == legacy and second.exists()
    store.sessions.save(ALICE, {"n": 1})  # seq 2: over the old file, now with its first line
    assert json.loads(first.read_bytes())["_slot"]["seq"] == 2
    assert names(open_store(tmp_path)) == ["新稿"]


def test_readers_without_the_lock_never_see_a_torn_or_older_state(tmp_path: Path) -> None:
    writer = open_store(tmp_path)
    draft = writer.drafts.create(ALICE, "0", PLAN)
    stop = threading.Event()
    problems: list[str] = []

    def read() -> None:
        reader = open_store(tmp_path)  # its own cache, as another process
        last = 0
        while not stop.is_set():
            try:
                record = reader.drafts.get(draft.id)
            except Exception as exc:  # any failure is the finding
                problems.append(repr(exc))
                return
            seen = int(record.name) if record is not None else -1
            if seen < last:
                problems.append(f"went back from {last} to {seen}")
            last = seen

    readers = [threading.Thread(target=read) for _ in range(2)]
    for thread in readers:
        thread.start()
    try:
        for n in range(1, 300):
            pad = {"pad": "x" * (n % 50)}  # files of changing length
            draft = writer.drafts.put(draft.model_copy(update={"name": str(n), "meta": pad}))
    finally:
        stop.set()
        for thread in readers:
            thread.join()
    assert problems == []


def test_read_slot_of_a_missing_file_is_none(tmp_path: Path) -> None:
    assert read_slot(tmp_path / "nothing.json") is None
    assert current(tmp_path / "nothing.json") is None


@pytest.mark.parametrize("legacy", [False, True], ids=["pair", "earlier planbot"])
def test_a_write_of_what_the_current_file_holds_writes_nothing(
    tmp_path: Path, legacy: bool
) -> None:
    stopped = datetime(2026, 3, 1, tzinfo=UTC)  # the same updated_at every time
    store = open_store(tmp_path, clock=lambda: stopped)
    store.sessions.save(ALICE, {"n": 1})
    first, second = files(tmp_path)
    if legacy:  # the same shard as one file without the first line
        found = current(first)
        assert found is not None
        first.write_bytes(found[1])
    before = [(p.read_bytes() if p.exists() else None) for p in (first, second)]
    fresh = open_store(tmp_path, clock=lambda: stopped)
    fresh.sessions.save(ALICE, {"n": 1})  # what the current file holds already
    assert [(p.read_bytes() if p.exists() else None) for p in (first, second)] == before
    fresh.sessions.save(ALICE, {"n": 2})  # a change is written, into the other file
    after = [(p.read_bytes() if p.exists() else None) for p in (first, second)]
    assert after[0] == before[0] and after[1] != before[1]
    assert open_store(tmp_path).sessions.load(ALICE) == {"n": 2}
