"""Applying a text the clerk wrote themselves (``Session.pending`` of the writing kinds): an item
of their own, a new section's heading, an item's lead, a section's heading.

A section is named by its id (``Pending.key``) as well as its place, so a text typed while a
collaborator added a section still goes where the user asked for it (``_conflict``).
"""

from __future__ import annotations

from bot.compose.plan import Plan
from bot.compose.refine import MAX_ITEM_TEXT, checked_text
from bot.compose.writing import MAX_HEADING, add_own_item, add_own_section, set_heading, set_lead
from bot.dialogue.draft._common import check_position, save
from bot.dialogue.draft._items import item_view, section_view
from bot.dialogue.state.draft import InputKind, Pending
from bot.dialogue.turn import Rejected, Turn
from bot.dialogue.types import Reply
from bot.store.models import DraftRecord

KINDS = frozenset({InputKind.OWN_ITEM, InputKind.OWN_SECTION, InputKind.LEAD, InputKind.HEADING})
ADDITIVE = frozenset({InputKind.OWN_ITEM, InputKind.OWN_SECTION})  # replace nothing
BY_SECTION = frozenset({InputKind.OWN_ITEM, InputKind.HEADING})  # ``key``: the section's id


def section_of(plan: Plan, pending: Pending) -> int | None:
    """Where the section the text is for is now (by its id); ``None`` if it is gone."""
    return next((s for s, section in enumerate(plan.sections) if section.id == pending.key), None)


def check(pending: Pending, text: str) -> None:
    """The text must be one that could be applied (else the usual error)."""
    if pending.kind is InputKind.OWN_ITEM:
        checked_text(text, MAX_ITEM_TEXT, "edit")
    elif pending.kind is InputKind.LEAD:
        checked_text(text, MAX_HEADING, "lead", one_line=True)
    else:
        checked_text(text, MAX_HEADING, "heading", one_line=True)


def apply(turn: Turn, record: DraftRecord, plan: Plan, pending: Pending, text: str) -> Reply:
    if pending.kind is InputKind.OWN_SECTION:
        added = add_own_section(plan, text)
        record = save(turn, record, plan)
        return section_view(turn, record, added, note=turn.say("own_section_added"))
    if pending.kind is InputKind.LEAD:
        check_position(plan, pending.section, pending.item)
        set_lead(plan, pending.section, pending.item, text)
        record = save(turn, record, plan)
        return item_view(turn, record, pending.section, pending.item, note=turn.say("lead_set"))
    s = section_of(plan, pending)
    if s is None:
        raise Rejected("button_invalid")
    if pending.kind is InputKind.HEADING:
        set_heading(plan, s, text)
        record = save(turn, record, plan)
        return section_view(turn, record, s, note=turn.say("heading_set"))
    return add_items(turn, record, plan, s, [text])


def add_items(turn: Turn, record: DraftRecord, plan: Plan, s: int, texts: list[str]) -> Reply:
    """The user's own items at the end of section ``s`` (one, or a text's paragraphs)."""
    i = add_own_item(plan, s, texts)
    record = save(turn, record, plan)
    note = turn.say("own_item_added", count=len(texts))
    return item_view(turn, record, s, i, note=note)
