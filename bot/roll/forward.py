"""The roll-forward itself: last year's outline → this year's plan and its change list."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from bot.check.checker import check_plan
from bot.check.findings import Group
from bot.compose.addressing import default_bureau
from bot.compose.numbering import lines
from bot.compose.plan import Item, NumberingStyle, Plan, Section, SectionRole
from bot.compose.region import Region
from bot.errors import InputError
from bot.library.library import Library
from bot.library.models import ClauseKind, Level
from bot.reading.outline import Outline
from bot.roll.changes import Change
from bot.roll.figures import placeholders
from bot.roll.structure import RawItem, RawSection, bureau_of, plan_region, sections_of
from bot.roll.wording import roll_text

__all__ = ["RollResult", "Searcher", "Variant", "roll_forward"]

REVIEWED = frozenset({Group.TERMS, Group.LEFTOVER, Group.REGION})  # wording the check flags
NEEDS_REVIEW = frozenset({"era_gone", "unparsed"})  # changes that leave the item to the clerk
VARIANT_COVERAGE = 0.8  # of the query's words a library clause covers: a close match
MAX_QUERY = 40


class _Hit(Protocol):
    @property
    def clause_id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def coverage(self) -> float: ...


class Searcher(Protocol):
    def search(self, query: str, *, year: int | None = ..., level: Level | None = ...,
               kinds: Collection[ClauseKind] | None = ..., limit: int = ...
               ) -> Sequence[_Hit]: ...


@dataclass(frozen=True)
class Variant:
    section: int
    item: int
    clause_id: str
    title: str


@dataclass
class RollResult:
    plan: Plan
    changes: list[Change]
    from_year: int
    variants: list[Variant] = field(default_factory=list)
    counts: tuple[int, int] = (0, 0)  # sections with a heading, numbered items (last year's)


def roll_forward(
    outline: Outline, library: Library, *, year: int, region: Region | None = None,
    search: Searcher | None = None,
) -> RollResult:
    old = outline.year if outline.year is not None else year - 1
    if old == year:
        raise InputError("roll_same_year", year=year)
    changes: list[Change] = []
    if outline.year is None:
        changes.append(Change("", "year_assumed", after=str(old)))
    if outline.traditional:
        changes.append(Change("", "traditional"))
    region = region or plan_region(outline)
    raw = sections_of(outline)
    title = _title(outline, library, old, year, changes)
    sections = [_section(s, k, library, old, year, changes) for k, s in enumerate(raw)]
    kind = "work_plan" if "计划" in outline.title else "work_points"
    plan = Plan(
        title=title, kind=kind, kind_name=library.kinds[kind].name if kind in library.kinds
        else kind, region=region, year=year, bureau=bureau_of(outline) or default_bureau(region),
        style=_style(outline), sections=sections,
    )
    _review(plan, library, changes)
    variants = _variants(plan, library, search, changes) if search is not None else []
    counts = (sum(1 for s in raw if s.heading), sum(1 for s in raw for i in s.items if i.numbered))
    return RollResult(plan, changes, old, variants, counts)


def _title(outline: Outline, library: Library, old: int, year: int, changes: list[Change]) -> str:
    if not outline.title:
        changes.append(Change("", "title_missing"))
        return f"{year}年工作要点"
    rolled = roll_text(outline.title, library, old, year)
    changes.extend(Change("", code, a, b, p) for code, a, b, p in rolled.changes)
    return rolled.text


def _section(raw: RawSection, k: int, library: Library, old: int, year: int,
             changes: list[Change]) -> Section:
    heading = _rolled(raw.heading, raw.place, library, old, year, changes)
    items = [_item(item, library, old, year, changes) for item in raw.items]
    role = raw.role
    topics = [] if role is not SectionRole.TOPIC else [_topic(raw, library)]
    ids = {SectionRole.GENERAL: "general", SectionRole.SAFEGUARDS: "safeguards",
           SectionRole.CLOSING: "closing"}
    return Section(id=ids.get(role, f"rolled_{k + 1}"), role=role, topics=topics,
                   level=raw.level, heading=heading, items=items)


def _item(raw: RawItem, library: Library, old: int, year: int, changes: list[Change]) -> Item:
    start = len(changes)
    title = _rolled(raw.title, raw.place, library, old, year, changes)
    text = _rolled(raw.text, raw.place, library, old, year, changes)
    for code, what in raw.notes:
        changes.append(Change(raw.place, code, what))
    review = [f"{c.code}:{c.before[:20]}" for c in changes[start:] if c.code in NEEDS_REVIEW]
    return Item(title=title, text=text, numbered=raw.numbered, edited=True, review=review)


def _rolled(text: str, place: str, library: Library, old: int, year: int,
            changes: list[Change]) -> str:
    if not text:
        return text
    rolled = roll_text(text, library, old, year)
    changes.extend(Change(place, code, a, b, p) for code, a, b, p in rolled.changes)
    out, figures = placeholders(rolled.text)
    changes.extend(Change(place, "figure", f.value, f"【待填：{f.label}（上年：{f.value}）】")
                   for f in figures)
    return out


def _topic(raw: RawSection, library: Library) -> str:
    """The priority topic whose name and keywords the section says most (its heading counts
    three times): so 添加条款 offers that topic's clauses."""
    text = raw.heading * 3 + "".join(i.title + i.text for i in raw.items)
    topics = library.priority_topics()
    def score(topic_words: list[str]) -> int:
        return sum(text.count(w) for w in topic_words if w)
    best = max(topics, key=lambda t: score([t.name, *t.keywords]))
    return best.id


def _style(outline: Outline) -> NumberingStyle:
    """一、 with 1. (no （一）) keeps its 1. as the flat style; otherwise 一、（一）."""
    levels = {b.level for b in outline.numbered()}
    return NumberingStyle.FLAT if 3 in levels and 2 not in levels else NumberingStyle.HIERARCHICAL


def _review(plan: Plan, library: Library, changes: list[Change]) -> None:
    """Mark the items the check still flags for the new year; list every such finding."""
    report = check_plan(plan, library)
    where = {k: (line.section, line.item) for k, line in enumerate(lines(plan))}
    for finding in report.problems:
        if finding.group not in REVIEWED:
            continue
        s, i = where.get(finding.place.order, (-1, -1))
        if s >= 0 and i >= 0:
            item = plan.sections[s].items[i]
            mark = f"{finding.code}:{finding.found}"
            if mark not in item.review:
                item.review.append(mark)
        changes.append(Change(finding.place.path, "review", finding.found, finding.fix,
                              {k: v for k, v in finding.params.items() if k != "context"}))


def _variants(plan: Plan, library: Library, search: Searcher, changes: list[Change]
              ) -> list[Variant]:
    found: list[Variant] = []
    for s, section in enumerate(plan.sections):
        if section.role is not SectionRole.TOPIC:
            continue
        for i, item in enumerate(section.items):
            query = (item.title or item.text)[:MAX_QUERY]
            if not item.numbered or not query:
                continue
            hits = search.search(query, year=plan.year, level=plan.region.level,
                                 kinds={ClauseKind.TASK}, limit=1)
            if hits and hits[0].coverage >= VARIANT_COVERAGE:
                found.append(Variant(s, i, hits[0].clause_id, hits[0].title))
                changes.append(Change(item.title[:20] or item.text[:20], "variant",
                                      hits[0].clause_id, hits[0].title))
    return found
