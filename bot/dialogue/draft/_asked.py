"""The text the bot asks for about a draft (a new wording, a name, a title, a value, the
region's name): the buttons that ask, the question, and applying the answer."""

from __future__ import annotations

from bot.compose.plan import Plan
from bot.compose.refine import MAX_ITEM_TEXT, MAX_NAME, checked_text, edit_item
from bot.compose.todo import REGION_KEY, FillResult, fill_region, fill_target, todo
from bot.compose.writing import MAX_HEADING
from bot.dialogue import usage
from bot.dialogue.actions import Action, Code
from bot.dialogue.codes.common import Common
from bot.dialogue.codes.draft import DraftAct
from bot.dialogue.draft import _split as split
from bot.dialogue.draft import _written as written
from bot.dialogue.draft._common import (
    Handler,
    Labels,
    check_position,
    load_plan,
    pressed,
    save,
    section_name,
)
from bot.dialogue.draft._items import item_view
from bot.dialogue.draft._list import drafts_list
from bot.dialogue.draft._overview import overview
from bot.dialogue.draft._todo import todo_view
from bot.dialogue.state.draft import InputKind, Pending
from bot.dialogue.turn import Rejected, Turn
from bot.dialogue.types import Reply
from bot.dialogue.usage import UsageEvent
from bot.errors import ConflictError
from bot.store.models import DraftRecord

MAX_TITLE = 100


def _ask_edit(turn: Turn, action: Action) -> list[Reply]:
    record, _plan, s, i = pressed(turn, action)
    return ask_for(turn, record, InputKind.EDIT, s=s, i=i)


def _ask_fill(turn: Turn, action: Action) -> list[Reply]:
    record = turn.current(action.draft, action.ints[0])
    entries = todo(load_plan(record), turn.library)
    k = action.ints[1]
    key = entries[k].key if 0 <= k < len(entries) else None
    if key is None:
        raise Rejected("button_invalid")
    kind = InputKind.REGION if key == REGION_KEY else InputKind.FILL
    return ask_for(turn, record, kind, key)


def _ask_name(kind: InputKind) -> Handler:
    def ask(turn: Turn, action: Action) -> list[Reply]:
        return ask_for(turn, turn.current(action.draft, action.ints[0]), kind)

    return ask


def ask_for(
    turn: Turn, record: DraftRecord, kind: InputKind, key: str = "", s: int = 0, i: int = 0
) -> list[Reply]:
    """Wait for a text of this kind about the draft as it is now; the question."""
    base = current_value(record, load_plan(record), kind, key, s, i)
    turn.session.pending = Pending(kind=kind, draft_id=record.id, revision=record.revision,
                                   section=s, item=i, key=key, base=base)
    return [prompt(turn)]


def current_value(
    record: DraftRecord, plan: Plan, kind: InputKind, key: str = "", s: int = 0, i: int = 0
) -> str:
    """What a text of this kind replaces (kept as ``Pending.base``; see ``_conflict``)."""
    if kind is InputKind.EDIT:
        return plan.sections[s].items[i].text
    if kind is InputKind.LEAD:
        return plan.sections[s].items[i].title
    if kind is InputKind.HEADING:
        return plan.sections[s].heading
    if kind in written.ADDITIVE:
        return ""
    if kind is InputKind.RENAME:
        return record.name
    if kind is InputKind.TITLE:
        return plan.title
    if kind is InputKind.REGION:
        return plan.region.full_name
    return plan.targets.get(key, "")


def prompt(turn: Turn) -> Reply:
    """The question for the text the bot waits for, with a 取消 button."""
    pending = turn.session.pending
    assert pending is not None
    record = turn.draft(pending.draft_id)
    plan = load_plan(record)
    params: dict[str, object] = {"kind": pending.kind.value}
    if pending.kind is InputKind.EDIT:
        check_position(plan, pending.section, pending.item)
        item = plan.sections[pending.section].items[pending.item]
        place = Labels.of(plan).place(plan, pending.section, pending.item)
        params |= {"place": place, "title": item.title, "text": item.text,
                   "limit": MAX_ITEM_TEXT}
    elif pending.kind in written.KINDS:
        params |= _writing_params(turn, plan, pending)
    elif pending.kind is InputKind.FILL:
        spec = turn.library.vars.get(pending.key)
        if spec is None:
            raise Rejected("button_invalid")
        params |= {"label": spec.label, "type": spec.type.value, "unit": spec.unit,
                   "limit": spec.max_length or 0}
    elif pending.kind is InputKind.REGION:
        params |= {"label": plan.region.full_name, "level": plan.region.level.value}
    else:
        params |= {"current": record.name if pending.kind is InputKind.RENAME else plan.title,
                   "limit": MAX_NAME if pending.kind is InputKind.RENAME else MAX_TITLE}
    cancel = turn.labelled("btn_cancel", Common.CANCEL)
    return turn.reply(turn.screen("ask_input", **params), [[cancel]], asks_text=True)


