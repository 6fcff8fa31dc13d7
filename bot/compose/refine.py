"""Editing a draft plan: swap a wording, edit, move, delete and restore, add a clause.

Plain functions over a ``Plan`` (changed in place) and the library; they raise ``InputError`` with
a message id when the user asks for something that cannot be done. A user's targets live in
``plan.targets``: every re-rendering uses them, so a figure survives a change of wording. Filling
in the placeholders that are left is ``compose.todo``.
"""

from __future__ import annotations

import unicodedata

from bot.compose.assemble import Composer, PlanRequest
from bot.compose.plan import Item, Plan, Section, SectionRole
from bot.errors import InputError
from bot.library.library import Library
from bot.library.models import Clause, ClauseKind

__all__ = [
    "MAX_ITEM_TEXT", "MAX_NAME", "add_clause", "addable", "checked_text", "clause_of",
    "clean_text", "composer_for", "delete_item", "edit_item", "move_item", "paragraphs",
    "restore_item", "split_item", "swap_heading", "swap_wording", "wording_count",
]


MAX_ITEM_TEXT = 2000
MAX_NAME = 60
_ADDABLE = {
    SectionRole.TOPIC: ClauseKind.TASK,
    SectionRole.SAFEGUARDS: ClauseKind.SAFEGUARD,
    SectionRole.TARGETS: ClauseKind.TARGET,
}


def request_for(plan: Plan) -> PlanRequest:
    """The request a plan answers, as it stands now (its topics, targets, region, bureau)."""
    topics = plan.topic_ids()
    return PlanRequest(
        region=plan.region, year=plan.year, kind=plan.kind, topics=topics,
        targets=dict(plan.targets), style=plan.style, bureau=plan.bureau,
    )


def composer_for(plan: Plan, library: Library) -> Composer:
    return Composer(library, request_for(plan))


def clause_of(item: Item, library: Library) -> Clause | None:
    return library.clause(item.clause_id) if item.clause_id else None


def wording_count(item: Item, library: Library) -> int:
    clause = clause_of(item, library)
    return len(clause.wordings()) if clause else 1


def swap_wording(plan: Plan, library: Library, s: int, i: int) -> Item:
    """The next wording of the item's clause; an item the user rewrote keeps the user's text."""
    item = plan.sections[s].items[i]
    if item.edited:
        raise InputError("edited_no_swap")
    clause = clause_of(item, library)
    if clause is None or len(clause.wordings()) < 2:
        raise InputError("no_other_wording")
    new = composer_for(plan, library).render_item(clause, item.variant + 1)
    plan.sections[s].items[i] = new
    return new


def swap_heading(plan: Plan, library: Library, s: int) -> str:
    """The next wording of a section heading that comes from a heading clause."""
    section = plan.sections[s]
    clause = library.clause(section.heading_clause) if section.heading_clause else None
    if clause is None or len(clause.wordings()) < 2:
        raise InputError("no_other_wording")
    variant = (section.heading_variant + 1) % len(clause.wordings())
    section.heading = composer_for(plan, library).heading(clause, variant)
    section.heading_variant = variant
    return section.heading


def edit_item(plan: Plan, s: int, i: int, text: str) -> None:
    item = plan.sections[s].items[i]
    item.text = checked_text(text, MAX_ITEM_TEXT, "edit")
    item.edited = True
    item.review = []  # the clerk has rewritten it: what a roll-forward asked to review is answered


def checked_text(text: str, limit: int, what: str, *, one_line: bool = False) -> str:
    """A text the user typed, cleaned and stripped; ``<what>_empty`` / ``<what>_too_long``
    otherwise. Control characters (NUL …) are dropped; a ``one_line`` text (a name, a title)
    keeps no line break either."""
    value = clean_text(text, one_line=one_line).strip()
    if not value:
        raise InputError(f"{what}_empty")
    if len(value) > limit:
        raise InputError(f"{what}_too_long", limit=limit, length=len(value))
    return value


def clean_text(text: str, *, one_line: bool = False) -> str:
    """The text without control characters: line breaks and tabs become spaces in a
    ``one_line`` text and stay in a paragraph; everything else of Unicode category C* but
    the private-use area goes (NUL, escapes, zero-width and direction marks)."""
    kept: list[str] = []
    for char in text:
        if char in "\n\t":
            kept.append(" " if one_line else char)
        elif char == "\r":
            continue
        elif unicodedata.category(char)[0] != "C" or unicodedata.category(char) == "Co":
            kept.append(char)
    return "".join(kept)


def paragraphs(text: str) -> list[str]:
    """The paragraphs of a typed text: its non-empty lines, stripped."""
    return [line.strip() for line in clean_text(text).split("\n") if line.strip()]


def split_item(plan: Plan, s: int, i: int, parts: list[str]) -> None:
    """Item ``i`` takes the first part; the others become the user's own items after it, in
    order, numbered as it is."""
    if not parts:
        raise InputError("edit_empty")
    checked = [checked_text(part, MAX_ITEM_TEXT, "edit") for part in parts]
    edit_item(plan, s, i, checked[0])
    numbered = plan.sections[s].items[i].numbered
    plan.sections[s].items[i + 1 : i + 1] = [
        Item(text=part, numbered=numbered, edited=True) for part in checked[1:]
    ]


def move_item(plan: Plan, s: int, i: int, delta: int) -> int:
    """Move an item up (-1) or down (+1) within its section; the new index."""
    items = plan.sections[s].items
    j = i + delta
    if not 0 <= j < len(items):
        raise InputError("cannot_move_up" if delta < 0 else "cannot_move_down")
    items[i], items[j] = items[j], items[i]
    return j


def delete_item(plan: Plan, s: int, i: int) -> Item:
    return plan.sections[s].items.pop(i)


def restore_item(plan: Plan, section_id: str, index: int, item: Item) -> int:
    """Put a deleted item back where it was; the index of its section."""
    for s, section in enumerate(plan.sections):
        if section.id == section_id:
            section.items.insert(min(index, len(section.items)), item)
            return s
    raise InputError("undo_gone")


def addable(plan: Plan, library: Library, s: int) -> list[Clause]:
    """Clauses that fit this section and are not in it yet (optional ones included)."""
    section = plan.sections[s]
    kind = _ADDABLE.get(section.role)
    if kind is None:
        return []
    present = {item.clause_id for item in section.items}
    found: list[Clause] = []
    for topic in _source_topics(plan, library, section):
        found.extend(
            clause for clause in library.fitting(topic, kind, plan.year, plan.region.level)
            if clause.id not in present
        )
    return found


def _source_topics(plan: Plan, library: Library, section: Section) -> list[str]:
    if section.role is SectionRole.TOPIC:
        return section.topic_ids()
    kind = library.kind(plan.kind)
    if section.role is SectionRole.TARGETS:
        chosen = request_for(plan).topics
        return kind.targets_topics(chosen) if kind else chosen
    specs = kind.sections if kind else []
    return [spec.topic for spec in specs if spec.role is section.role and spec.topic]


def add_clause(plan: Plan, library: Library, s: int, clause: Clause) -> int:
    """Append the clause, rendered with the user's targets; the new item's index."""
    items = plan.sections[s].items
    items.append(composer_for(plan, library).render_item(clause))
    return len(items) - 1
