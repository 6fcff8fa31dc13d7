"""The engine the adapters get (``build_engine``) holds the library service: a change made in the
chat, or by another process on the same data directory (the CLI), is live at the next event,
for drafting and (with ``search=True``) for search, without a restart."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import build_engine
from bot.config import Settings
from bot.curation import LibraryService, Operator
from bot.library.library import Library
from bot.search import Analyzer, MissLog, SearchService
from tests.admin_chat import OWNER, USER, Admin
from tests.admin_support import SNIPPETS


def settings(data_dir: Path) -> Settings:
    return Settings.model_construct(data_dir=data_dir, snippets_dir=SNIPPETS,
                                    admin_ids=frozenset({OWNER}))


def topic_ids(chat: Admin) -> list[str | None]:
    return [i.clause_id for s in chat.plan().sections for i in s.items]


def test_changes_from_the_chat_and_the_command_line_are_live_at_once(tmp_path: Path) -> None:
    engine = build_engine(settings(tmp_path))
    assert engine.deps.curation is not None and engine.deps.search is None
    owner, user = Admin(engine, OWNER), Admin(engine, USER)
    user.draft_quickly(topics=("学前教育",))
    assert "preschool.supply" in topic_ids(user)
    owner.cmd("clause_retire", "preschool.supply")
    assert "【预览】停用条款" in owner.text
    owner.press("确认")
    user.draft_quickly(region="修文县", topics=("学前教育",))
    assert "preschool.supply" not in topic_ids(user)
    # another process (planbot snippets …) restores it: the next event sees it
    LibraryService.open(settings(tmp_path)).restore_clause(Operator("ops"), "preschool.supply")
    user.draft_quickly(region="韶关市", topics=("学前教育",))
    assert "preschool.supply" in topic_ids(user)
    owner.cmd("admin_history")
    assert "第2版" in owner.text and "ops 恢复条款" in owner.text


def test_build_engine_with_search_keeps_the_index_up_to_date(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, admin_analyzer: Analyzer
) -> None:
    analyzer = admin_analyzer  # its own jieba tokenizer: the global one is test_search's

    def start(cls: type[SearchService], _: Settings, library: Library) -> SearchService:
        return cls(analyzer, library, MissLog(tmp_path / "misses.json"))

    monkeypatch.setattr(SearchService, "start", classmethod(start))
    engine = build_engine(settings(tmp_path), search=True)
    search, curation = engine.deps.search, engine.deps.curation
    assert search is not None and curation is not None
    query = "扩大普惠性学前教育资源"
    assert search.search(query, record=False)[0].clause_id == "preschool.supply"
    curation.retire_clause(Operator("ops"), "preschool.supply")
    assert "preschool.supply" not in [h.clause_id for h in search.search(query, record=False)]
