"""A section and an item of a draft, and what their buttons do: open, swap the wording, move,
delete and undo, the heading's next wording, 换成新措辞."""

from __future__ import annotations

from bot.compose.plan import Plan, Section, SectionRole
from bot.compose.refine import (
    addable,
    clause_of,
    delete_item,
    move_item,
    restore_item,
    swap_heading,
    swap_wording,
    wording_count,
)
from bot.compose.tasks import holds_tasks
from bot.compose.writing import section_places
from bot.dialogue import usage
from bot.dialogue.actions import Action, Code
from bot.dialogue.codes.draft import DraftAct
from bot.dialogue.codes.offices import OfficeAct
from bot.dialogue.draft._common import (
    Handler,
    Labels,
    load_plan,
    pressed,
    record_view,
    save,
    section_name,
)
from bot.dialogue.draft._wordings import newer_item, taken_meta
from bot.dialogue.layout import LABEL, short
from bot.dialogue.state.draft import Screen, Undo
from bot.dialogue.state.offices import Unit
from bot.dialogue.turn import Rejected, Turn, revision_tag, rows
from bot.dialogue.types import Button, Reply
from bot.dialogue.usage import UsageEvent
from bot.store.models import DraftRecord

EXCERPT = 40


def section_view(turn: Turn, record: DraftRecord, s: int, *, note: str = "") -> Reply:
    plan = load_plan(record)
    record_view(turn, Screen.SECTION, record, s)
    labels = Labels.of(plan)
    section = plan.sections[s]
    rev = revision_tag(record)
    items = [
        {"label": labels.items.get((s, i), ""), "title": item.title,
         "excerpt": short(item.text, EXCERPT), "edited": item.edited}
        for i, item in enumerate(section.items)
    ]
    open_item = [
        turn.button(short(f"{labels.items.get((s, i), '')}{item.title or item.text}", LABEL),
                    DraftAct.ITEM, record.id, rev, s, i)
        for i, item in enumerate(section.items)
    ]
    tools = []
    undo = turn.session.undo
    if undo and undo.draft_id == record.id and undo.section_id == section.id:
        tools.append(turn.labelled("btn_undo", DraftAct.UNDO, record.id, rev))
    if addable(plan, turn.library, s):
        tools.append(turn.labelled("btn_add", DraftAct.ADD_MENU, record.id, rev, s))
    text = turn.screen("section", note=note, label=labels.sections.get(s, ""),
                       heading=section_name(turn, plan, s), items=items)
    back = [turn.labelled("btn_overview", DraftAct.OPEN, record.id)]
    offices = office_buttons(turn, record, section, s)
    return turn.reply(text, [*rows(open_item, 1), tools, *_writing(turn, record, plan, s), offices,
                             back])


def _writing(turn: Turn, record: DraftRecord, plan: Plan, s: int) -> list[list[Button]]:
    """A section's buttons for the clerk's own: an item, the heading, the section's place."""
    section = plan.sections[s]
    rev = revision_tag(record)
    own, heading = [], []
    if section.role is not SectionRole.GROUP:
        own.append(turn.labelled("btn_own_item", DraftAct.OWN_ITEM, record.id, rev, s))
    if len(section_places(plan, s)) > 1:
        own.append(turn.labelled("btn_section_move", DraftAct.SECTION_PLACES, record.id, rev, s))
    if section.role is not SectionRole.CLOSING:
        heading.append(turn.labelled("btn_heading_text", DraftAct.HEADING_TEXT, record.id, rev, s))
    clause = turn.library.clause(section.heading_clause) if section.heading_clause else None
    if clause is not None and len(clause.wordings()) > 1:
        heading.append(turn.labelled("btn_heading", DraftAct.HEADING, record.id, rev, s))
    return [own, heading]


def office_buttons(turn: Turn, record: DraftRecord, section: Section, s: int) -> list[Button]:
    """牵头科室 and 配合单位 of a section that holds tasks (``bot.dialogue.offices``): 设置牵头科室,
    or 牵头科室：办公室 once set."""
    if not holds_tasks(section):
        return []
    return [turn.labelled(f"btn_office_{unit.value}", OfficeAct.CHOOSE, record.id,
                          revision_tag(record), s, k, name=getattr(section, unit.value) or "")
            for k, unit in enumerate(Unit)]


