"""The admins' changes to the shipped library, as an overlay: clauses and topic metadata by id.

The shipped ``snippets/`` files are the base. An overlay maps a clause id to the full clause
that replaces (or adds to) the base, and a topic id to metadata that replaces (or adds) a topic.
Revisions (``bot.curation._revisions``) are lists of ``Change``; the overlay at revision *k* is
the empty overlay with the changes of revisions 1..k applied in order.

The effective library depends only on the base and the overlay as a mapping, never on the
history that built it: base clauses keep their place, added clauses follow them ordered by
``(order, id)``. So an overlay equal to the one at revision *k* gives exactly the library of
revision *k* (what rollback relies on).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.library.library import Library
from bot.library.models import Clause, Topic


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TopicMeta(_Strict):
    """A topic without its clauses (what a topic file says above ``clauses:``)."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    name: Annotated[str, Field(min_length=1)]
    order: int = 100
    priority: bool = True
    keywords: list[str] = Field(default_factory=list)

    @classmethod
    def of(cls, topic: Topic) -> TopicMeta:
        return cls(id=topic.id, name=topic.name, order=topic.order, priority=topic.priority,
                   keywords=list(topic.keywords))


class UpsertClause(_Strict):
    """Add the clause, or replace the clause with the same id (the whole clause)."""

    op: Literal["upsert"] = "upsert"
    topic: str
    clause: Clause


class RevertClause(_Strict):
    """Drop the clause from the overlay: back to the shipped clause, or gone if it is not one."""

    op: Literal["revert"] = "revert"
    clause_id: str


class SetTopic(_Strict):
    op: Literal["topic"] = "topic"
    topic: TopicMeta


class RevertTopic(_Strict):
    op: Literal["revert_topic"] = "revert_topic"
    topic_id: str


Change = Annotated[
    UpsertClause | RevertClause | SetTopic | RevertTopic, Field(discriminator="op")
]


@dataclass(frozen=True)
class Overlay:
    """Clause id → (topic id, clause); topic id → metadata. Treat as immutable."""

    clauses: Mapping[str, tuple[str, Clause]] = field(default_factory=dict)
    topics: Mapping[str, TopicMeta] = field(default_factory=dict)

    def apply(self, changes: Iterable[Change]) -> Overlay:
        clauses = dict(self.clauses)
        topics = dict(self.topics)
        for change in changes:
            if isinstance(change, UpsertClause):
                clauses[change.clause.id] = (change.topic, change.clause)
            elif isinstance(change, RevertClause):
                clauses.pop(change.clause_id, None)
            elif isinstance(change, SetTopic):
                topics[change.topic.id] = change.topic
            else:
                topics.pop(change.topic_id, None)
        return Overlay(clauses, topics)

    def changes_to(self, target: Overlay) -> list[Change]:
        """Changes that turn this overlay into ``target`` exactly (used by rollback)."""
        out: list[Change] = []
        for topic_id in sorted(set(self.topics) | set(target.topics)):
            wanted = target.topics.get(topic_id)
            if wanted is None:
                out.append(RevertTopic(topic_id=topic_id))
            elif self.topics.get(topic_id) != wanted:
                out.append(SetTopic(topic=wanted))
        for clause_id in sorted(set(self.clauses) | set(target.clauses)):
            entry = target.clauses.get(clause_id)
            if entry is None:
                out.append(RevertClause(clause_id=clause_id))
            elif self.clauses.get(clause_id) != entry:
                out.append(UpsertClause(topic=entry[0], clause=entry[1]))
        return out


EMPTY = Overlay()


def overlay_topics(base: Library, overlay: Overlay) -> tuple[list[Topic], list[str]]:
    """The effective topics, and the ids of overlay clauses whose topic does not exist."""
    metas = {t.id: TopicMeta.of(t) for t in base.topics.values()} | dict(overlay.topics)
    added: dict[str, list[Clause]] = {}
    orphans: list[str] = []
    for clause_id, (topic_id, clause) in overlay.clauses.items():
        if topic_id not in metas:
            orphans.append(clause_id)
        elif base.clause(clause_id) is None:
            added.setdefault(topic_id, []).append(clause)
    topics: list[Topic] = []
    for topic_id, meta in metas.items():
        shipped = base.topics.get(topic_id)
        clauses = [_replaced(c, overlay) for c in (shipped.clauses if shipped else [])]
        clauses += sorted(added.get(topic_id, []), key=lambda c: (c.order, c.id))
        topics.append(Topic(
            id=meta.id, name=meta.name, order=meta.order, priority=meta.priority,
            keywords=list(meta.keywords), clauses=clauses,
            source=shipped.source if shipped else f"{topic_id}.yaml",
            lines=dict(shipped.lines) if shipped else {},
        ))
    return topics, sorted(orphans)


def _replaced(clause: Clause, overlay: Overlay) -> Clause:
    entry = overlay.clauses.get(clause.id)
    return entry[1] if entry is not None else clause


class ChangeSummary(_Strict):
    """What a change does to the effective library, by clause and topic id."""

    added: list[str] = Field(default_factory=list)
    changed: list[str] = Field(default_factory=list)
    retired: list[str] = Field(default_factory=list)
    restored: list[str] = Field(default_factory=list)  # retired before, offered again
    removed: list[str] = Field(default_factory=list)  # gone (rollback of an added clause)
    topics_added: list[str] = Field(default_factory=list)
    topics_changed: list[str] = Field(default_factory=list)
    topics_removed: list[str] = Field(default_factory=list)

    def is_empty(self) -> bool:
        return not any(getattr(self, name) for name in type(self).model_fields)

    def clause_ids(self) -> list[str]:
        return [*self.added, *self.changed, *self.retired, *self.restored, *self.removed]


def summarise(before: Library, after: Library) -> ChangeSummary:
    """Compare two libraries clause by clause and topic by topic."""
    out: dict[str, list[str]] = {name: [] for name in ChangeSummary.model_fields}
    for clause_id in sorted({c.id for c in before.clauses()} | {c.id for c in after.clauses()}):
        change = _clause_change(before.clause(clause_id), after.clause(clause_id))
        if change:
            out[change].append(clause_id)
    for topic_id in sorted(set(before.topics) | set(after.topics)):
        change = _topic_change(before.topics.get(topic_id), after.topics.get(topic_id))
        if change:
            out[change].append(topic_id)
    return ChangeSummary(**out)


def _clause_change(old: Clause | None, new: Clause | None) -> str:
    """The ``ChangeSummary`` field a clause goes in ("" when it did not change)."""
    if old is None or new is None:
        return "added" if old is None else "removed"
    if new.retired != old.retired:
        return "retired" if new.retired else "restored"
    return "changed" if old != new else ""


def _topic_change(old: Topic | None, new: Topic | None) -> str:
    if old is None or new is None:
        return "topics_added" if old is None else "topics_removed"
    return "topics_changed" if TopicMeta.of(old) != TopicMeta.of(new) else ""


def library_dump(library: Library) -> dict[str, object]:
    """Everything the effective library says, as plain data (to compare two libraries)."""
    return {
        topic.id: {
            "meta": TopicMeta.of(topic).model_dump(mode="json"),
            "clauses": [c.model_dump(mode="json") for c in topic.clauses],
        }
        for topic in library.topics.values()
    }
