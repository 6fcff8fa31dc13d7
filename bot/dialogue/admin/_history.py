"""/admin_history: the library's revisions, newest first, a page at a time, and 回滚到第N版."""

from __future__ import annotations

from bot.curation import LibraryService, RevisionInfo
from bot.dialogue.actions import Action, Code
from bot.dialogue.admin import _editor as admin_flow
from bot.dialogue.admin._editor import require_admin
from bot.dialogue.admin._views import Handler, author, summary_text
from bot.dialogue.codes.admin import AdminAct
from bot.dialogue.layout import DISPLAY_TZ
from bot.dialogue.turn import Turn, rows
from bot.dialogue.types import Reply

HISTORY_PAGE = 8


def history_view(turn: Turn, service: LibraryService, page: int) -> Reply:
    """Revisions newest first, ``HISTORY_PAGE`` a page; 回滚到第N版 for each older one."""
    latest = service.revision
    pages = max(1, -(-(latest + 1) // HISTORY_PAGE))
    page = min(page, pages - 1)
    infos = service.history(turn.user_id, limit=HISTORY_PAGE, offset=page * HISTORY_PAGE)
    entries = [{"line": revision_line(turn, info), "summary": summary_text(turn, info.summary)}
               for info in infos]
    shipped = (page + 1) * HISTORY_PAGE > latest  # revision 0 is on this page
    numbers = [info.number for info in infos if info.number < latest]
    if shipped and latest > 0:
        numbers.append(0)
    buttons = [turn.labelled("btn_admin_rollback", AdminAct.ADMIN_ROLLBACK, n, number=n)
               for n in numbers]
    paging = []
    if page > 0:
        paging.append(turn.labelled("btn_prev_page", AdminAct.ADMIN_HISTORY, page - 1))
    if page < pages - 1:
        paging.append(turn.labelled("btn_next_page", AdminAct.ADMIN_HISTORY, page + 1))
    text = turn.screen("admin_history", entries=entries, latest=latest, shipped=shipped,
                       page=page + 1, pages=pages)
    return turn.reply(text, [*rows(buttons, 2), paging])


def revision_line(turn: Turn, info: RevisionInfo) -> str:
    return turn.say(
        "admin_revision", number=info.number, author=author(turn, info.author, info.author_id),
        at=info.at.astimezone(DISPLAY_TZ).strftime("%Y-%m-%d %H:%M"),
        action=turn.say(f"admin_action_{info.action.value}"), rollback_to=info.rollback_to,
        note=info.note,
    )


def history(turn: Turn, page: int = 0) -> list[Reply]:
    service = require_admin(turn)
    return [history_view(turn, service, page)]


def _history_page(turn: Turn, action: Action) -> list[Reply]:
    return history(turn, action.ints[0])


def _rollback(turn: Turn, action: Action) -> list[Reply]:
    return admin_flow.rollback(turn, action.ints[0])


PRESSES: dict[Code, Handler] = {
    AdminAct.ADMIN_HISTORY: _history_page,
    AdminAct.ADMIN_ROLLBACK: _rollback,
}
