"""The file store's write path: the parse cache, partial re-encoding, the pair of files.

The behaviour every backend shares is in ``test_store.py``; these are the file backend's costs
and the guarantees they must not weaken.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import bot.store.files
import bot.store.slots
import bot.store.storage
from bot.store import TinyStore, open_store
from bot.store.slots import current
from bot.store.storage import ShardCache, dumps_shard

ROOT = Path(__file__).resolve().parent.parent
ALICE, BOB = 101, 202
PLAN: dict[str, Any] = {
    "schema_version": 1,
    "title": "清远市教育局2025年工作要点",
    "sections": [{"id": "s1", "heading": "总体要求", "items": [{"text": "坚持立德树人"}]}],
}


@pytest.fixture
def file_store(tmp_path: Path) -> TinyStore:
    return open_store(tmp_path)


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Where ``parse_shard`` was called from the file storage, in order."""
    calls: list[str] = []
    real = bot.store.storage.parse_shard

    def counting(text: bytes | str, where: str) -> dict[str, dict[str, Any]]:
        calls.append(where)
        return real(text, where)

    monkeypatch.setattr(bot.store.storage, "parse_shard", counting)
    return calls


def shard_path(tmp_path: Path, user_id: int) -> Path:
    return tmp_path / "users" / f"{user_id}.json"


def shard_text(tmp_path: Path, user_id: int) -> str:
    """The shard's JSON in whichever of the user's two files is current."""
    found = current(shard_path(tmp_path, user_id))
    assert found is not None
    return found[1].decode("utf-8")


def test_a_shard_is_parsed_once_while_nobody_else_writes_it(
    file_store: TinyStore, tmp_path: Path, parses: list[str]
) -> None:
    draft = file_store.drafts.create(ALICE, "a", PLAN)
    for n in range(3):
        draft = file_store.drafts.put(draft.model_copy(update={"name": f"n{n}"}))
        assert file_store.drafts.get(draft.id) == draft
        file_store.sessions.save(ALICE, {"step": n})
    assert parses == []  # every read after our own writes came from the cache
    other = open_store(tmp_path)  # another process
    other.sessions.save(ALICE, {"step": "other"})
    assert file_store.sessions.load(ALICE) == {"step": "other"}
    found = current(shard_path(tmp_path, ALICE))
    assert found is not None
    written_by_other = str(found[0])
    assert len(parses) == 2 and parses[1] == written_by_other  # other's first read, then ours


