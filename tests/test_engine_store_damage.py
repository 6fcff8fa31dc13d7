"""A damaged store is told: both files of a user's shard unreadable → the user hears it once,
with what was kept and what to do; the operator gets one ERROR line naming the files."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.store import StoreCorrupt, memory_store, open_store
from tests.chat import Chat, make_engine, messages
from tests.test_store import tamper

ALICE = 7


def break_both_files(data_dir: Path, user_id: int) -> list[Path]:
    files = sorted((data_dir / "users").glob(f"{user_id}.*json"))
    assert len(files) == 2, files  # the shard's two slots
    for path in files:
        path.write_bytes(b'{"drafts": {"1": ' + b"\xff" * 40)
    return files


def test_both_shard_files_broken_the_user_is_told_once_and_goes_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    chat = Chat(make_engine(open_store(tmp_path)), ALICE)
    chat.draft_quickly()
    chat.cmd("drafts")  # the session is written again: both slots hold a state
    broken = break_both_files(tmp_path, ALICE)

    with caplog.at_level(logging.INFO):
        chat.cmd("drafts")
    first = chat.replies[0].text
    assert "草稿存档损坏" in first and "备份时间" in first and "/new" in first
    assert "还没有草稿" in chat.text  # then the screen asked for, from the empty store
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1
    backups = sorted((tmp_path / "users").glob(f"{ALICE}.*.corrupt-*"))
    assert [b.name.split(".corrupt-")[0] for b in backups] == [p.name for p in broken]
    assert all(str(b) in errors[0].getMessage() for b in backups)
    assert all(b.read_bytes().startswith(b'{"drafts"') for b in backups)  # kept as they were
    stamp = backups[0].name.split(".corrupt-")[1]
    assert f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]} {stamp[9:11]}:{stamp[11:13]}" in first

    caplog.clear()
    chat.cmd("drafts")  # the second event is as usual
    assert "损坏" not in chat.text and "还没有草稿" in chat.text
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    chat.draft_quickly(region="修文县")  # a new draft, kept
    [draft] = chat.drafts()
    assert "修文县" in draft.name


def test_the_message_without_backups_promises_none() -> None:
    text = messages().text("store_corrupt", moved=[], moved_to=None)
    assert "备份" not in text and "/new" in text


def test_a_colleague_is_not_told_that_their_own_store_is_damaged(tmp_path: Path) -> None:
    engine = make_engine(open_store(tmp_path))
    owner, colleague = Chat(engine, ALICE), Chat(engine, 8)
    record = owner.draft_quickly()
    owner.cmd("drafts")
    engine.deps.store.drafts.add_collaborator(record.id, 8)
    colleague.cmd("drafts")
    colleague.press("清远市教育局")
    break_both_files(tmp_path, ALICE)
    colleague.press("预览全文")  # reads the owner's shard: moved aside there
    told = colleague.notice or colleague.text
    assert told.startswith(messages().text("store_record_invalid")), told
    assert "存档损坏" not in told
    colleague.cmd("drafts")  # the colleague's own store is fine
    assert "损坏" not in colleague.text

    owner.cmd("drafts")  # the owner hears of it at their next event, once
    assert "草稿存档损坏" in owner.replies[0].text and "备份时间" in owner.replies[0].text
    assert "还没有草稿" in owner.text
    owner.cmd("drafts")
    assert "损坏" not in owner.text and "还没有草稿" in owner.text
    engine.deps.store.sessions.clear(ALICE)  # a fresh session later: nothing told again
    owner.cmd("drafts")
    assert "损坏" not in owner.text


@pytest.mark.parametrize("kind", ["memory", "files"])
def test_the_store_tells_once_whoever_found_the_damage(kind: str, tmp_path: Path) -> None:
    """The session store's side of it, over both shard kinds."""
    store = memory_store() if kind == "memory" else open_store(tmp_path)
    draft = store.drafts.create(ALICE, "a", {"sections": []})
    store.sessions.save(ALICE, {"x": 1})
    tamper(store, ALICE, "not json")
    with pytest.raises(StoreCorrupt):
        store.drafts.get(draft.id)  # a colleague's read finds it
    with pytest.raises(StoreCorrupt) as told:
        store.sessions.load(ALICE)
    assert told.value.message_id == "store_corrupt" and told.value.params["moved"]
    assert store.sessions.load(ALICE) is None  # once
    store.sessions.save(ALICE, {"y": 2})
    tamper(store, ALICE, "not json")
    with pytest.raises(StoreCorrupt):
        store.sessions.load(ALICE)  # found by the session load itself: told by it
    assert store.sessions.load(ALICE) is None
