"""Clauses to add to a section (those that fit and are not in it yet), and adding one."""

from __future__ import annotations

from bot.compose.refine import add_clause, addable
from bot.dialogue import usage
from bot.dialogue.actions import Action, Code
from bot.dialogue.codes.draft import DraftAct
from bot.dialogue.draft._common import (
    Handler,
    check_position,
    load_plan,
    pressed,
    record_view,
    save,
    section_name,
)
from bot.dialogue.draft._items import item_view
from bot.dialogue.layout import LABEL, short
from bot.dialogue.state.draft import Screen
from bot.dialogue.turn import Rejected, Turn, revision_tag, rows
from bot.dialogue.types import Reply
from bot.dialogue.usage import UsageEvent
from bot.store.models import DraftRecord


def add_menu(turn: Turn, record: DraftRecord, s: int) -> Reply:
    plan = load_plan(record)
    record_view(turn, Screen.ADD, record, s)
    rev = revision_tag(record)
    offers = addable(plan, turn.library, s)
    listed = [{"title": c.title, "optional": not c.default} for c in offers]
    picks = [
        turn.button(short(clause.title or clause.id, LABEL), DraftAct.ADD, record.id, rev, s, k)
        for k, clause in enumerate(offers)
    ]
    text = turn.screen("add", heading=section_name(turn, plan, s), offers=listed)
    back = [turn.labelled("btn_section_back", DraftAct.SECTION, record.id, rev, s)]
    return turn.reply(text, [*rows(picks, 1), back])


def _add_menu(turn: Turn, action: Action) -> list[Reply]:
    record, _plan, s, _ = pressed(turn, action)
    return [add_menu(turn, record, s)]


def _add(turn: Turn, action: Action) -> list[Reply]:
    record = turn.current(action.draft, action.ints[0])
    plan = load_plan(record)
    s, k = action.ints[1], action.ints[2]
    check_position(plan, s)
    offers = addable(plan, turn.library, s)
    if not 0 <= k < len(offers):
        raise Rejected("button_invalid")
    i = add_clause(plan, turn.library, s, offers[k])
    record = save(turn, record, plan)
    usage.record(turn, UsageEvent.INSERTED, offers[k].id)
    return [item_view(turn, record, s, i, note=turn.say("added"))]


PRESSES: dict[Code, Handler] = {
    DraftAct.ADD_MENU: _add_menu,
    DraftAct.ADD: _add,
}
