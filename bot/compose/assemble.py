"""Assemble a whole plan for a region and a year from the clause library.

``assemble_plan(request, library)`` follows the plan kind's sections: 总体要求 for the year,
主要目标 from the user's targets (only when some were given or passed over, or always for a kind
that says so; a target passed over keeps its line, with 【待填：…】 in place of the figure),
one section per topic — the chosen priorities in the user's order, or the kind's fixed topics —
保障措施 and the closing line. Every item remembers its clause id and wording.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from bot.compose.context import Region, default_bureau, render_context
from bot.compose.plan import Item, Layout, Note, NumberingStyle, Plan, Section, SectionRole
from bot.compose.render import Missing, render
from bot.compose.themes import keep
from bot.errors import InputError
from bot.library.kinds import KindSection, PlanKind, Theme
from bot.library.library import Library
from bot.library.models import Clause, ClauseKind

__all__ = ["Composer", "PlanRequest", "assemble_plan", "default_order"]


LEADING_TOPIC = "party"
NUMBERED_KINDS = frozenset({ClauseKind.TASK, ClauseKind.TARGET, ClauseKind.SAFEGUARD})


class PlanRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    region: Region
    year: int
    kind: str = "work_points"
    topics: list[str] = Field(default_factory=list)  # chosen priorities; empty for fixed kinds
    targets: dict[str, str] = Field(default_factory=dict)
    # target variables the user passed over ("跳过"): their lines go into 主要目标 with a visible
    # 【待填：…】 in place of the figure, to be filled from the draft's 待填清单
    unknown_targets: list[str] = Field(default_factory=list)
    style: NumberingStyle = NumberingStyle.HIERARCHICAL
    bureau: str | None = None
    layout: Layout = Layout.THEMES  # the kind's thematic sections where it has them


def default_order(topics: list[str]) -> list[str]:
    """The user's order, with party leadership first (the user may reorder later)."""
    unique = list(dict.fromkeys(topics))
    if LEADING_TOPIC in unique:
        unique.remove(LEADING_TOPIC)
        unique.insert(0, LEADING_TOPIC)
    return unique


class Composer:
    """Renders clauses for one request; shared by assembly and later edits (swap, add)."""

    def __init__(self, library: Library, request: PlanRequest) -> None:
        self.library = library
        self.request = request
        kind = library.kind(request.kind)
        if kind is None:
            raise InputError(
                "unknown_kind",
                kind=request.kind,
                choices="、".join(k.name for k in library.kinds.values()),
            )
        self.kind: PlanKind = kind
        self.era = library.eras.lookup(request.year)
        self.bureau = request.bureau or default_bureau(request.region)
        self.uncovered: list[str] = []  # chosen topics with no clause for this year and level
        self.context: dict[str, Any] = render_context(
            request.region, request.year, self.era.wording, kind=kind.name, bureau=self.bureau
        )

    def render_item(self, clause: Clause, variant: int = 0) -> Item:
        wordings = clause.wordings()
        wording = wordings[variant % len(wordings)]
        targets: Mapping[str, str] = self.request.targets
        return Item(
            clause_id=clause.id,
            variant=variant % len(wordings),
            title=render(wording.title or clause.title, self.context, clause.vars, targets),
            text=render(wording.text, self.context, clause.vars, targets),
            numbered=clause.kind in NUMBERED_KINDS,
        )

    def heading(self, clause: Clause, variant: int = 0) -> str:
        return self.render_item(clause, variant).title

    def title(self) -> str:
        return render(self.kind.title, self.context, {}, {})

    def notes(self) -> list[Note]:
        year = self.request.year
        notes: list[Note] = []
        if self.era.borrowed_from is not None:
            latest = self.era.borrowed_from
            notes.append(Note(id="era_extrapolated", params={"year": year, "latest": latest}))
        elif not self.era.known:
            notes.append(Note(id="era_unknown", params={"year": year}))
        if self.uncovered:
            level = self.request.region.level.value
            topics = "、".join(self.uncovered)
            notes.append(
                Note(id="topics_uncovered", params={"year": year, "level": level, "topics": topics})
            )
        return notes


def assemble_plan(request: PlanRequest, library: Library) -> Plan:
    """The whole plan for the request (see the module docstring)."""
    _check_topics(request, library)
    composer = Composer(library, request)
    _check_level(composer.kind, request)
    sections: list[Section] = []
    for spec in composer.kind.sections:
        sections.extend(_build(composer, spec))
    return Plan(
        title=composer.title(),
        kind=composer.kind.id,
        kind_name=composer.kind.name,
        region=request.region,
        year=request.year,
        bureau=composer.bureau,
        style=request.style,
        sections=sections,
        targets=dict(request.targets),
        notes=composer.notes(),
    )


def _check_level(kind: PlanKind, request: PlanRequest) -> None:
    """A new plan is of a kind its bureau's level writes (drafts made before stay editable)."""
    if not kind.fits(request.region.level):
        raise InputError(
            "kind_level", kind=kind.name, level=request.region.level.value,
            levels=[level.value for level in kind.levels],
        )


def _check_topics(request: PlanRequest, library: Library) -> None:
    """Chosen topics must be priority areas; a kind's own fixed topics are accepted too (a
    request rebuilt from a plan of that kind names them) and are otherwise ignored."""
    kind = library.kind(request.kind)
    fixed = set(kind.fixed_topics) if kind else set()
    asks = kind is None or kind.asks_priorities
    choices = [t.id for t in library.priority_topics()] if asks else []
    for topic in request.topics:
        if topic in fixed or topic in choices:
            continue
        raise InputError("unknown_topic", topic=topic, choices=",".join(choices or fixed))


