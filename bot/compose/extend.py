"""A priority area added to a plan after it was drafted: the assembler places its clauses.

The plan is assembled again, with the new topic among its priorities, by ``assemble_plan``; the
sections of that plan that hold the new topic are then taken over into the user's plan: its items
join the section of the same theme where the plan has one, else its section goes where the
assembled plan has it (after the section that comes before it there). Nothing the user changed
in the other sections is touched.
"""

from __future__ import annotations

from bot.compose.assemble import assemble_plan
from bot.compose.plan import Note, Plan, Section, SectionRole
from bot.compose.refine import request_for
from bot.errors import InputError
from bot.library.library import Library
from bot.library.models import Topic

__all__ = ["add_topic", "addable_topics"]


def addable_topics(plan: Plan, library: Library) -> list[Topic]:
    """Priority areas of the plan's year and level it does not have yet (none for a kind
    whose sections are fixed)."""
    kind = library.kind(plan.kind)
    if kind is None or not kind.asks_priorities:
        return []
    present = set(plan.topic_ids())
    return [t for t in library.priority_topics(plan.year, plan.region.level)
            if t.id not in present]


def add_topic(plan: Plan, library: Library, topic_id: str) -> int:
    """Add the topic's clauses where the kind puts them; the index of the section they are in."""
    if topic_id not in {t.id for t in addable_topics(plan, library)}:
        raise InputError("topic_not_addable")
    request = request_for(plan)
    fresh = assemble_plan(
        request.model_copy(update={"topics": [*request.topics, topic_id]}), library)
    placed = -1
    for k, section in enumerate(fresh.sections):
        if topic_id in section.topic_ids():
            placed = _take(plan, library, fresh, k, topic_id)
    if placed < 0:
        raise InputError("topic_no_clauses")
    plan.notes = _notes(plan, fresh)
    return placed


def _take(plan: Plan, library: Library, fresh: Plan, k: int, topic_id: str) -> int:
    """Section ``k`` of the assembled plan into the user's plan; where it went."""
    section = fresh.sections[k]
    others = set(section.topic_ids()) - {topic_id}
    same = _matching(plan, section, others)
    if same is None:
        at = _after(plan, fresh, k) + 1
        plan.sections.insert(at, section)
        return at
    target = plan.sections[same]
    target.topics = [*target.topic_ids(), topic_id]
    if target.heading_clause is not None:  # the library's heading: the theme's one now
        target.heading, target.heading_clause = section.heading, section.heading_clause
        target.heading_variant = section.heading_variant
    target.items.extend(
        item for item in section.items
        if item.clause_id and _topic_of(library, item.clause_id) == topic_id)
    return same


def _matching(plan: Plan, section: Section, others: set[str]) -> int | None:
    """The user's section of the same theme (sharing a topic), if the plan has one."""
    if not others:
        return None
    return next((s for s, own in enumerate(plan.sections)
                 if own.role is SectionRole.TOPIC and others & set(own.topic_ids())), None)


def _after(plan: Plan, fresh: Plan, k: int) -> int:
    """The user's section that comes where section ``k - 1`` of the assembled plan is."""
    for before in reversed(fresh.sections[:k]):
        topics = set(before.topic_ids()) if before.role is SectionRole.TOPIC else set()
        for s in range(len(plan.sections) - 1, -1, -1):
            own = plan.sections[s]
            if own.id == before.id or (topics and topics & set(own.topic_ids())):
                return _past_own(plan, s)
    return -1


def _past_own(plan: Plan, s: int) -> int:
    """Past the sections the user added right after ``s`` (they stay with what they follow)."""
    while s + 1 < len(plan.sections) and plan.sections[s + 1].own:
        s += 1
    return s


def _topic_of(library: Library, clause_id: str) -> str | None:
    topic = library.topic_of(clause_id)
    return topic.id if topic is not None else None


def _notes(plan: Plan, fresh: Plan) -> list[Note]:
    """The assembled plan's notes (a topic with no clause for the year) join the plan's."""
    seen = {(n.id, tuple(sorted(n.params.items()))) for n in plan.notes}
    extra = [n for n in fresh.notes if (n.id, tuple(sorted(n.params.items()))) not in seen
             and n.id == "topics_uncovered"]
    return [*plan.notes, *extra]