def item_view(turn: Turn, record: DraftRecord, s: int, i: int, *, note: str = "") -> Reply:
    plan = load_plan(record)
    record_view(turn, Screen.ITEM, record, s, i)
    labels = Labels.of(plan)
    item = plan.sections[s].items[i]
    rev = revision_tag(record)
    count = wording_count(item, turn.library)
    edit = [turn.labelled("btn_edit", DraftAct.EDIT, record.id, rev, s, i),
            turn.labelled("btn_lead", DraftAct.LEAD, record.id, rev, s, i)]
    if count > 1 and not item.edited:  # a swap would throw away the user's own text
        edit.insert(0, turn.labelled("btn_swap", DraftAct.SWAP, record.id, rev, s, i))
    library = clause_of(item, turn.library) is not None
    restore = [turn.labelled("btn_restore", DraftAct.RESTORE, record.id, rev, s, i)
               ] if item.edited and library else []
    move = [turn.labelled("btn_up", DraftAct.UP, record.id, rev, s, i),
            turn.labelled("btn_down", DraftAct.DOWN, record.id, rev, s, i)]
    if len(plan.sections[s].items) > 2:
        move.append(turn.labelled("btn_move_to", DraftAct.MOVE_MENU, record.id, rev, s, i))
    move.append(turn.labelled("btn_delete", DraftAct.DELETE, record.id, rev, s, i))
    back = [turn.labelled("btn_section_back", DraftAct.SECTION, record.id, rev, s)]
    newer = newer_item(turn, record, plan, s, i)
    take = [turn.labelled("btn_take_newer", DraftAct.TAKE_NEWER, record.id, rev, s, i)
            ] if newer else []
    text = turn.screen(
        "item", note=note, section=labels.place(plan, s, -1), label=labels.items.get((s, i), ""),
        title=item.title, text=item.text, edited=item.edited, library=library,
        variant=item.variant + 1,
        variants=count,
        newer={"title": newer.wording.title, "text": newer.wording.text,
               "revision": newer.revision} if newer else None,
    )
    return turn.reply(text, [take, edit, restore, move, back])


def _section(turn: Turn, action: Action) -> list[Reply]:
    record, _plan, s, _ = pressed(turn, action)
    return [section_view(turn, record, s)]


def _item(turn: Turn, action: Action) -> list[Reply]:
    record, _plan, s, i = pressed(turn, action)
    return [item_view(turn, record, s, i)]


def _swap(turn: Turn, action: Action) -> list[Reply]:
    record, plan, s, i = pressed(turn, action)
    old = plan.sections[s].items[i].clause_id
    item = swap_wording(plan, turn.library, s, i)
    record = save(turn, record, plan)
    usage.record(turn, UsageEvent.SWAPPED_AWAY, old)
    return [item_view(turn, record, s, i, note=turn.say("swapped", n=item.variant + 1))]


def _move(turn: Turn, action: Action) -> list[Reply]:
    record, plan, s, i = pressed(turn, action)
    up = action.act is DraftAct.UP
    j = move_item(plan, s, i, -1 if up else 1)
    record = save(turn, record, plan)
    return [item_view(turn, record, s, j, note=turn.say("moved_up" if up else "moved_down"))]


def _delete(turn: Turn, action: Action) -> list[Reply]:
    record, plan, s, i = pressed(turn, action)
    item = delete_item(plan, s, i)
    record = save(turn, record, plan)
    usage.record(turn, UsageEvent.SWAPPED_AWAY, item.clause_id)  # removed: swapped for nothing
    turn.session.undo = Undo(draft_id=record.id, section_id=plan.sections[s].id, index=i, item=item)
    return [section_view(turn, record, s, note=turn.say("deleted"))]


def _undo(turn: Turn, action: Action) -> list[Reply]:
    record, plan, _, _ = pressed(turn, action)
    undo = turn.session.undo
    if undo is None or undo.draft_id != record.id:
        raise Rejected("button_invalid")
    s = restore_item(plan, undo.section_id, undo.index, undo.item)
    record = save(turn, record, plan)
    turn.session.undo = None
    return [section_view(turn, record, s, note=turn.say("restored"))]


def _heading(turn: Turn, action: Action) -> list[Reply]:
    record, plan, s, _ = pressed(turn, action)
    swap_heading(plan, turn.library, s)
    record = save(turn, record, plan)
    return [section_view(turn, record, s, note=turn.say("heading_swapped"))]


def _take_newer(turn: Turn, action: Action) -> list[Reply]:
    """换成新措辞: the item gets its clause's current wording (the user's edits are replaced)."""
    record, plan, s, i = pressed(turn, action)
    newer = newer_item(turn, record, plan, s, i)
    if newer is None:
        raise Rejected("button_invalid")
    plan.sections[s].items[i] = newer.wording
    record = save(turn, record, plan, meta=taken_meta(turn, record, plan))
    return [item_view(turn, record, s, i, note=turn.say("newer_taken"))]


PRESSES: dict[Code, Handler] = {
    DraftAct.SECTION: _section,
    DraftAct.ITEM: _item,
    DraftAct.SWAP: _swap,
    DraftAct.UP: _move,
    DraftAct.DOWN: _move,
    DraftAct.DELETE: _delete,
    DraftAct.UNDO: _undo,
    DraftAct.HEADING: _heading,
    DraftAct.TAKE_NEWER: _take_newer,
}
