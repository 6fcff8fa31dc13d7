"""The assembled plan: sections of items, each remembering the clause and wording it came from.

A plan is plain data (pydantic) so drafts can be stored as JSON and edited item by item.
Numbering is never stored: ``bot.compose.numbering`` computes it from the structure.
"""

from __future__ import annotations

import re
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from bot.compose.context import Region
from bot.library.kinds import SectionRole

__all__ = [
    "PLACEHOLDER_RE", "Item", "Layout", "Note", "NumberingStyle", "Plan", "Section", "SectionRole",
]


PLAN_SCHEMA_VERSION = 1
PLACEHOLDER_RE = re.compile(r"【待填：([^】]*)】")


class NumberingStyle(StrEnum):
    HIERARCHICAL = "hierarchical"  # 一、 →（一）→ 1. →（1）
    FLAT = "flat"  # 一、 with 1. numbered straight through the plan


class Layout(StrEnum):
    """How the chosen priorities of an annual plan are laid out."""

    THEMES = "themes"  # the kind's thematic sections, several topics in each (the default)
    TOPICS = "topics"  # one section per topic


class Item(BaseModel):
    """One paragraph of the plan. ``numbered`` items get （一）/1. labels; others are prose."""

    model_config = ConfigDict(extra="forbid")

    clause_id: str | None = None
    variant: int = 0
    title: str = ""
    text: str
    numbered: bool = True
    edited: bool = False
    # what the check still flags in an item rolled forward from last year's plan (finding codes
    # and the words found, ``bot.roll``): the clerk reads it again; empty for everything else
    review: list[str] = Field(default_factory=list)


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    role: SectionRole
    # the topics a thematic section draws on; empty: the section's id is its one topic
    topics: list[str] = Field(default_factory=list)
    level: int = Field(default=1, ge=1, le=2)
    heading: str = ""
    heading_clause: str | None = None
    heading_variant: int = 0
    items: list[Item] = Field(default_factory=list)
    own: bool = False  # a section the user added, with their heading: no topic of the library
    # who carries the section's tasks, for the 任务分解表 (``bot.compose.tasks``): the user's
    # words (a 科室, the units that help); None: not set yet (the table shows 【待填】). Drafts
    # stored before these fields read as None.
    lead: str | None = None
    partners: str | None = None

    def topic_ids(self) -> list[str]:
        """The topics whose clauses the section holds (none in a section the user added)."""
        if self.own:
            return []
        return list(self.topics) if self.topics else [self.id]


class Note(BaseModel):
    """A remark for the user about the whole plan (message id + parameters, see prompts/)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    params: dict[str, str | int] = Field(default_factory=dict)


class Plan(BaseModel):
    model_config = ConfigDict(extra="forbid")

    schema_version: int = PLAN_SCHEMA_VERSION
    title: str
    kind: str  # plan kind id (snippets/kinds/<id>.yaml)
    kind_name: str
    region: Region
    year: int
    bureau: str
    style: NumberingStyle = NumberingStyle.HIERARCHICAL
    sections: list[Section]
    targets: dict[str, str] = Field(default_factory=dict)
    notes: list[Note] = Field(default_factory=list)

    def topic_ids(self) -> list[str]:
        """The priority topics of the plan, in plan order (every topic section's topics)."""
        found = [t for s in self.sections if s.role is SectionRole.TOPIC for t in s.topic_ids()]
        return list(dict.fromkeys(found))

    def texts(self) -> list[str]:
        """Every piece of text in the plan, in reading order (title first)."""
        out = [self.title]
        for section in self.sections:
            out.append(section.heading)
            for item in section.items:
                out.extend((item.title, item.text))
        return [t for t in out if t]

    def placeholders(self) -> list[str]:
        """Labels of every 【待填：…】 left in the plan, in order, without repeats."""
        found: dict[str, None] = {}
        for text in self.texts():
            for label in PLACEHOLDER_RE.findall(text):
                found.setdefault(label, None)
        return list(found)
