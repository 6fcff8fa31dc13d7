"""Plan kinds as data (``snippets/kinds/*.yaml``): title pattern and the sections in order."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.compose.plan import SectionRole


class KindSection(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    role: SectionRole
    heading: str = ""  # for role topics: a group heading puts the chosen topics one level down
    topic: str | None = None  # the topic whose clauses feed this section (general, safeguards …)


class PlanKind(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: Literal[1]
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    aliases: list[str] = Field(default_factory=list)
    title: str
    sections: list[KindSection]

    def matches(self, text: str) -> bool:
        key = text.strip()
        return key in (self.id, self.name, *self.aliases)
