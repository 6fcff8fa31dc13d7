"""Presses on a draft (the refine operations) and the texts the bot asked for (edit, name, fill).

Every change is saved at once with the revision the user saw (``expected_revision``); the
buttons carry that revision, so a press on a screen of an older revision is refused as stale.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.compose.plan import Plan
from bot.compose.refine import (
    MAX_ITEM_TEXT,
    MAX_NAME,
    add_clause,
    addable,
    checked_text,
    delete_item,
    edit_item,
    move_item,
    restore_item,
    swap_heading,
    swap_wording,
)
from bot.compose.todo import REGION_KEY, FillResult, fill_region, fill_target, todo
from bot.dialogue import usage
from bot.dialogue.actions import Act, Action
from bot.dialogue.draft._export import export_document
from bot.dialogue.draft._list import drafts_list
from bot.dialogue.draft._views import (
    EXPORT_FORMATS,
    Labels,
    add_menu,
    export_menu,
    item_view,
    load_plan,
    overview,
    section_view,
    todo_view,
)
from bot.dialogue.draft._wordings import newer_item, taken_meta
from bot.dialogue.state.draft import InputKind, Pending, Undo
from bot.dialogue.turn import Rejected, Turn
from bot.dialogue.types import Reply
from bot.dialogue.usage import UsageEvent
from bot.errors import ConflictError
from bot.export.text import plan_to_text
from bot.store.models import DraftRecord

MAX_TITLE = 100
Handler = Callable[[Turn, Action], list[Reply]]


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


def _check(plan: Plan, s: int, i: int | None = None) -> None:
    """Positions from a button must exist (they do unless the data was forged)."""
    if not 0 <= s < len(plan.sections):
        raise Rejected("button_invalid")
    if i is not None and not 0 <= i < len(plan.sections[s].items):
        raise Rejected("button_invalid")


def _target(turn: Turn, action: Action) -> tuple[DraftRecord, Plan, int, int]:
    """The draft as the button saw it, and the section and item the button names (if any)."""
    record = turn.current(action.draft, action.ints[0])
    plan = load_plan(record)
    s, i = (*action.ints[1:], None, None)[:2]
    if s is not None:
        _check(plan, s, i)
    return record, plan, s or 0, i or 0


def _section(turn: Turn, action: Action) -> list[Reply]:
    record, _plan, s, _ = _target(turn, action)
    return [section_view(turn, record, s)]


def _item(turn: Turn, action: Action) -> list[Reply]:
    record, _plan, s, i = _target(turn, action)
    return [item_view(turn, record, s, i)]


def _swap(turn: Turn, action: Action) -> list[Reply]:
    record, plan, s, i = _target(turn, action)
    old = plan.sections[s].items[i].clause_id
    item = swap_wording(plan, turn.library, s, i)
    record = save(turn, record, plan)
    usage.record(turn, UsageEvent.SWAPPED_AWAY, old)
    return [item_view(turn, record, s, i, note=turn.say("swapped", n=item.variant + 1))]


def _move(turn: Turn, action: Action) -> list[Reply]:
    record, plan, s, i = _target(turn, action)
    up = action.act is Act.UP
    j = move_item(plan, s, i, -1 if up else 1)
    record = save(turn, record, plan)
    return [item_view(turn, record, s, j, note=turn.say("moved_up" if up else "moved_down"))]


def _delete(turn: Turn, action: Action) -> list[Reply]:
    record, plan, s, i = _target(turn, action)
    item = delete_item(plan, s, i)
    record = save(turn, record, plan)
    usage.record(turn, UsageEvent.SWAPPED_AWAY, item.clause_id)  # removed: swapped for nothing
    turn.session.undo = Undo(draft_id=record.id, section_id=plan.sections[s].id, index=i, item=item)
    return [section_view(turn, record, s, note=turn.say("deleted"))]


def _undo(turn: Turn, action: Action) -> list[Reply]:
    record, plan, _, _ = _target(turn, action)
    undo = turn.session.undo
    if undo is None or undo.draft_id != record.id:
        raise Rejected("button_invalid")
    s = restore_item(plan, undo.section_id, undo.index, undo.item)
    record = save(turn, record, plan)
    turn.session.undo = None
    return [section_view(turn, record, s, note=turn.say("restored"))]


def _heading(turn: Turn, action: Action) -> list[Reply]:
    record, plan, s, _ = _target(turn, action)
    swap_heading(plan, turn.library, s)
    record = save(turn, record, plan)
    return [section_view(turn, record, s, note=turn.say("heading_swapped"))]


def _take_newer(turn: Turn, action: Action) -> list[Reply]:
    """换成新措辞: the item gets its clause's current wording (the user's edits are replaced)."""
    record, plan, s, i = _target(turn, action)
    newer = newer_item(turn, record, plan, s, i)
    if newer is None:
        raise Rejected("button_invalid")
    plan.sections[s].items[i] = newer.wording
    record = save(turn, record, plan, meta=taken_meta(turn, record, plan))
    return [item_view(turn, record, s, i, note=turn.say("newer_taken"))]


def _add_menu(turn: Turn, action: Action) -> list[Reply]:
    record, _plan, s, _ = _target(turn, action)
    return [add_menu(turn, record, s)]


def _add(turn: Turn, action: Action) -> list[Reply]:
    record = turn.current(action.draft, action.ints[0])
    plan = load_plan(record)
    s, k = action.ints[1], action.ints[2]
    _check(plan, s)
    offers = addable(plan, turn.library, s)
    if not 0 <= k < len(offers):
        raise Rejected("button_invalid")
    i = add_clause(plan, turn.library, s, offers[k])
    record = save(turn, record, plan)
    usage.record(turn, UsageEvent.INSERTED, offers[k].id)
    return [item_view(turn, record, s, i, note=turn.say("added"))]


def _preview(turn: Turn, action: Action) -> list[Reply]:
    record = turn.draft(action.draft)
    plan = load_plan(record)
    menu = turn.reply(turn.say("preview_done"), [[
        turn.labelled("btn_overview", Act.OPEN, record.id),
        turn.labelled("btn_export", Act.EXPORT_MENU, record.id),
    ]], edit=False)
    return [Reply(text=plan_to_text(plan)), menu]


def _todo(turn: Turn, action: Action) -> list[Reply]:
    record, _plan, _, _ = _target(turn, action)
    return [todo_view(turn, record)]


def _export_menu(turn: Turn, action: Action) -> list[Reply]:
    return [export_menu(turn, turn.draft(action.draft))]


def _export(turn: Turn, action: Action) -> list[Reply]:
    record = turn.draft(action.draft)
    index = action.ints[0]
    if not 0 <= index < len(EXPORT_FORMATS):
        raise Rejected("button_invalid")
    document = export_document(turn, load_plan(record), EXPORT_FORMATS[index])
    menu = export_menu(turn, record, sent=document.filename)
    caption = Reply(text=turn.say("exported", filename=document.filename), documents=[document])
    return [menu, caption]


def _ask_edit(turn: Turn, action: Action) -> list[Reply]:
    record, _plan, s, i = _target(turn, action)
    return _prompt_for(turn, record, InputKind.EDIT, s=s, i=i)


def _ask_fill(turn: Turn, action: Action) -> list[Reply]:
    record = turn.current(action.draft, action.ints[0])
    entries = todo(load_plan(record), turn.library)
    k = action.ints[1]
    key = entries[k].key if 0 <= k < len(entries) else None
    if key is None:
        raise Rejected("button_invalid")
    kind = InputKind.REGION if key == REGION_KEY else InputKind.FILL
    return _prompt_for(turn, record, kind, key)


def _ask_name(kind: InputKind) -> Handler:
    def ask(turn: Turn, action: Action) -> list[Reply]:
        return _prompt_for(turn, turn.current(action.draft, action.ints[0]), kind)

    return ask


def _prompt_for(
    turn: Turn, record: DraftRecord, kind: InputKind, key: str = "", s: int = 0, i: int = 0
) -> list[Reply]:
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
        _check(plan, pending.section, pending.item)
        item = plan.sections[pending.section].items[pending.item]
        place = Labels.of(plan).place(plan, pending.section, pending.item)
        params |= {"place": place, "title": item.title, "text": item.text,
                   "limit": MAX_ITEM_TEXT}
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
    cancel = turn.labelled("btn_cancel", Act.CANCEL)
    return turn.reply(turn.screen("ask_input", **params), [[cancel]])


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
    plan = load_plan(record)
    reply = _apply(turn, record, plan, pending, text)
    turn.session.pending = None
    return [reply]


def _apply(turn: Turn, record: DraftRecord, plan: Plan, pending: Pending, text: str) -> Reply:
    if pending.kind is InputKind.EDIT:
        _check(plan, pending.section, pending.item)
        edit_item(plan, pending.section, pending.item, text)
        record = save(turn, record, plan)
        usage.record(turn, UsageEvent.EDITED, plan.sections[pending.section].items[pending.item]
                     .clause_id)
        return item_view(turn, record, pending.section, pending.item, note=turn.say("edited"))
    if pending.kind is InputKind.RENAME:
        record = save(turn, record, name=checked_text(text, MAX_NAME, "name"))
        return overview(turn, record, note=turn.say("renamed"))
    if pending.kind is InputKind.TITLE:
        plan.title = checked_text(text, MAX_TITLE, "title")
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


HANDLERS: dict[Act, Handler] = {
    Act.SECTION: _section,
    Act.ITEM: _item,
    Act.SWAP: _swap,
    Act.EDIT: _ask_edit,
    Act.UP: _move,
    Act.DOWN: _move,
    Act.DELETE: _delete,
    Act.UNDO: _undo,
    Act.HEADING: _heading,
    Act.ADD_MENU: _add_menu,
    Act.ADD: _add,
    Act.TAKE_NEWER: _take_newer,
    Act.PREVIEW: _preview,
    Act.TODO: _todo,
    Act.FILL: _ask_fill,
    Act.EXPORT_MENU: _export_menu,
    Act.EXPORT: _export,
    Act.RENAME: _ask_name(InputKind.RENAME),
    Act.TITLE: _ask_name(InputKind.TITLE),
}


def on_button(turn: Turn, action: Action) -> list[Reply]:
    return HANDLERS[action.act](turn, action)
