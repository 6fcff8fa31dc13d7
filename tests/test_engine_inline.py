"""Inline mode through the engine (``Engine.inline``): clauses rendered for the neutral region,
pages of at most 50, the empty query (most inserted, else a curated order), no miss recorded,
the user's session untouched."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.curation import UsageEvent
from bot.dialogue.engine import Engine
from bot.dialogue.types import MAX_INLINE_RESULTS, MAX_TEXT, Event, EventKind
from bot.library.library import Library
from bot.search import Analyzer, MissLog, SearchService
from bot.store import memory_store
from tests.admin_chat import service_of
from tests.chat import TODAY, make_engine, messages
from tests.clause_support import clause_engine, inline, library_analyzer
from tests.conftest import SNIPPETS


@pytest.fixture
def engine(tmp_path: Path, clause_analyzer: Analyzer) -> Engine:
    return clause_engine(tmp_path, clause_analyzer)


@pytest.fixture(scope="module")
def shipped(
    jieba_tokenizer: Any, library: Library, tmp_path_factory: pytest.TempPathFactory
) -> Engine:
    """The engine over the shipped library (hundreds of clauses: several pages)."""
    analyzer = library_analyzer(jieba_tokenizer, SNIPPETS)
    data = tmp_path_factory.mktemp("inline")
    search = SearchService(analyzer, library, MissLog(data / "misses.json"))
    return Engine(library, memory_store(), messages(), clock=lambda: TODAY, raise_errors=True,
                  search=search)


def test_results_are_the_clause_text_for_the_neutral_region(engine: Engine) -> None:
    answer = inline(engine, "幼儿园 布局")
    first = answer.results[0]
    assert first.id == "preschool.supply"
    assert first.title == "扩大普惠性学前教育资源"
    assert first.text == ("扩大普惠性学前教育资源\n动态调整全市幼儿园布局，年内新建、改扩建"
                          "公办幼儿园【待填：新建改扩建公办幼儿园数】所。")
    assert first.description.startswith("学前教育｜动态调整全市幼儿园布局")
    assert answer.next_offset == ""  # one page
    assert all("{{" not in r.text and r.text.strip() for r in answer.results)
    assert "preschool.heading" not in [r.id for r in answer.results]  # headings are no clauses


def test_traditional_script_finds_the_same(engine: Engine) -> None:
    simplified = [r.id for r in inline(engine, "幼儿园 教师").results]
    assert simplified[0] == "preschool.teachers"
    assert [r.id for r in inline(engine, "幼兒園 教師").results] == simplified


def test_pages_of_fifty_with_offsets(shipped: Engine) -> None:
    seen: list[str] = []
    offset, pages = "", 0
    while True:
        answer = inline(shipped, "教育", offset)
        assert len(answer.results) <= MAX_INLINE_RESULTS
        for result in answer.results:
            assert len(result.id.encode()) <= 64 and len(result.text) <= MAX_TEXT
        seen.extend(r.id for r in answer.results)
        pages += 1
        if not answer.next_offset:
            break
        assert len(answer.results) == MAX_INLINE_RESULTS
        assert answer.next_offset == str(pages * MAX_INLINE_RESULTS)
        offset = answer.next_offset
    assert pages >= 3
    assert len(seen) == len(set(seen))  # no clause on two pages


def test_a_bad_offset_is_the_first_page(engine: Engine) -> None:
    first = inline(engine, "教育")
    assert inline(engine, "教育", "abc").results == first.results
    assert inline(engine, "教育", "9999999").results == []


def test_empty_query_lists_a_curated_order_then_the_most_inserted(
    tmp_path: Path, clause_analyzer: Analyzer
) -> None:
    engine = clause_engine(tmp_path, clause_analyzer)
    curated = [r.id for r in inline(engine, "").results]
    # each topic's first default task, then the other default tasks, then the rest
    assert curated[:3] == ["party.leadership", "preschool.supply", "compulsory.balance"]
    assert "preschool.teachers" not in curated  # not a default clause
    assert len(curated) == len(set(curated))
    usage = service_of(engine).usage
    usage.record(UsageEvent.INSERTED, "preschool.quality", "compulsory.burden")
    usage.record(UsageEvent.INSERTED, "preschool.quality")
    usage.record(UsageEvent.INSERTED, "preschool.teachers")
    again = clause_engine(tmp_path, clause_analyzer)  # usage is read again after a minute
    listed = [r.id for r in inline(again, "").results]
    assert listed[:4] == ["preschool.quality", "compulsory.burden", "preschool.teachers",
                          "party.leadership"]
    assert len(listed) == len(curated) + 1


def test_inline_records_no_miss_and_leaves_the_session_alone(engine: Engine) -> None:
    assert inline(engine, "老年大学", user_id=9).results == []
    search = engine.deps.search
    assert search is not None and search.misses() == []
    assert engine.deps.store.sessions.load(9) is None


def test_without_a_search_index_there_are_no_results() -> None:
    event = Event(user_id=1, chat_id=1, kind=EventKind.INLINE, text="幼儿园")
    answer = make_engine().inline(event)
    assert answer.results == [] and answer.next_offset == ""