def test_a_write_re_encodes_only_the_documents_that_changed(
    file_store: TinyStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drafts = [file_store.drafts.create(ALICE, f"d{n}", PLAN) for n in range(4)]
    encoded: list[Any] = []
    real = bot.store.storage._encode

    def counting(value: Any) -> str:
        encoded.append(value)
        return real(value)

    monkeypatch.setattr(bot.store.storage, "_encode", counting)
    file_store.drafts.put(drafts[2].model_copy(update={"name": "changed"}))
    docs = [v for v in encoded if isinstance(v, dict) and "plan" in v]
    assert [d["name"] for d in docs] == ["changed"]
    data = json.loads(shard_text(tmp_path, ALICE))
    assert [d["name"] for d in data["drafts"].values()] == ["d0", "d1", "changed", "d3"]


def test_a_fresh_store_reuses_the_lines_of_a_shard_in_our_layout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = open_store(tmp_path)
    drafts = [first.drafts.create(ALICE, f"d{n}", PLAN) for n in range(3)]
    second = open_store(tmp_path)  # parses the file: no cached lines
    encoded: list[Any] = []
    real = bot.store.storage._encode
    monkeypatch.setattr(bot.store.storage, "_encode", lambda v: encoded.append(v) or real(v))
    second.drafts.put(drafts[0].model_copy(update={"name": "changed"}))
    assert [d["name"] for d in encoded if isinstance(d, dict) and "plan" in d] == ["changed"]


def test_a_shard_in_another_layout_is_read_and_rewritten_in_ours(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    draft = store.drafts.create(ALICE, "清远", PLAN)
    path = shard_path(tmp_path, ALICE)
    data = json.loads(shard_text(tmp_path, ALICE))
    del data["_meta"]  # as TinyDB's JSONStorage writes it: one line, ASCII escapes, no _meta
    for old in (tmp_path / "users").iterdir():
        old.unlink()
    path.write_text(json.dumps(data), encoding="utf-8")
    reader = open_store(tmp_path)
    assert reader.drafts.get(draft.id) == draft
    renamed = reader.drafts.put(draft.model_copy(update={"name": "英德"}))
    text = shard_text(tmp_path, ALICE)
    assert "英德" in text and "清远市教育局" in text and "\\u" not in text
    assert text == dumps_shard(json.loads(text), ALICE)  # our layout, _meta first
    assert store.drafts.get(draft.id) == renamed


def test_nothing_returned_or_saved_shares_data_with_the_cache(file_store: TinyStore) -> None:
    session: dict[str, Any] = {"answers": {"region": "清远"}, "path": [1, 2]}
    file_store.sessions.save(ALICE, session)
    session["answers"]["region"] = "mutated after save"
    loaded = file_store.sessions.load(ALICE)
    assert loaded == {"answers": {"region": "清远"}, "path": [1, 2]}
    assert loaded is not None
    loaded["path"].append(3)
    draft = file_store.drafts.create(ALICE, "a", PLAN)
    put = file_store.drafts.put(draft.model_copy(update={"name": "b"}))
    put.plan["sections"].clear()
    assert file_store.sessions.load(ALICE) == {"answers": {"region": "清远"}, "path": [1, 2]}
    fetched = file_store.drafts.get(draft.id)
    assert fetched is not None and fetched.plan == PLAN


def test_a_write_overwrites_the_older_file_in_place_and_syncs_it_once(
    file_store: TinyStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced_dirs: list[Path] = []
    monkeypatch.setattr(bot.store.slots, "fsync_dir", synced_dirs.append)
    datasyncs: list[int] = []
    real = bot.store.slots._fdatasync
    monkeypatch.setattr(bot.store.slots, "_fdatasync", lambda fd: (datasyncs.append(fd), real(fd)))
    draft = file_store.drafts.create(ALICE, "a", PLAN)
    assert synced_dirs == []  # a new user's first file: its name goes to disk with the second's
    file_store.sessions.save(ALICE, {"n": 0})
    assert synced_dirs == [tmp_path / "users"]  # the second file's name, once, when created
    first, second = (tmp_path / "users" / name for name in (f"{ALICE}.json", f"{ALICE}.b.json"))
    inodes = (first.stat().st_ino, second.stat().st_ino)
    for n in range(1, 6):
        draft = file_store.drafts.put(draft.model_copy(update={"name": f"n{n}"}))
        found = current(first)
        assert found is not None and found[0] == (first if n % 2 else second)
    assert (first.stat().st_ino, second.stat().st_ino) == inodes  # no file replaced
    assert synced_dirs == [tmp_path / "users"] and len(datasyncs) == 7
    assert sorted(p.name for p in (tmp_path / "users").iterdir()) == [
        f"{ALICE}.b.json", f"{ALICE}.json"
    ]


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
def test_a_failed_write_keeps_the_last_good_state_and_leaks_nothing(
    file_store: TinyStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    draft = file_store.drafts.create(ALICE, "a", PLAN)
    file_store.sessions.save(ALICE, {})
    before = _open_fds()

    def crash(fd: int, data: object, offset: int) -> int:
        raise OSError("disk gone")

    monkeypatch.setattr(os, "pwrite", crash)
    for _ in range(3):
        with pytest.raises(OSError, match="disk gone"):
            file_store.drafts.put(draft.model_copy(update={"name": "lost"}))
    monkeypatch.undo()
    assert _open_fds() == before
    assert file_store.drafts.get(draft.id) == draft


def test_a_value_that_only_compares_equal_is_still_written(tmp_path: Path) -> None:
    stopped = datetime(2025, 1, 1, tzinfo=UTC)  # the same updated_at every time
    file_store = open_store(tmp_path, clock=lambda: stopped)
    for value in (1, True, 1.0, 0, False, 1):  # 1 == True == 1.0: an == check would keep "1"
        file_store.sessions.save(ALICE, {"flag": value})
        for store in (file_store, open_store(tmp_path)):
            loaded = store.sessions.load(ALICE)
            assert loaded is not None and type(loaded["flag"]) is type(value)


def test_the_cache_is_bounded_by_bytes_and_drops_the_least_recently_used() -> None:
    cache = ShardCache(max_bytes=100)
    for name in "abc":
        cache.put(name, b"x" * 40, {})
    assert len(cache) == 2 and cache.size_bytes == 80  # "a" went first
    assert cache.get("a", b"x" * 40) is None and cache.get("b", b"x" * 40) == {}
    cache.put("d", b"y" * 40, {})  # "c" is now the least recently used
    assert cache.get("c", b"x" * 40) is None and cache.get("b", b"x" * 40) == {}
    cache.put("b", b"z" * 10, {})  # replacing an entry frees its bytes
    assert cache.size_bytes == 50
    cache.put("huge", b"h" * 101, {})  # larger than the whole cache: not kept
    assert cache.get("huge", b"h" * 101) is None and cache.size_bytes == 50


def test_hundreds_of_users_at_once_are_each_parsed_only_once(
    file_store: TinyStore, tmp_path: Path, parses: list[str]
) -> None:
    users = range(1, 301)
    for _ in range(3):  # a few steps of each user's dialogue, users interleaved
        for user_id in users:
            session = file_store.sessions.load(user_id) or {"n": 0}
            file_store.sessions.save(user_id, {"n": session["n"] + 1})
    assert parses == []
    assert all(file_store.sessions.load(u) == {"n": 3} for u in users)
