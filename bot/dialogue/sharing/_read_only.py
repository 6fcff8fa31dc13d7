"""A draft opened by a view link: read it, preview it, export it; every press checks the link
again, so revoking or expiry takes effect at once."""

from __future__ import annotations

from bot.dialogue.actions import Action, Code
from bot.dialogue.codes.draft import DraftAct
from bot.dialogue.codes.sharing import ShareAct
from bot.dialogue.draft import EXPORT_FORMATS, export_document, load_plan
from bot.dialogue.sharing._common import (
    Handler,
    index_in,
    placeholder_count,
    record_view,
    summaries,
)
from bot.dialogue.state.draft import Screen
from bot.dialogue.turn import Rejected, Turn, rows
from bot.dialogue.types import Reply
from bot.export.text import plan_to_text
from bot.store.models import DraftRecord, ShareKind


def shared_view(turn: Turn, record: DraftRecord, grant: str, *, note: str = "") -> Reply:
    """A draft opened by a view link: read it, preview it, export it; nothing else."""
    plan = load_plan(record)
    record_view(turn, Screen.SHARED, record, grant=grant)
    owner = turn.deps.store.shares.names(record.id).get(record.owner, "")
    text = turn.screen(
        "share_view", note=note, title=plan.title, sections=summaries(turn, plan),
        placeholders=placeholder_count(plan), owner=owner,
    )
    formats = [f for f in EXPORT_FORMATS if f != "docx" or turn.deps.word_export is not None]
    export = [turn.labelled(f"btn_export_{fmt}", ShareAct.VIEW_EXPORT, record.id,
                            EXPORT_FORMATS.index(fmt)) for fmt in formats]
    return turn.reply(text, [
        [turn.labelled("btn_preview", ShareAct.VIEW_PREVIEW, record.id)],
        *rows(export, 1),
        [turn.labelled("btn_drafts", DraftAct.LIST, 0)],
    ])


def granted(turn: Turn, draft_id: str) -> DraftRecord | None:
    """The draft of the user's read-only view if its link still lives; ``None`` if not."""
    view = turn.session.view
    if view is None or view.screen is not Screen.SHARED or view.draft_id != draft_id:
        raise Rejected("button_invalid")
    store = turn.deps.store
    link = store.shares.get(view.grant)
    if link is None or link.draft_id != draft_id or link.kind is not ShareKind.VIEW:
        return None
    return store.drafts.get(draft_id)


def closed_view(turn: Turn) -> list[Reply]:
    """The link died while the draft was shown: say so (in the same words), show nothing."""
    turn.session.view = None
    return [turn.reply(turn.say("link_invalid"))]


def _view_open(turn: Turn, action: Action) -> list[Reply]:
    record = granted(turn, action.draft)
    if record is None:
        return closed_view(turn)
    assert turn.session.view is not None
    return [shared_view(turn, record, turn.session.view.grant)]


def _view_preview(turn: Turn, action: Action) -> list[Reply]:
    record = granted(turn, action.draft)
    if record is None:
        return closed_view(turn)
    menu = turn.reply(turn.say("preview_done"), [[
        turn.labelled("btn_overview", ShareAct.VIEW_OPEN, record.id),
    ]], edit=False)
    return [Reply(text=plan_to_text(load_plan(record))), menu]


def _view_export(turn: Turn, action: Action) -> list[Reply]:
    record = granted(turn, action.draft)
    if record is None:
        return closed_view(turn)
    fmt = EXPORT_FORMATS[index_in(len(EXPORT_FORMATS), action.ints[0])]
    document = export_document(turn, record, fmt)
    assert turn.session.view is not None
    screen = shared_view(turn, record, turn.session.view.grant)
    return [screen, Reply(text=turn.say("exported", filename=document.filename),
                          documents=[document])]


PRESSES: dict[Code, Handler] = {
    ShareAct.VIEW_OPEN: _view_open,
    ShareAct.VIEW_PREVIEW: _view_preview,
    ShareAct.VIEW_EXPORT: _view_export,
}
