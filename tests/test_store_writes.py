"""The file store's write path: the parse cache, partial re-encoding, durability, freed files.

The behaviour every backend shares is in ``test_store.py``; these are the file backend's costs
and the guarantees they must not weaken.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import bot.atomic
import bot.store.storage
from bot.atomic import drain_close_later
from bot.store import TinyStore, open_store
from bot.store.storage import dumps_shard

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
    assert parses == [str(shard_path(tmp_path, ALICE))] * 2  # other's first read, then ours


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
    data = json.loads(shard_path(tmp_path, ALICE).read_text(encoding="utf-8"))
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
    data = json.loads(path.read_text(encoding="utf-8"))
    del data["_meta"]  # as TinyDB's JSONStorage writes it: one line, ASCII escapes, no _meta
    path.write_text(json.dumps(data), encoding="utf-8")
    reader = open_store(tmp_path)
    assert reader.drafts.get(draft.id) == draft
    renamed = reader.drafts.put(draft.model_copy(update={"name": "英德"}))
    text = path.read_text(encoding="utf-8")
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


@pytest.mark.parametrize("durable", [False, True])
def test_the_directory_is_fsynced_only_for_a_durable_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, durable: bool
) -> None:
    synced: list[Path] = []
    monkeypatch.setattr(bot.atomic, "fsync_dir", synced.append)
    store = open_store(tmp_path, durable=durable)
    store.drafts.create(ALICE, "a", PLAN)
    store.sessions.save(ALICE, {})
    assert synced == ([tmp_path / "users"] * 2 if durable else [])


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
def test_replaced_shards_are_closed_in_the_background(file_store: TinyStore) -> None:
    draft = file_store.drafts.create(ALICE, "a", PLAN)
    drain_close_later()
    before = _open_fds()
    for n in range(200):  # more than close_later keeps waiting
        draft = file_store.drafts.put(draft.model_copy(update={"name": f"n{n}"}))
        file_store.sessions.save(BOB, {"n": n})
    drain_close_later()
    assert _open_fds() == before


def test_a_failed_write_closes_the_shard_it_read(
    file_store: TinyStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    draft = file_store.drafts.create(ALICE, "a", PLAN)
    drain_close_later()
    before = _open_fds()

    def crash(src: object, dst: object) -> None:
        raise OSError("disk gone")

    monkeypatch.setattr(os, "replace", crash)
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


def test_the_closing_thread_ends_when_idle(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bot.atomic, "_IDLE_EXIT_S", 0.05)
    drain_close_later()
    deadline = time.monotonic() + 5
    while _closer_running() and time.monotonic() < deadline:  # an earlier test's thread
        time.sleep(0.02)
    before = _open_fds()
    bot.atomic.close_later(os.dup(0))
    assert _closer_running()
    drain_close_later()
    while _closer_running() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not _closer_running() and _open_fds() == before


def _closer_running() -> bool:
    return any(t.name == "close_later" for t in threading.enumerate())


FORK = """
import os, signal, sys, threading
from bot.atomic import close_later, drain_close_later
parent, release, real_close = os.getpid(), threading.Event(), os.close
def held_close(fd):  # in the parent, the closing thread is stuck until release
    if os.getpid() == parent:
        release.wait()
    real_close(fd)
os.close = held_close
close_later(os.dup(0))
waiting = os.dup(0)
close_later(waiting)
pid = os.fork()
if pid == 0:
    signal.alarm(20)  # a hung child dies rather than outliving the test
    close_later(os.dup(0))
    drain_close_later()
    try:
        os.fstat(waiting)
        os._exit(3)  # the child's copy of a waiting descriptor was left open
    except OSError:
        os._exit(0)
release.set()
drain_close_later()
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status))
"""


def test_a_child_forked_while_descriptors_wait_closes_them_and_goes_on() -> None:
    done = subprocess.run(
        [sys.executable, "-c", FORK], cwd=ROOT, timeout=60, capture_output=True, check=False
    )
    assert done.returncode == 0, done.stderr


def test_settling_ends_the_closing_thread_so_a_process_may_fork(tmp_path: Path) -> None:
    from bot.atomic import close_later, settle_close_later

    fd = os.open(tmp_path / "x", os.O_CREAT | os.O_RDWR, 0o600)
    close_later(fd)
    assert any(t.name == "close_later" for t in threading.enumerate())
    settle_close_later()
    assert not any(t.name == "close_later" for t in threading.enumerate())
