"""/drafts: the user's drafts, newest first; open, copy, delete (confirmed)."""

from __future__ import annotations

from typing import Any

from bot.compose.refine import MAX_NAME
from bot.dialogue.actions import Action, Code
from bot.dialogue.codes.draft import DraftAct
from bot.dialogue.codes.interview import InterviewAct
from bot.dialogue.draft._common import Handler, record_view
from bot.dialogue.draft._overview import overview
from bot.dialogue.layout import DISPLAY_TZ, LABEL, short
from bot.dialogue.state.draft import Screen, View
from bot.dialogue.turn import Turn, revision_tag, rows
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
    opens = [turn.button(short(r.name, LABEL), DraftAct.OPEN, r.id) for r in shown]
    paging = []
    if page > 0:
        paging.append(turn.labelled("btn_prev_page", DraftAct.LIST, page - 1))
    if page < pages - 1:
        paging.append(turn.labelled("btn_next_page", DraftAct.LIST, page + 1))
    start = [turn.labelled("btn_new", InterviewAct.NEW)]
    if turn.session.interview is not None:
        start.append(turn.labelled("btn_resume", InterviewAct.RESUME))
    text = turn.screen("drafts", note=note, drafts=listed, total=len(records), page=page + 1,
                       pages=pages, first=page * size + 1)
    return turn.reply(text, [*rows(opens, 1), paging, start])


def _entry(turn: Turn, record: DraftRecord) -> dict[str, Any]:
    when = record.updated_at.astimezone(DISPLAY_TZ)
    return {"name": record.name, "when": when.strftime("%m-%d %H:%M"),
            "shared": record.owner != turn.user_id}


def confirm_drop(turn: Turn, record: DraftRecord) -> Reply:
    record_view(turn, Screen.DELETE, record)
    text = turn.screen("confirm_drop", draft_name=record.name)
    return turn.reply(text, [[
        turn.labelled("btn_drop_yes", DraftAct.DROP_YES, record.id, revision_tag(record)),
        turn.labelled("btn_cancel", DraftAct.OPEN, record.id),
    ]])


def _page(turn: Turn, action: Action) -> list[Reply]:
    return [drafts_list(turn, action.ints[0])]


def _copy_pressed(turn: Turn, action: Action) -> list[Reply]:
    return [_copy(turn, turn.draft(action.draft))]


def _drop_pressed(turn: Turn, action: Action) -> list[Reply]:
    return [_ask_drop(turn, turn.draft(action.draft))]


def _drop_confirmed(turn: Turn, action: Action) -> list[Reply]:
    return [_drop(turn, turn.current(action.draft, action.ints[0]))]


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


PRESSES: dict[Code, Handler] = {
    DraftAct.LIST: _page,
    DraftAct.COPY: _copy_pressed,
    DraftAct.DROP: _drop_pressed,
    DraftAct.DROP_YES: _drop_confirmed,
}
