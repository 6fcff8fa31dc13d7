"""A district's clauses read right in every wording, not only the default one.

A user who swaps a wording must not get 农村学校 in an urban district's plan: tests/plan_quality.py
reads the default wording of whole plans; this reads every wording of every default clause a
district gets (the annual plans' and the special kinds'), in every plan year it claims. A
district with villages adds the rural items (``default: false``) itself.
"""

from __future__ import annotations

from bot.compose.context import render_context
from bot.compose.render import render
from bot.library.library import Library
from bot.library.models import Clause, Level
from tests.test_library_content import REGIONS, _years

RURAL = ("农村", "乡村")


def _rural_words(library: Library, clause: Clause) -> list[str]:
    out = []
    for year in _years(clause):
        era = library.eras.lookup(year).wording
        context = render_context(REGIONS[Level.DISTRICT], year, era, kind="人才工作计划")
        for index, wording in enumerate(clause.wordings()):
            title = render(wording.title or clause.title, context, clause.vars, {})
            text = render(wording.text, context, clause.vars, {})
            out.extend(f"{clause.id}[{index}] {year}: {word}"
                       for word in RURAL if word in title + text)
    return out


def test_a_district_is_spoken_to_without_rural_words(library: Library) -> None:
    found = [
        problem
        for clause in library.clauses()
        if clause.default and Level.DISTRICT in clause.levels
        for problem in _rural_words(library, clause)
    ]
    assert found == []


def test_a_district_with_villages_can_add_the_rural_teachers_item(library: Library) -> None:
    clause = library.clause("talent_use.rural_district")
    assert clause is not None and not clause.default
    assert clause.levels == [Level.DISTRICT]
    assert _rural_words(library, clause)  # it says 乡村 (农村 before 2016), as it should
