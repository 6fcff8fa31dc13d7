"""What every screen of a draft uses: the plan of a record and its numbering, the view a
screen records, saving a change, the positions a pressed button names.

Every change is saved at once with the revision the user saw (``expected_revision``); the
buttons carry that revision, so a press on a screen of an older revision is refused as stale.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from bot.compose.numbering import lines
from bot.compose.plan import Plan, SectionRole
from bot.dialogue.actions import Action
from bot.dialogue.state.draft import Screen, View
from bot.dialogue.turn import Rejected, Turn
from bot.dialogue.types import Reply
from bot.errors import PlanbotError
from bot.store.models import DraftRecord

Handler = Callable[[Turn, Action], list[Reply]]


def load_plan(record: DraftRecord) -> Plan:
    try:
        return Plan.model_validate(record.plan)
    except ValidationError as exc:
        raise PlanbotError("draft_invalid", name=record.name) from exc


@dataclass(frozen=True)
class Labels:
    """Computed numbering of a plan: section labels and item labels by position."""

    sections: dict[int, str]
    items: dict[tuple[int, int], str]

    @classmethod
    def of(cls, plan: Plan) -> Labels:
        sections: dict[int, str] = {}
        items: dict[tuple[int, int], str] = {}
        for line in lines(plan):
            if line.section >= 0 and line.item < 0:
                sections[line.section] = line.label
            elif line.item >= 0:
                items[(line.section, line.item)] = line.label
        return cls(sections, items)

    def place(self, plan: Plan, s: int, i: int) -> str:
        """Where an item is, as a reader says it: 二、（三） or 保障措施 …"""
        if s < 0:
            return ""
        section = self.sections.get(s, "") + plan.sections[s].heading
        return section + self.items.get((s, i), "") if i >= 0 else section


def record_view(
    turn: Turn, screen: Screen, record: DraftRecord, section: int = 0, item: int = 0
) -> None:
    """The screen shown becomes the session's view (for /back, /help and after an error)."""
    turn.session.view = View(screen=screen, draft_id=record.id, section=section, item=item)


def section_name(turn: Turn, plan: Plan, s: int) -> str:
    section = plan.sections[s]
    closing = section.role is SectionRole.CLOSING
    return section.heading or turn.say("closing_label" if closing else "untitled_label")


def save(
    turn: Turn, record: DraftRecord, plan: Plan | None = None, name: str = "",
    meta: dict[str, Any] | None = None,
) -> DraftRecord:
    """Store the change now; ``ConflictError`` if someone saved the draft in between."""
    editor = {"id": turn.user_id, "name": turn.event.user_name}
    update: dict[str, object] = {"meta": {**record.meta, **(meta or {}), "editor": editor}}
    if plan is not None:
        update["plan"] = plan.model_dump(mode="json")
    if name:
        update["name"] = name
    changed = record.model_copy(update=update)
    return turn.deps.store.drafts.put(changed, expected_revision=record.revision)


def check_position(plan: Plan, s: int, i: int | None = None) -> None:
    """Positions from a button must exist (they do unless the data was forged)."""
    if not 0 <= s < len(plan.sections):
        raise Rejected("button_invalid")
    if i is not None and not 0 <= i < len(plan.sections[s].items):
        raise Rejected("button_invalid")


def pressed(turn: Turn, action: Action) -> tuple[DraftRecord, Plan, int, int]:
    """The draft as the button saw it, and the section and item the button names (if any)."""
    record = turn.current(action.draft, action.ints[0])
    plan = load_plan(record)
    s, i = (*action.ints[1:], None, None)[:2]
    if s is not None:
        check_position(plan, s, i)
    return record, plan, s or 0, i or 0
