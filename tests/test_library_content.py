"""The shipped library: validates, is big enough, and every clause renders everywhere it claims."""

from __future__ import annotations

import re

import pytest

from bot.compose.context import Region, render_context
from bot.compose.lint import lint_text
from bot.compose.render import render
from bot.library.library import Library
from bot.library.models import MAX_YEAR, Clause, ClauseKind, Level

PLAN_YEARS = range(2012, 2031)
REGIONS = {
    Level.PROVINCE: Region(
        province="广东省", name="广东", full_name="广东省", level=Level.PROVINCE
    ),
    Level.CITY: Region(province="广东省", name="清远", full_name="清远市", level=Level.CITY),
    Level.COUNTY: Region(province="贵州省", name="修文", full_name="修文县", level=Level.COUNTY),
    Level.DISTRICT: Region(
        province="北京市", name="朝阳", full_name="朝阳区", level=Level.DISTRICT
    ),
}
LEFTOVER = re.compile(r"\{\{|\}\}|\{%|%\}|None|Undefined")


def test_library_is_big_enough(library: Library) -> None:
    priorities = library.priority_topics()
    assert len(priorities) >= 16
    assert len(library) >= 120
    assert {"general", "safeguards"} <= set(library.topics)


@pytest.mark.parametrize("year", PLAN_YEARS)
def test_every_topic_has_a_heading_and_four_tasks_every_year(library: Library, year: int) -> None:
    """At every level it is offered at (a county has no 高等教育), and always for a city."""
    for topic in library.priority_topics():
        for level in Level:
            offered = topic in library.priority_topics(year, level)
            if not offered and level is not Level.CITY:
                continue
            headings = library.fitting(topic.id, ClauseKind.HEADING, year, level)
            tasks = [
                c for c in library.fitting(topic.id, ClauseKind.TASK, year, level) if c.default
            ]
            assert headings, f"{topic.id}: no heading for {year} {level}"
            assert len(tasks) >= 4, f"{topic.id}: {len(tasks)} tasks for {year} {level}"


def test_main_clauses_have_two_wordings(library: Library) -> None:
    for topic in library.priority_topics():
        main = [c for c in topic.clauses if c.kind in (ClauseKind.HEADING, ClauseKind.TASK)]
        with_variants = [c for c in main if c.variants]
        assert len(with_variants) >= 4, f"{topic.id}: only {len(with_variants)} with variants"


@pytest.mark.parametrize("year", PLAN_YEARS)
def test_general_requirements_exist_for_every_plan_year(library: Library, year: int) -> None:
    for level in Level:
        assert library.fitting("general", ClauseKind.GENERAL, year, level), (year, level)
        assert library.fitting("safeguards", ClauseKind.CLOSING, year, level), (year, level)


def _years(clause: Clause) -> range:
    start, end = clause.years
    return range(max(start, 2000), (end or MAX_YEAR) + 1)


def test_every_clause_renders_for_every_year_and_level_it_claims(library: Library) -> None:
    failures: list[str] = []
    for clause in library.clauses():
        for year in _years(clause):
            era = library.eras.lookup(year).wording
            for level in clause.levels:
                context = render_context(REGIONS[level], year, era, kind="工作要点")
                failures.extend(_check_wordings(library, clause, context, year, level))
    assert not failures, "\n".join(failures[:40])


def _check_wordings(
    library: Library, clause: Clause, context: dict[str, object], year: int, level: Level
) -> list[str]:
    out = []
    for index, wording in enumerate(clause.wordings()):
        title = render(wording.title or clause.title, context, clause.vars, {})
        text = render(wording.text, context, clause.vars, {})
        where = f"{clause.id}[{index}] {year} {level.value}"
        if clause.kind is not ClauseKind.HEADING and not text.strip():
            out.append(f"{where}: blank text")
        if clause.kind in (ClauseKind.HEADING, ClauseKind.TASK) and not title.strip():
            out.append(f"{where}: blank title")
        for piece in (title, text):
            if LEFTOVER.search(piece):
                out.append(f"{where}: leftover template syntax: {piece}")
            if era_year_known(library, year):
                out.extend(
                    f"{where}: {f.term} ({f.reason})" for f in lint_text(piece, year, library.lint)
                )
            if "【待填：】" in piece or "，，" in piece or "。。" in piece:
                out.append(f"{where}: broken punctuation or empty placeholder: {piece}")
    return out


def era_year_known(library: Library, year: int) -> bool:
    return library.eras.lookup(year).known


@pytest.mark.parametrize("level", [Level.CITY, Level.COUNTY, Level.DISTRICT])
def test_no_literal_self_reference_of_another_level(library: Library, level: Level) -> None:
    """A clause must say 我县/全县 only through {{ self_ref }}/{{ scope }}, never literally."""
    literal = re.compile(r"我[省市县区]|全[市县区]")
    for clause in library.clauses():
        for wording in clause.wordings():
            for source in (wording.title or "", wording.text):
                assert not literal.search(source), f"{clause.id}: literal {literal.search(source)}"
