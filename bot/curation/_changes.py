"""A change being prepared, from what an admin typed or uploaded, and what its preview shows.

Each ``*_draft`` function turns one admin action into a ``Draft``: the overlay changes it would
make and the problems already found (a clause typed in the chat that breaks the schema, an id
in use …). ``bot.curation._preview`` checks a draft against the whole library.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from jinja2 import TemplateSyntaxError
from pydantic import ValidationError

from bot.curation._candidate import Source
from bot.curation._overlay import Change, ChangeSummary, SetTopic, TopicMeta, UpsertClause
from bot.curation._revisions import RevisionAction
from bot.curation._upload import ParsedUpload
from bot.errors import InputError
from bot.library.library import Library
from bot.library.loader import Problem
from bot.library.models import MIN_YEAR, Clause, ClauseKind, Level, Topic
from bot.library.templates import BUILTIN_NAMES, variables_used

CHAT_SOURCE = "chat"  # the "file" named in problems with what an admin typed


class ChangeRejected(InputError):
    """The change breaks a rule of the library; ``problems`` lists every one."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("change_rejected", count=len(problems))
        self.problems = problems


@dataclass(frozen=True)
class NewClause:
    """What the guided 新增条款 dialogue collects. Variables the text uses are declared with
    the library's existing spec of that name; an unknown one is a problem."""

    topic: str
    kind: ClauseKind
    title: str
    text: str = ""
    years: tuple[int, int | None] = (MIN_YEAR, None)
    levels: tuple[Level, ...] = tuple(Level)
    keywords: tuple[str, ...] = ()
    default: bool = True
    order: int | None = None  # default: after the topic's last clause of the same kind
    id: str | None = None  # default: <topic>.added_<n>


@dataclass(frozen=True)
class Sample:
    """A changed clause rendered for the sample region and year (what the admin confirms)."""

    clause_id: str
    title: str
    text: str
    year: int


@dataclass(frozen=True)
class ChangePreview:
    """What a change would do. ``token`` is None when there are problems or nothing changes."""

    action: RevisionAction
    summary: ChangeSummary
    problems: list[Problem]
    samples: list[Sample]
    base_revision: int
    token: str | None = None
    note: str = ""
    rollback_to: int | None = None

    @property
    def ok(self) -> bool:
        return self.token is not None


@dataclass
class Draft:
    """A change being prepared."""

    action: RevisionAction
    changes: list[Change]
    sources: dict[str, Source] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    note: str = ""
    rollback_to: int | None = None
    check: list[str] = field(default_factory=list)  # clauses typed in the chat: run all checks


def upload_draft(library: Library, parsed: ParsedUpload, action: RevisionAction) -> Draft:
    """An uploaded topic file: its clauses that differ from the library's, its topic fields."""
    draft = Draft(action, [], problems=list(parsed.problems), note=parsed.name)
    if parsed.topic is not None:
        topic = parsed.topic
        draft.sources[topic.id] = Source(parsed.name, topic.lines)
        meta = _topic_meta(topic, library.topics.get(topic.id), parsed.keys)
        if meta is not None:
            draft.changes.append(SetTopic(topic=meta))
        for clause in topic.clauses:
            if library.clause(clause.id) != clause:
                draft.changes.append(UpsertClause(topic=topic.id, clause=clause))
    return draft


def new_clause_draft(library: Library, new: NewClause) -> Draft:
    if new.topic not in library.topics:
        raise InputError("unknown_topic", topic=new.topic,
                         choices=",".join(sorted(library.topics)))
    draft = Draft(RevisionAction.ADD, [])
    clause = _clause(_new_clause_data(library, new), draft.problems)
    if clause is not None:
        draft.changes.append(UpsertClause(topic=new.topic, clause=clause))
        draft.check.append(clause.id)
    if clause is not None and library.clause(clause.id) is not None:
        draft.problems.append(Problem(CHAT_SOURCE, clause.id, "id", "id is already in use"))
    return draft


def edited_data(
    clause: Clause, text: str | None, title: str | None, variant: int
) -> dict[str, Any]:
    """The clause's data with one wording's text and/or title replaced (0: the main one)."""
    if not 0 <= variant <= len(clause.variants):
        raise InputError("variant_unknown", clause_id=clause.id, variant=variant)
    data = clause.model_dump(mode="json")
    wording = data if variant == 0 else data["variants"][variant - 1]
    if text is not None:
        wording["text"] = text
    if title is not None:
        wording["title"] = title
    return data


def replacement_draft(
    library: Library, action: RevisionAction, clause_id: str, data: dict[str, Any]
) -> Draft:
    """One clause replaced whole by ``data`` (an edit, a retirement, a restoration)."""
    topic = library.topic_of(clause_id)
    assert topic is not None
    draft = Draft(action, [])
    clause = _clause(data, draft.problems)
    if clause is not None and clause != library.clause(clause_id):
        draft.changes.append(UpsertClause(topic=topic.id, clause=clause))
        draft.check.append(clause.id)
    return draft


def _new_clause_data(library: Library, new: NewClause) -> dict[str, Any]:
    topic = library.topics[new.topic]
    same_kind = [c.order for c in topic.clauses if c.kind is new.kind]
    return {
        "id": new.id or _next_clause_id(library, new.topic),
        "kind": new.kind.value,
        "title": new.title,
        "text": new.text,
        "years": list(new.years),
        "levels": [level.value for level in new.levels],
        "vars": _known_vars(library, new.title, new.text),
        "keywords": list(new.keywords),
        "default": new.default,
        "order": new.order if new.order is not None else max(same_kind, default=0) + 1,
    }


def _next_clause_id(library: Library, topic_id: str) -> str:
    pattern = re.compile(rf"^{re.escape(topic_id)}\.added_(\d+)$")
    taken = [int(m.group(1)) for c in library.clauses() if (m := pattern.match(c.id))]
    return f"{topic_id}.added_{max(taken, default=0) + 1}"


def _known_vars(library: Library, *sources: str) -> dict[str, Any]:
    used: set[str] = set()
    for source in sources:
        with contextlib.suppress(TemplateSyntaxError):
            used |= variables_used(source)
    specs = library.vars
    return {n: specs[n].model_dump(mode="json") for n in sorted(used - BUILTIN_NAMES)
            if n in specs}


def _clause(data: Mapping[str, Any], problems: list[Problem]) -> Clause | None:
    """Validate clause data; schema errors become problems naming the clause and field."""
    try:
        return Clause.model_validate(data)
    except ValidationError as exc:
        clause_id = str(data.get("id", ""))
        for err in exc.errors():
            fld = ".".join(map(str, err["loc"])) or "clause"
            problems.append(Problem(CHAT_SOURCE, clause_id, fld, err["msg"]))
        return None


def _topic_meta(topic: Topic, current: Topic | None, keys: frozenset[str]) -> TopicMeta | None:
    """The topic metadata an upload sets, or None if it changes nothing. Fields the file
    leaves out (order, priority, keywords) keep their current values."""
    meta = TopicMeta.of(topic)
    if current is None:
        return meta
    old = TopicMeta.of(current)
    wanted = old.model_copy(update={
        name: getattr(meta, name) for name in ("name", "order", "priority", "keywords")
        if name in keys
    })
    return wanted if wanted != old else None