def _build(composer: Composer, spec: KindSection) -> list[Section]:
    role = spec.role
    if role is SectionRole.TOPIC:
        return _topic_sections(composer, spec)
    if role is SectionRole.TARGETS:
        return _targets_section(composer, spec)
    kind = {
        SectionRole.GENERAL: ClauseKind.GENERAL,
        SectionRole.SAFEGUARDS: ClauseKind.SAFEGUARD,
        SectionRole.CLOSING: ClauseKind.CLOSING,
    }[role]
    clauses = [c for c in fitting(composer, spec.topic or "", kind) if c.default]
    if role is not SectionRole.SAFEGUARDS:
        clauses = clauses[:1]
    items = [composer.render_item(c) for c in clauses]
    if role is SectionRole.GENERAL and not items:
        items = [Item(text=str(Missing(spec.heading)), numbered=False)]
    if not items:
        return []
    heading = "" if role is SectionRole.CLOSING else spec.heading
    return [Section(id=role.value, role=role, heading=heading, items=items)]


def _topic_sections(composer: Composer, spec: KindSection) -> list[Section]:
    level = 2 if spec.heading else 1
    out: list[Section] = []
    if spec.heading:
        out.append(Section(id="group", role=SectionRole.GROUP, heading=spec.heading))
    themed = composer.kind.themes and composer.request.layout is Layout.THEMES and not spec.fixed
    if themed:
        out.extend(theme_sections(composer, level))
        return out
    for topic_id in spec.topics if spec.fixed else composer.request.topics:
        out.append(topic_section(composer, topic_id, level))
    return out


def topic_section(composer: Composer, topic_id: str, level: int) -> Section:
    """One section for one topic: its first heading and all its default tasks."""
    headings = fitting(composer, topic_id, ClauseKind.HEADING)
    heading_clause = headings[0] if headings else None
    heading = (
        composer.heading(heading_clause)
        if heading_clause
        else composer.library.topics[topic_id].name
    )
    tasks = [c for c in fitting(composer, topic_id, ClauseKind.TASK) if c.default]
    if not tasks:
        composer.uncovered.append(composer.library.topics[topic_id].name)
    return Section(
        id=topic_id,
        role=SectionRole.TOPIC,
        level=level,
        heading=heading,
        heading_clause=heading_clause.id if heading_clause else None,
        items=[composer.render_item(c) for c in tasks],
    )


def theme_sections(composer: Composer, level: int) -> list[Section]:
    """The chosen priorities grouped by the kind's themes, in the kind's order; a chosen topic
    no theme names gets a section of its own after them."""
    chosen = composer.request.topics
    out: list[Section] = []
    for theme in composer.kind.themes:
        topics = [t for t in theme.topics if t in chosen]
        if topics:
            out.extend(_theme_section(composer, theme, topics, level))
    for topic_id in chosen:
        if composer.kind.theme_of(topic_id) is None:
            out.append(topic_section(composer, topic_id, level))
    return out


def _theme_section(
    composer: Composer, theme: Theme, topics: list[str], level: int
) -> list[Section]:
    per_topic = [[c for c in fitting(composer, t, ClauseKind.TASK) if c.default] for t in topics]
    for topic_id, tasks in zip(topics, per_topic, strict=True):
        if not tasks:
            composer.uncovered.append(composer.library.topics[topic_id].name)
    given = set(composer.request.targets)
    pinned = [c for tasks in per_topic for c in tasks if given & set(c.vars)]
    kept = [c for tasks in keep(per_topic, theme.items, pinned) for c in tasks]
    if not kept:
        return []
    heading_clause = _theme_heading(composer, theme, topics)
    heading = (composer.heading(heading_clause) if heading_clause
               else composer.library.topics[topics[0]].name)
    return [Section(
        id=topics[0] if len(topics) == 1 else theme.id, role=SectionRole.TOPIC, topics=topics,
        level=level, heading=heading,
        heading_clause=heading_clause.id if heading_clause else None,
        items=[composer.render_item(c) for c in kept],
    )]


def _theme_heading(composer: Composer, theme: Theme, topics: list[str]) -> Clause | None:
    """The first of the theme's heading clauses that fits the year and level; a section holding
    one chosen topic takes that topic's own heading."""
    region = composer.request.region
    if len(topics) == 1:
        own = fitting(composer, topics[0], ClauseKind.HEADING)
        if own:
            return own[0]
    for clause_id in theme.headings:
        clause = composer.library.clause(clause_id)
        if clause is not None and clause.fits(composer.request.year, region.level):
            return clause
    return None


def _targets_section(composer: Composer, spec: KindSection) -> list[Section]:
    given = set(composer.request.targets) | set(composer.request.unknown_targets)
    if not given and not spec.always:
        return []
    topics = spec.topics or composer.kind.topic_ids(composer.request.topics)
    items = [
        composer.render_item(c)
        for topic_id in topics
        for c in fitting(composer, topic_id, ClauseKind.TARGET)
        if given & set(c.vars) or (spec.always and c.default)
    ]
    if not items and spec.always:
        items = [Item(text=str(Missing(spec.heading)), numbered=False)]
    if not items:
        return []
    return [Section(id="targets", role=SectionRole.TARGETS, heading=spec.heading, items=items)]


def fitting(composer: Composer, topic_id: str, kind: ClauseKind) -> list[Clause]:
    region = composer.request.region
    return composer.library.fitting(topic_id, kind, composer.request.year, region.level)
