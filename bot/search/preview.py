"""Clause text for a search result when no region is known: rendered for a neutral region.

The neutral region is data (``snippets/_search.yaml``): a city called 本市 (short name 本地), so
``{{ scope }}`` reads 全市, ``{{ self_ref }}`` 我市 and ``{{ bureau }}`` 本市教育局. The year is
the one asked for, otherwise the current year moved into the years the clause fits, so the era
wording (``era.*``) is one the clause was written for. Variables the user has not given show as
【待填：…】 placeholders, as in a draft.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from bot.compose.context import Region, render_context
from bot.compose.render import render
from bot.library.library import Library
from bot.library.models import MAX_YEAR, Clause
from bot.search.analysis import NeutralRegion
from bot.search.index import TITLE_PREVIEW

__all__ = ["Preview", "headline", "neutral_region", "preview", "preview_year"]


DEFAULT_KIND = "work_points"


@dataclass(frozen=True)
class Preview:
    title: str
    text: str
    year: int


def headline(title: str, text: str, limit: int = TITLE_PREVIEW) -> str:
    """What names a clause in a list: its title, or (it has none) the start of its rendered
    text, never of its template (which would show holes where the variables are)."""
    if title:
        return title
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def neutral_region(spec: NeutralRegion) -> Region:
    return Region(province="", name=spec.name, full_name=spec.full_name, level=spec.level)


def preview_year(clause: Clause, year: int | None, today: datetime.date | None = None) -> int:
    """The year to render a clause for: ``year`` if given, else this year within its range."""
    if year is not None:
        return year
    start, end = clause.years
    current = (today or datetime.date.today()).year
    return max(start, min(current, end if end is not None else MAX_YEAR))


def preview(
    library: Library, clause: Clause, region: Region, year: int | None = None, variant: int = 0
) -> Preview:
    """Title and text of one wording of a clause, rendered for ``region``."""
    plan_year = preview_year(clause, year)
    kind = library.kinds.get(DEFAULT_KIND) or next(iter(library.kinds.values()), None)
    context = render_context(
        region,
        plan_year,
        library.eras.lookup(plan_year).wording,
        kind=kind.name if kind is not None else "",
    )
    wordings = clause.wordings()
    wording = wordings[variant] if 0 <= variant < len(wordings) else wordings[0]
    return Preview(
        title=render(wording.title or clause.title, context, clause.vars, {}),
        text=render(wording.text, context, clause.vars, {}),
        year=plan_year,
    )
