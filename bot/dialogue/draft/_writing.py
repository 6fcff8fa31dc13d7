"""The buttons of what a clerk writes and arranges themselves: 写一条 (an item of their own),
新增一节, 改小标题, 改节标题 (these ask for a text, ``_written`` applies it), 恢复条款库原文, the
numbering style, and an item moved to a place in one step (移到第…位, a button per place or the
place's number typed)."""

from __future__ import annotations

from bot.compose.plan import SectionRole
from bot.compose.refine import clause_of
from bot.compose.writing import (
    move_item_to,
    move_section_to,
    restore_wording,
    section_places,
    set_style,
)
from bot.dialogue.actions import Action, Code
from bot.dialogue.codes.draft import DraftAct
from bot.dialogue.draft import _asked as asked
from bot.dialogue.draft._common import (
    Handler,
    check_position,
    load_plan,
    pressed,
    record_view,
    save,
)
from bot.dialogue.draft._items import item_view, section_view
from bot.dialogue.draft._overview import STYLES, overview
from bot.dialogue.state.draft import InputKind, Screen
from bot.dialogue.turn import Rejected, Turn, revision_tag, rows
from bot.dialogue.types import Reply
from bot.store.models import DraftRecord

PLACES_PER_ROW = 5


def _ask_own_item(turn: Turn, action: Action) -> list[Reply]:
    record, plan, s, _ = pressed(turn, action)
    _shown(plan.sections[s].role is not SectionRole.GROUP)
    return asked.ask_for(turn, record, InputKind.OWN_ITEM, key=plan.sections[s].id, s=s)


def _ask_own_section(turn: Turn, action: Action) -> list[Reply]:
    record = turn.current(action.draft, action.ints[0])
    return asked.ask_for(turn, record, InputKind.OWN_SECTION)


def _ask_lead(turn: Turn, action: Action) -> list[Reply]:
    record, _plan, s, i = pressed(turn, action)
    return asked.ask_for(turn, record, InputKind.LEAD, s=s, i=i)


def _ask_heading(turn: Turn, action: Action) -> list[Reply]:
    record, plan, s, _ = pressed(turn, action)
    _shown(plan.sections[s].role is not SectionRole.CLOSING)
    return asked.ask_for(turn, record, InputKind.HEADING, key=plan.sections[s].id, s=s)


def _shown(condition: bool) -> None:
    """The screen had this button only where ``condition`` holds (else the data was forged)."""
    if not condition:
        raise Rejected("button_invalid")


def _restore(turn: Turn, action: Action) -> list[Reply]:
    record, plan, s, i = pressed(turn, action)
    item = plan.sections[s].items[i]
    _shown(item.edited and clause_of(item, turn.library) is not None)
    restore_wording(plan, turn.library, s, i)
    record = save(turn, record, plan)
    return [item_view(turn, record, s, i, note=turn.say("wording_restored"))]


def _style(turn: Turn, action: Action) -> list[Reply]:
    record = turn.current(action.draft, action.ints[0])
    k = action.ints[1]
    plan = load_plan(record)
    _shown(0 <= k < len(STYLES) and STYLES[k] is not plan.style)
    set_style(plan, STYLES[k])
    record = save(turn, record, plan)
    return [overview(turn, record, note=turn.say("style_changed", style=STYLES[k].value))]


def move_menu(turn: Turn, record: DraftRecord, s: int, i: int) -> Reply:
    """The places of the section the item can go to: a button each, its number (its own place
    is not one); the number typed presses it."""
    plan = load_plan(record)
    record_view(turn, Screen.MOVE, record, s, i)
    rev = revision_tag(record)
    count = len(plan.sections[s].items)
    places = [turn.labelled("btn_move_place", DraftAct.MOVE_TO, record.id, rev, s, i, j, n=j + 1)
              for j in range(count) if j != i]
    back = [turn.labelled("btn_item_back", DraftAct.ITEM, record.id, rev, s, i)]
    text = turn.screen("move_to", place=i + 1, count=count)
    return turn.reply(text, [*rows(places, PLACES_PER_ROW), back], asks_text=True)


def _move_menu(turn: Turn, action: Action) -> list[Reply]:
    record, _plan, s, i = pressed(turn, action)
    return [move_menu(turn, record, s, i)]


def _move_to(turn: Turn, action: Action) -> list[Reply]:
    record, plan, s, i = pressed(turn, action)
    j = action.ints[3]
    if not 0 <= j < len(plan.sections[s].items) or j == i:  # not a button the screen had
        raise Rejected("button_invalid")
    return [moved(turn, record, s, i, j)]


def moved(turn: Turn, record: DraftRecord, s: int, i: int, j: int) -> Reply:
    plan = load_plan(record)
    move_item_to(plan, s, i, j)
    record = save(turn, record, plan)
    return item_view(turn, record, s, j, note=turn.say("moved_to", n=j + 1))


def section_move_menu(turn: Turn, record: DraftRecord, s: int) -> Reply:
    """The places among the task sections around it the section can take: a button each."""
    plan = load_plan(record)
    record_view(turn, Screen.SECTION_MOVE, record, s)
    rev = revision_tag(record)
    places = section_places(plan, s)
    here = places.index(s) if s in places else -1
    picks = [turn.labelled("btn_move_place", DraftAct.SECTION_TO, record.id, rev, s, k, n=k + 1)
             for k in range(len(places)) if k != here]
    back = [turn.labelled("btn_section_back", DraftAct.SECTION, record.id, rev, s)]
    text = turn.screen("section_move", place=here + 1, count=len(places),
                       headings=[plan.sections[k].heading for k in places])
    return turn.reply(text, [*rows(picks, PLACES_PER_ROW), back], asks_text=True)


def _section_places(turn: Turn, action: Action) -> list[Reply]:
    record, plan, s, _ = pressed(turn, action)
    _shown(len(section_places(plan, s)) > 1)
    return [section_move_menu(turn, record, s)]


def _section_to(turn: Turn, action: Action) -> list[Reply]:
    record = turn.current(action.draft, action.ints[0])
    plan = load_plan(record)
    s, k = action.ints[1], action.ints[2]
    check_position(plan, s)
    places = section_places(plan, s)
    _shown(0 <= k < len(places) and places[k] != s)
    t = move_section_to(plan, s, k)
    record = save(turn, record, plan)
    return [section_view(turn, record, t, note=turn.say("section_moved", n=k + 1))]


PRESSES: dict[Code, Handler] = {
    DraftAct.OWN_ITEM: _ask_own_item,
    DraftAct.OWN_SECTION: _ask_own_section,
    DraftAct.LEAD: _ask_lead,
    DraftAct.HEADING_TEXT: _ask_heading,
    DraftAct.RESTORE: _restore,
    DraftAct.NUMBERING: _style,
    DraftAct.MOVE_MENU: _move_menu,
    DraftAct.MOVE_TO: _move_to,
    DraftAct.SECTION_PLACES: _section_places,
    DraftAct.SECTION_TO: _section_to,
}
