"""The to-do list of a draft: every 【待填】 left, where it is, a button to fill or fix it."""

from __future__ import annotations

from bot.compose.plan import Plan
from bot.compose.todo import REGION_KEY, TodoEntry, todo
from bot.dialogue.actions import Action, Code
from bot.dialogue.codes.draft import DraftAct
from bot.dialogue.draft._common import Handler, Labels, load_plan, pressed, record_view
from bot.dialogue.layout import short
from bot.dialogue.state.draft import Screen
from bot.dialogue.turn import Turn, revision_tag, rows
from bot.dialogue.types import Button, Reply
from bot.store.models import DraftRecord

MAX_TODO_BUTTONS = 12


def todo_view(turn: Turn, record: DraftRecord, *, note: str = "") -> Reply:
    plan = load_plan(record)
    record_view(turn, Screen.TODO, record)
    labels = Labels.of(plan)
    rev = revision_tag(record)
    entries = todo(plan, turn.library)
    listed = [_todo_line(turn, plan, labels, entry) for entry in entries]
    buttons = [
        _todo_button(turn, record, rev, plan, labels, k, entry)
        for k, entry in enumerate(entries[:MAX_TODO_BUTTONS])
    ]
    text = turn.screen("todo", note=note, entries=listed, more=len(entries) > MAX_TODO_BUTTONS)
    back = [turn.labelled("btn_overview", DraftAct.OPEN, record.id)]
    return turn.reply(text, [*rows(buttons, 1), back])


def _todo_line(turn: Turn, plan: Plan, labels: Labels, entry: TodoEntry) -> dict[str, object]:
    places = [labels.place(plan, s, i) or turn.say("title_place") for s, i in entry.places]
    return {"label": entry.label, "fillable": entry.key is not None,
            "region": entry.key == REGION_KEY, "places": places}


def _todo_button(
    turn: Turn, record: DraftRecord, rev: int, plan: Plan, labels: Labels, k: int,
    entry: TodoEntry,
) -> Button:
    if entry.key is not None:
        return turn.labelled("btn_fill", DraftAct.FILL, record.id, rev, k,
                             label=short(entry.label, 16))
    s, i = entry.places[0]
    if s < 0:
        return turn.labelled("btn_fix_title", DraftAct.TITLE, record.id, rev)
    place = short(labels.place(plan, s, i), 16)
    if i < 0:
        return turn.labelled("btn_fix", DraftAct.SECTION, record.id, rev, s, place=place)
    return turn.labelled("btn_fix", DraftAct.ITEM, record.id, rev, s, i, place=place)


def _todo(turn: Turn, action: Action) -> list[Reply]:
    record, _plan, _, _ = pressed(turn, action)
    return [todo_view(turn, record)]


PRESSES: dict[Code, Handler] = {
    DraftAct.TODO: _todo,
}
