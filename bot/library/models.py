"""The clause library's data model (pydantic v2, unknown keys rejected).

One YAML file per topic under ``snippets/``; see ``snippets/README.md`` for the format.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "MAX_YEAR", "MIN_YEAR", "SCHEMA_VERSION", "Clause", "ClauseKind", "Level", "Topic",
    "TopicFile", "VarSpec", "VarType", "Variant",
]


SCHEMA_VERSION = 1
MIN_YEAR = 2000
MAX_YEAR = 2035


class Level(StrEnum):
    """Administrative level of the region a plan is written for."""

    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    DISTRICT = "district"


class ClauseKind(StrEnum):
    HEADING = "heading"
    GENERAL = "general"
    TARGET = "target"
    TASK = "task"
    SAFEGUARD = "safeguard"
    CLOSING = "closing"


class VarType(StrEnum):
    INT = "int"
    PERCENT = "percent"
    TEXT = "text"
    DATE = "date"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class VarSpec(_Strict):
    """A value the user may give (a target); until given it renders as 【待填：label】."""

    type: VarType
    label: Annotated[str, Field(min_length=1, max_length=40)]
    min: float | None = None
    max: float | None = None
    max_length: int | None = None
    unit: str = ""


class Variant(_Strict):
    """An alternative wording of a clause. A missing title keeps the clause's title."""

    title: str | None = None
    text: str = ""


YearRange = tuple[int, int | None]


class Clause(_Strict):
    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")]
    kind: ClauseKind
    title: str = ""
    text: str = ""
    variants: list[Variant] = Field(default_factory=list)
    years: YearRange = (MIN_YEAR, None)
    levels: list[Level] = Field(default_factory=lambda: list(Level))
    vars: dict[str, VarSpec] = Field(default_factory=dict)
    keywords: list[str] = Field(default_factory=list)
    default: bool = True
    order: int = 0
    retired: bool = False

    def fits(self, year: int, level: Level) -> bool:
        """Whether the clause may be offered for a plan of this year and level."""
        start, end = self.years
        return (
            not self.retired
            and level in self.levels
            and start <= year
            and (end is None or year <= end)
        )

    def wordings(self) -> list[Variant]:
        """All wordings, the main one first (index = variant number)."""
        return [Variant(title=self.title, text=self.text), *self.variants]


class TopicFile(_Strict):
    schema_version: Literal[1]
    topic: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    name: Annotated[str, Field(min_length=1)]
    order: int = 100
    priority: bool = True
    keywords: list[str] = Field(default_factory=list)
    clauses: list[Clause]

    @model_validator(mode="after")
    def _ids_in_topic(self) -> TopicFile:
        for clause in self.clauses:
            if clause.id.split(".", 1)[0] != self.topic:
                raise ValueError(f"clause id {clause.id} must start with '{self.topic}.'")
        return self


class Topic(_Strict):
    """A loaded topic: its metadata and clauses, with the file it came from."""

    id: str
    name: str
    order: int
    priority: bool
    keywords: list[str]
    clauses: list[Clause]
    source: str
    lines: dict[str, int] = Field(default_factory=dict)  # clause id → line in the source file
