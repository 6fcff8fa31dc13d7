"""/drafts: the user's drafts, newest first; open, copy, delete (confirmed); the view again."""

from __future__ import annotations

from typing import Any

from bot.compose.refine import MAX_NAME
from bot.dialogue.actions import Act, Action
from bot.dialogue.draft._views import (
    add_menu,
    confirm_drop,
    export_menu,
    item_view,
    load_plan,
    overview,
    section_view,
    todo_view,
)
from bot.dialogue.layout import DISPLAY_TZ, LABEL, short
from bot.dialogue.state.draft import Screen, View
from bot.dialogue.turn import Rejected, Turn, rows
from bot.dialogue.types import Reply
from bot.errors import InputError
from bot.store.models import DraftRecord


def drafts_list(turn: Turn, page: int = 0, *, note: str = "") -> Reply:
    records = turn.deps.store.drafts.list_for(turn.user_id)
    size = turn.deps.page_size
    pages = max(1, -(-len(records) // size))
    page = min(page, pages - 1)
    turn.session.view = View(screen=Screen.LIST, page=page)
    shown = records[page * size : (page + 1) * size]
    listed = [_entry(turn, record) for record in shown]
    opens = [turn.button(short(r.name, LABEL), Act.OPEN, r.id) for r in shown]
    paging = []
    if page > 0:
        paging.append(turn.labelled("btn_prev_page", Act.LIST, page - 1))
    if page < pages - 1:
        paging.append(turn.labelled("btn_next_page", Act.LIST, page + 1))
    start = [turn.labelled("btn_new", Act.NEW)]
    if turn.session.interview is not None:
        start.append(turn.labelled("btn_resume", Act.RESUME))
    text = turn.screen("drafts", note=note, drafts=listed, total=len(records), page=page + 1,
                       pages=pages, first=page * size + 1)
    return turn.reply(text, [*rows(opens, 1), paging, start])


def _entry(turn: Turn, record: DraftRecord) -> dict[str, Any]:
    when = record.updated_at.astimezone(DISPLAY_TZ)
    return {"name": record.name, "when": when.strftime("%m-%d %H:%M"),
            "shared": record.owner != turn.user_id}


def show(turn: Turn) -> Reply:
    """The screen of the current view again (after /help, an error, a cancelled input)."""
    view = turn.session.view
    assert view is not None
    if view.screen is Screen.LIST:
        return drafts_list(turn, view.page)
    try:
        record = turn.draft(view.draft_id)
    except Rejected:
        return drafts_list(turn, note=turn.say("draft_gone"))
    sections = load_plan(record).sections
    s = view.section if view.section < len(sections) else None
    i = view.item if s is not None and view.item < len(sections[s].items) else None
    if view.screen is Screen.ITEM and s is not None and i is not None:
        return item_view(turn, record, s, i)
    if view.screen in (Screen.SECTION, Screen.ITEM) and s is not None:
        return section_view(turn, record, s)
    if view.screen is Screen.ADD and s is not None:
        return add_menu(turn, record, s)
    if view.screen is Screen.TODO:
        return todo_view(turn, record)
    if view.screen is Screen.EXPORT:
        return export_menu(turn, record)
    if view.screen is Screen.DELETE and record.owner == turn.user_id:
        return confirm_drop(turn, record)
    return overview(turn, record)


def up(turn: Turn) -> Reply | None:
    """/back in a draft: item → section → overview → list; ``None`` from the list."""
    view = turn.session.view
    assert view is not None
    if view.screen is Screen.LIST:
        return None
    if view.screen in (Screen.ITEM, Screen.ADD):
        turn.session.view = view.model_copy(update={"screen": Screen.SECTION})
    elif view.screen is Screen.OVERVIEW:
        turn.session.view = View(screen=Screen.LIST)
    else:
        turn.session.view = view.model_copy(update={"screen": Screen.OVERVIEW})
    return show(turn)


def on_button(turn: Turn, action: Action) -> list[Reply]:
    if action.act is Act.LIST:
        return [drafts_list(turn, action.ints[0])]
    if action.act is Act.OPEN:
        return [overview(turn, turn.draft(action.draft))]
    if action.act is Act.COPY:
        return [_copy(turn, turn.draft(action.draft))]
    if action.act is Act.DROP:
        return [_ask_drop(turn, turn.draft(action.draft))]
    if action.act is Act.DROP_YES:
        return [_drop(turn, turn.current(action.draft, action.ints[0]))]
    raise Rejected("button_invalid")


def _copy(turn: Turn, record: DraftRecord) -> Reply:
    name = short(turn.say("copy_name", name=record.name), MAX_NAME)
    copy = turn.deps.store.drafts.create(turn.user_id, name, record.plan, dict(record.meta))
    return overview(turn, copy, note=turn.say("copied", name=record.name))


def _ask_drop(turn: Turn, record: DraftRecord) -> Reply:
    if record.owner != turn.user_id:
        raise InputError("only_owner_deletes")
    return confirm_drop(turn, record)


def _drop(turn: Turn, record: DraftRecord) -> Reply:
    if record.owner != turn.user_id:
        raise InputError("only_owner_deletes")
    turn.deps.store.drafts.delete(record.id)
    turn.deps.store.shares.revoke_all(record.id)  # its links open nothing any more
    undo = turn.session.undo
    if undo is not None and undo.draft_id == record.id:
        turn.session.undo = None
    return drafts_list(turn, note=turn.say("dropped", name=record.name))