def _writing_params(turn: Turn, plan: Plan, pending: Pending) -> dict[str, object]:
    """What the question for a text of the user's own shows: where it goes, what it replaces."""
    if pending.kind is InputKind.OWN_SECTION:
        return {"limit": MAX_HEADING}
    if pending.kind is InputKind.LEAD:
        check_position(plan, pending.section, pending.item)
        item = plan.sections[pending.section].items[pending.item]
        place = Labels.of(plan).place(plan, pending.section, pending.item)
        return {"place": place, "title": item.title, "text": item.text, "limit": MAX_HEADING}
    s = written.section_of(plan, pending)
    if s is None:
        raise Rejected("button_invalid")
    limit = MAX_ITEM_TEXT if pending.kind is InputKind.OWN_ITEM else MAX_HEADING
    return {"place": Labels.of(plan).place(plan, s, -1), "heading": section_name(turn, plan, s),
            "limit": limit}


def on_input(turn: Turn, text: str) -> list[Reply]:
    """The text the bot asked for: check it, save the change, show the result."""
    pending = turn.session.pending
    assert pending is not None
    try:
        record = turn.draft(pending.draft_id)
    except Rejected:
        turn.session.pending = None
        return [drafts_list(turn, note=turn.say("draft_gone"))]
    if record.revision != pending.revision:  # conflict.on_input shows what changed
        raise ConflictError("draft_conflict", actual=record.revision)
    offer = split.offer(turn, record, pending, text)
    if offer is not None:  # longer than one item: split at its paragraphs?
        return [offer]
    plan = load_plan(record)
    reply = _apply(turn, record, plan, pending, text)
    turn.session.pending = None
    return [reply]


def _apply(turn: Turn, record: DraftRecord, plan: Plan, pending: Pending, text: str) -> Reply:
    if pending.kind in written.KINDS:
        return written.apply(turn, record, plan, pending, text)
    if pending.kind is InputKind.EDIT:
        check_position(plan, pending.section, pending.item)
        edit_item(plan, pending.section, pending.item, text)
        record = save(turn, record, plan)
        usage.record(turn, UsageEvent.EDITED, plan.sections[pending.section].items[pending.item]
                     .clause_id)
        return item_view(turn, record, pending.section, pending.item, note=turn.say("edited"))
    if pending.kind is InputKind.RENAME:
        record = save(turn, record, name=checked_text(text, MAX_NAME, "name", one_line=True))
        return overview(turn, record, note=turn.say("renamed"))
    if pending.kind is InputKind.TITLE:
        plan.title = checked_text(text, MAX_TITLE, "title", one_line=True)
        record = save(turn, record, plan)
        return overview(turn, record, note=turn.say("title_changed"))
    if pending.kind is InputKind.REGION:
        result = fill_region(plan, turn.library, text)
    else:
        result = fill_target(plan, turn.library, pending.key, text)
    record = save(turn, record, plan)
    return todo_view(turn, record, note=_filled(turn, plan, result))


def _filled(turn: Turn, plan: Plan, result: FillResult) -> str:
    labels = Labels.of(plan)
    by_hand = [labels.place(plan, s, i) for s, i in result.by_hand]
    return turn.say("filled", updated=result.updated, by_hand=by_hand)


PRESSES: dict[Code, Handler] = {
    DraftAct.EDIT: _ask_edit,
    DraftAct.FILL: _ask_fill,
    DraftAct.RENAME: _ask_name(InputKind.RENAME),
    DraftAct.TITLE: _ask_name(InputKind.TITLE),
}
