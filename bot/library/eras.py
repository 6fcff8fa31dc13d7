"""Year-keyed standard wording (``snippets/_eras.yaml``) and era lint rules (``_lint.yaml``)."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

__all__ = ["EraFile", "Eras", "LintFile", "LintRule"]


ERA_FIELDS = (
    "spirit", "thought", "discourse", "political", "mission",
    "all_round", "year_role", "milestone", "campaign",
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Era(_Strict):
    years: tuple[int, int]
    spirit: str
    thought: str
    discourse: str
    political: str
    mission: str
    all_round: str
    year_role: str
    milestone: str
    campaign: str

    def wording(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in ERA_FIELDS}


class EraFile(_Strict):
    schema_version: Literal[1]
    eras: list[Era]
    # for years after the last era: fields that replace its wording ({year}: the plan year)
    after_latest: dict[str, str] = {}

    @model_validator(mode="after")
    def _known_fields(self) -> EraFile:
        unknown = sorted(set(self.after_latest) - set(ERA_FIELDS))
        if unknown:
            raise ValueError(f"after_latest: unknown field(s) {', '.join(unknown)}")
        return self

    @model_validator(mode="after")
    def _contiguous(self) -> EraFile:
        spans = sorted(era.years for era in self.eras)
        for (_, end), (start, _) in itertools.pairwise(spans):
            if start != end + 1:
                raise ValueError(f"era years must be contiguous: gap or overlap at {start}")
        return self


@dataclass(frozen=True)
class EraLookup:
    """The wording for a plan year; ``note`` says when it was borrowed from another year."""

    wording: dict[str, str]
    known: bool  # False: no wording at all (year before the first era)
    borrowed_from: int | None  # year whose wording is used for a later, unknown year


class Eras:
    def __init__(self, data: EraFile) -> None:
        self._eras = sorted(data.eras, key=lambda e: e.years[0])
        self._after = dict(data.after_latest)

    @property
    def first_year(self) -> int:
        return self._eras[0].years[0]

    @property
    def latest_year(self) -> int:
        return self._eras[-1].years[1]

    def lookup(self, year: int) -> EraLookup:
        for era in self._eras:
            if era.years[0] <= year <= era.years[1]:
                return EraLookup(era.wording(), True, None)
        if year > self.latest_year:
            wording = self._eras[-1].wording()
            wording.update({k: v.replace("{year}", str(year)) for k, v in self._after.items()})
            return EraLookup(wording, True, self.latest_year)
        return EraLookup(dict.fromkeys(ERA_FIELDS, ""), False, None)


class LintRule(_Strict):
    """A term and the plan years it may stand in (see ``snippets/_lint.yaml``)."""

    model_config = ConfigDict(extra="forbid", frozen=True, ignored_types=(cached_property,))
    pattern: str
    years: tuple[int | None, int | None] | None = None
    reason: str
    source: str = ""  # the congress, plenum or document the rule rests on
    era: str | None = None  # the ``_eras.yaml`` field whose wording of the year is the fix
    instead: str | None = None  # the fix as a word ({period}, {year})
    unless: str | None = None  # found right after the term: a mention, not a use

    @model_validator(mode="after")
    def _known_era_field(self) -> LintRule:
        if self.era is not None and self.era not in ERA_FIELDS:
            raise ValueError(f"era: unknown field {self.era}")
        for source in (self.pattern, self.unless or ""):
            try:
                re.compile(source)
            except re.error as exc:
                raise ValueError(f"bad pattern {source!r}: {exc}") from None
        return self

    @cached_property
    def regex(self) -> re.Pattern[str]:
        return re.compile(self.pattern)

    @cached_property
    def exception(self) -> re.Pattern[str] | None:
        return re.compile(self.unless) if self.unless else None

    def allows(self, year: int) -> bool:
        if self.years is None:
            return False
        start, end = self.years
        return (start is None or start <= year) and (end is None or year <= end)

    def used_at(self, text: str, match: re.Match[str]) -> bool:
        """Whether the match is a use of the term (not a mention ``unless`` describes)."""
        return self.exception is None or self.exception.match(text, match.end()) is None


class LintFile(_Strict):
    model_config = ConfigDict(extra="forbid", frozen=True, ignored_types=(cached_property,))
    schema_version: Literal[1]
    rules: list[LintRule]
    always: list[LintRule]
    # blanks and 【待填】: what is still to be filled in (a draft's deliberate gaps)
    unfilled: list[LintRule] = []
    # bare titles of laws, documents and plans: a clause names them only in 书名号 (library/titles)
    titles: list[str] = []
    # fixed 提法 a plan repeats by design (the repeated-passage check passes over them)
    formulas: list[str] = []

    @model_validator(mode="after")
    def _sourced(self) -> LintFile:
        for index, rule in enumerate(self.rules):
            if rule.years is None or not rule.source.strip():
                raise ValueError(f"rules[{index}] ({rule.pattern}): years and source are needed")
        return self
