"""The library is written in our own words: no long run of any clause appears in the examples."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.compose.context import Region, render_context
from bot.compose.render import render
from bot.library.library import Library
from bot.library.models import Level

EXAMPLES = Path(__file__).resolve().parent.parent.parent / "shared" / "reference" / "examples"
WINDOW = 20  # characters of running text
_KEEP = re.compile(r"[^\u4e00-\u9fff0-9A-Za-z]")
# Standard formulas every plan must use word for word are not prose of the examples.
SET_PHRASES = re.compile(
    "|".join(
        (
            "习近平新时代中国特色社会主义思想",
            "德智体美劳?全面发展的社会主义建设者和接班人",
            "落实立德树人根本任务",
            "办好人民满意的教育",
            "加快建设高质量教育体系",
            "习近平总书记关于教育的重要论述",
        )
    )
)


def _normal(text: str) -> str:
    return SET_PHRASES.sub("", _KEEP.sub("", text))


@pytest.fixture(scope="module")
def examples() -> str:
    if not EXAMPLES.is_dir():
        pytest.skip("../shared/reference/examples is not beside the project")
    return "".join(_normal(p.read_text(encoding="utf-8")) for p in sorted(EXAMPLES.glob("*.txt")))


def test_no_clause_copies_the_examples(library: Library, examples: str) -> None:
    region = Region(province="贵州省", name="修文", full_name="修文县", level=Level.COUNTY)
    windows = {examples[i : i + WINDOW] for i in range(len(examples) - WINDOW + 1)}
    copied: list[str] = []
    for clause in library.clauses():
        year = max(clause.years[0], 2012)
        era = library.eras.lookup(year).wording
        context = render_context(region, year, era, kind="工作要点")
        formulas = sorted((_normal(v) for v in era.values() if v), key=len, reverse=True)
        for wording in clause.wordings():
            text = _normal(render(wording.text, context, clause.vars, {}))
            for formula in formulas:  # the year's standard wording is fact, not prose
                text = text.replace(formula, "|")
            hits = [
                text[i : i + WINDOW]
                for i in range(len(text) - WINDOW + 1)
                if text[i : i + WINDOW] in windows
            ]
            if hits:
                copied.append(f"{clause.id}: {hits[0]}")
    assert not copied, "\n".join(copied)
