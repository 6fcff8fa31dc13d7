"""Plan kinds as data (``snippets/kinds/*.yaml``): title pattern and the sections in order.

A kind is either an annual plan whose topic sections are the user's chosen priorities
(工作要点, 工作计划) or a special-purpose plan whose topic sections are fixed by the file
(人才工作计划, 学校安全工作计划 …). The helpers below tell the dialogue which questions a kind
needs: ``asks_priorities`` (choose priority areas or not), ``topic_ids`` (the topic sections of a
plan), ``targets_vars`` (the figures to ask for). See ``snippets/README.md`` ("Plan kinds").
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot.library.models import ClauseKind, Level, VarSpec

if TYPE_CHECKING:
    from bot.library.library import Library

__all__ = ["KindSection", "PlanKind", "SectionRole", "Theme"]



class SectionRole(StrEnum):
    """What a section of a plan is (a kind lists its sections by role; ``bot.compose.plan``
    keeps it on every section)."""

    GENERAL = "general"  # 总体要求
    TARGETS = "targets"  # 主要目标
    TOPIC = "topic"  # one chosen priority area
    SAFEGUARDS = "safeguards"  # 保障措施
    CLOSING = "closing"  # closing line, no heading
    GROUP = "group"  # a heading only (主要工作); the topic sections after it sit one level down


_ONE_TOPIC_ROLES = frozenset({SectionRole.GENERAL, SectionRole.SAFEGUARDS, SectionRole.CLOSING})
_MANY_TOPIC_ROLES = frozenset({SectionRole.TOPIC, SectionRole.TARGETS})


class KindSection(BaseModel):
    """One section of a plan kind.

    ``topic``: the topic whose clauses feed a general, safeguards or closing section.
    ``topics``: for a topic section, fixed topic sections in this order (no user choice; without
    it the section is the user's chosen priorities); for a targets section, the topics whose target
    clauses feed it (without it: the plan's topic sections).
    ``always``: a targets section that appears even when the user gave no figure, every default
    target clause showing its 【待填：…】 placeholders.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    role: SectionRole
    heading: str = ""  # for role topics: a group heading puts the topic sections one level down
    topic: str | None = None
    topics: list[str] = Field(default_factory=list)
    always: bool = False

    @model_validator(mode="after")
    def _fields_fit_the_role(self) -> KindSection:
        role = self.role
        if role is SectionRole.GROUP:
            raise ValueError("role 'group' is made by a topic section with a heading")
        if role in _MANY_TOPIC_ROLES and self.topic is not None:
            raise ValueError(f"a {role.value} section takes 'topics' (a list), not 'topic'")
        if role not in _MANY_TOPIC_ROLES and self.topics:
            raise ValueError(f"a {role.value} section takes 'topic', not 'topics'")
        if role in _ONE_TOPIC_ROLES and not self.topic:
            raise ValueError(f"a {role.value} section needs 'topic'")
        if self.always and role is not SectionRole.TARGETS:
            raise ValueError("'always' is for a targets section only")
        if self.always and not self.heading:
            raise ValueError("a targets section with 'always' needs a heading")
        if len(set(self.topics)) != len(self.topics):
            raise ValueError("a topic is named twice in 'topics'")
        return self

    @property
    def fixed(self) -> bool:
        """A topic section with its own topics (the user does not choose them)."""
        return self.role is SectionRole.TOPIC and bool(self.topics)


class Theme(BaseModel):
    """A thematic top-level section of an annual plan: the chosen priorities among ``topics``
    share it, under the first of ``headings`` (heading clauses) that fits the year and level.

    ``items``: how many task items the section holds at most; every chosen topic in it gives its
    default tasks in order, round-robin (each topic's first, then each one's second …), so a plan
    with every priority stays within its budget and a focused plan gives each topic more room. A
    task that uses a figure the user gave is always kept.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    headings: list[str] = Field(min_length=1)
    topics: list[str] = Field(min_length=1)
    items: int = Field(default=6, ge=1, le=40)

    @model_validator(mode="after")
    def _no_repeats(self) -> Theme:
        if len(set(self.topics)) != len(self.topics):
            raise ValueError("a topic is named twice in 'topics'")
        return self


class PlanKind(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: Literal[1]
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    aliases: list[str] = Field(default_factory=list)
    order: int = 100  # position in lists of kinds (the annual plans first)
    title: str
    sections: list[KindSection]
    # the thematic grouping of the chosen priorities (the default layout where a kind has it)
    themes: list[Theme] = Field(default_factory=list)
    # the bureaus that write this kind of plan (a special kind's clauses are written for these)
    levels: list[Level] = Field(default_factory=lambda: list(Level), min_length=1)

    @model_validator(mode="after")
    def _themes_fit(self) -> PlanKind:
        seen: dict[str, str] = {}
        for theme in self.themes:
            for topic in theme.topics:
                if topic in seen:
                    raise ValueError(
                        f"topic '{topic}' is in themes '{seen[topic]}' and '{theme.id}'"
                    )
                seen[topic] = theme.id
        if self.themes and not self.asks_priorities:
            raise ValueError("themes group chosen priorities: the kind needs a topic section "
                             "without 'topics'")
        if len({t.id for t in self.themes}) != len(self.themes):
            raise ValueError("two themes have the same id")
        return self

    def fits(self, level: Level) -> bool:
        """Whether a bureau of this level writes this kind of plan."""
        return level in self.levels

    def theme_of(self, topic: str) -> Theme | None:
        return next((t for t in self.themes if topic in t.topics), None)

    def matches(self, text: str) -> bool:
        key = text.strip()
        return key in (self.id, self.name, *self.aliases)

    @property
    def fixed_topics(self) -> list[str]:
        """Topics of the fixed topic sections, in plan order (empty for the annual plans)."""
        found = [t for s in self.sections if s.fixed for t in s.topics]
        return list(dict.fromkeys(found))

    @property
    def asks_priorities(self) -> bool:
        """Whether the user chooses priority areas: a topic section without fixed topics."""
        return any(s.role is SectionRole.TOPIC and not s.fixed for s in self.sections)

    def topic_ids(self, chosen: Sequence[str] = ()) -> list[str]:
        """The topic sections of a plan of this kind, in order: fixed topics where the kind fixes
        them, the user's ``chosen`` priorities where it asks for them."""
        found: list[str] = []
        for section in self.sections:
            if section.role is SectionRole.TOPIC:
                found.extend(section.topics if section.fixed else chosen)
        return list(dict.fromkeys(found))

    def targets_topics(self, chosen: Sequence[str] = ()) -> list[str]:
        """Topics whose target clauses feed the targets section(s)."""
        found: list[str] = []
        for section in self.sections:
            if section.role is SectionRole.TARGETS:
                found.extend(section.topics or self.topic_ids(chosen))
        return list(dict.fromkeys(found))

    def always_targets(self) -> bool:
        """Whether the plan has a targets section even when the user gave no figure."""
        return any(s.role is SectionRole.TARGETS and s.always for s in self.sections)

    def targets_vars(
        self, library: Library, year: int, level: Level, chosen: Sequence[str] = ()
    ) -> dict[str, VarSpec]:
        """The figures to ask the user for, in plan order: the variables of the default clauses
        (targets and tasks) of every topic the plan draws on that fit the year and level.

        ``chosen``: the user's priorities (ignored by kinds that do not ask for them). For the
        annual kinds this is what ``Library.topic_vars`` gives over the chosen topics.
        """
        out: dict[str, VarSpec] = {}
        for topic in self._var_topics(chosen):
            out.update(library.topic_vars(topic, year, level))
        return out

    def line_only_vars(
        self, library: Library, year: int, level: Level, chosen: Sequence[str] = ()
    ) -> set[str]:
        """Of :meth:`targets_vars`, those only target clauses use: lines of 主要目标, which a plan
        can do without. The others are in clauses the plan has anyway (a 【待填】 there)."""
        lines: set[str] = set()
        elsewhere: set[str] = set()
        for topic in self._var_topics(chosen):
            for clause in library.topics[topic].clauses if topic in library.topics else []:
                if clause.default and clause.fits(year, level):
                    used = lines if clause.kind is ClauseKind.TARGET else elsewhere
                    used.update(clause.vars)
        return lines - elsewhere

    def _var_topics(self, chosen: Sequence[str]) -> list[str]:
        topics = [s.topic for s in self.sections if s.role is SectionRole.GENERAL and s.topic]
        topics += self.targets_topics(chosen) + self.topic_ids(chosen)
        topics += [s.topic for s in self.sections if s.topic and s.role is not SectionRole.GENERAL]
        return list(dict.fromkeys(topics))
