"""The 重点工作任务分解表 of a plan: one row per task item, who leads it, who helps, by when.

Usage::

    spec = load_task_spec(directory / TASKS_FILE)     # snippets/_tasks.yaml
    table = task_table(plan, spec)                    # rows, in plan order

Which items are tasks: the numbered items of the priority sections (role ``topic``, those a
user chooses or a special kind fixes). The other sections are not work to hand out: 总体要求 /
指导思想 (``general``) says the spirit, 主要目标 (``targets``) the figures the tasks add up to,
保障措施 (``safeguards``) what every office does to carry all the tasks, the closing line
nothing; an unnumbered item of a topic section is its lead-in paragraph.

Each row: 序号 (1, 2 … through the plan), 工作任务 (the item's title; an item without one, its
first phrase), 牵头科室 and 配合单位 (the section's, set by the user: ``Section.lead`` and
``Section.partners``), 完成时限 (read from the item's own words by the spec's rules, see
``snippets/_tasks.yaml``). What is not known is ``None``; the exports write the spec's
``unset`` mark (【待填】) there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from string import Formatter
from typing import Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from bot.compose.plan import Item, Plan, Section, SectionRole

__all__ = [
    "TASKS_FILE", "TASK_ROLES", "Columns", "DeadlineRule", "TaskRow", "TaskSpec", "TaskSpecError",
    "TaskTable", "deadlines", "holds_tasks", "is_task", "load_task_spec", "task_name", "task_table",
]

TASKS_FILE = "_tasks.yaml"
TASK_ROLES = frozenset({SectionRole.TOPIC})
_PHRASE_END = re.compile(r"[。；！？\n]")
_COMMAS = "，、："
_ELLIPSIS = "…"


class DeadlineRule(BaseModel):
    """Words of an item (a regular expression) and the deadline they mean (a format string
    over the expression's named groups)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    words: str
    deadline: str

    @field_validator("words")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a regular expression: {exc}") from None
        return value

    @model_validator(mode="after")
    def _fields_are_groups(self) -> DeadlineRule:
        groups = set(re.compile(self.words).groupindex)
        try:
            fields = {name for _, name, _, _ in Formatter().parse(self.deadline) if name}
        except ValueError as exc:
            raise ValueError(f"deadline: not a format string: {exc}") from None
        unknown = sorted(fields - groups)
        if unknown:
            raise ValueError(f"deadline names {unknown}, not groups of words (?P<name>…)")
        return self

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        return re.compile(self.words)


class Columns(BaseModel):
    """The header of each column."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    number: str
    task: str
    lead: str
    partners: str
    deadline: str

    def labels(self) -> list[str]:
        return [self.number, self.task, self.lead, self.partners, self.deadline]


class TaskSpec(BaseModel):
    """``snippets/_tasks.yaml``: the table's words and the deadline rules."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: Literal[1]
    title: str = Field(min_length=1)
    sheet: str = Field(min_length=1, max_length=31)  # Excel's limit for a sheet's name
    columns: Columns
    unset: str = Field(min_length=1)
    separator: str = Field(min_length=1)
    task_length: int = Field(ge=8, le=200)
    deadlines: list[DeadlineRule]


class TaskSpecError(Exception):
    """The spec file has problems; the message names the file and each field."""


def load_task_spec(path: Path) -> TaskSpec:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        return TaskSpec.model_validate(raw)
    except (OSError, yaml.YAMLError) as exc:
        raise TaskSpecError(f"{path}: {exc}") from exc
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}"
                             for err in exc.errors())
        raise TaskSpecError(f"{path}: {problems}") from exc


@dataclass(frozen=True)
class TaskRow:
    number: int
    task: str
    lead: str | None
    partners: str | None
    deadline: str | None
    section: int  # index into plan.sections
    item: int  # index into the section's items


@dataclass(frozen=True)
class TaskTable:
    spec: TaskSpec
    rows: list[TaskRow]

    def cells(self) -> list[list[str]]:
        """The header, then each row as the exports write it (``unset`` where not known)."""
        unset = self.spec.unset
        out = [self.spec.columns.labels()]
        for row in self.rows:
            out.append([str(row.number), row.task, row.lead or unset, row.partners or unset,
                        row.deadline or unset])
        return out


def is_task(role: SectionRole, item: Item) -> bool:
    return role in TASK_ROLES and item.numbered and bool((item.title or item.text).strip())


def holds_tasks(section: Section) -> bool:
    """Whether the section gives rows to the table (its 牵头科室 and 配合单位 matter)."""
    return any(is_task(section.role, item) for item in section.items)


def task_table(plan: Plan, spec: TaskSpec) -> TaskTable:
    rows: list[TaskRow] = []
    for s, section in enumerate(plan.sections):
        for i, item in enumerate(section.items):
            if not is_task(section.role, item):
                continue
            found = deadlines(f"{item.title}。{item.text}", spec)
            rows.append(TaskRow(
                number=len(rows) + 1, task=task_name(item, spec.task_length),
                lead=_given(section.lead), partners=_given(section.partners),
                deadline=spec.separator.join(found) or None, section=s, item=i,
            ))
    return TaskTable(spec, rows)


def deadlines(text: str, spec: TaskSpec) -> list[str]:
    """The deadlines the text names, in the order it names them, each once."""
    taken: list[tuple[int, int, str]] = []
    for rule in spec.deadlines:
        for match in rule.pattern.finditer(text):
            start, end = match.span()
            if any(start < e and s < end for s, e, _ in taken):
                continue  # an earlier rule read these words already
            groups = {k: v or "" for k, v in match.groupdict().items()}
            taken.append((start, end, rule.deadline.format(**groups)))
    return list(dict.fromkeys(d for _, _, d in sorted(taken)))


def task_name(item: Item, length: int) -> str:
    """The item's title; without one, the first phrase of its text, cut at a comma (or, with
    none in reach, at ``length`` characters, marked with …)."""
    title = " ".join(item.title.split())
    if title:
        return title
    phrase = _PHRASE_END.split(item.text.strip(), maxsplit=1)[0].strip()
    if len(phrase) <= length:
        return phrase
    cut = max(phrase.rfind(c, 0, length) for c in _COMMAS)
    if cut >= length // 3:
        return phrase[:cut]
    return phrase[: length - 1] + _ELLIPSIS


def _given(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None
