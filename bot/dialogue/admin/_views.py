"""The admins' screens that show what the library service returns: a change preview (or its
problems), the revision history, usage statistics and the admin list.

Problems are listed one a line with file:line, clause id and field; more than
``MAX_PROBLEMS`` are cut, with the full list attached as a text file.
"""

from __future__ import annotations

from typing import Any

from bot.curation import (
    CHAT_SOURCE,
    AdminInfo,
    AdminStats,
    ChangePreview,
    ChangeSummary,
    LibraryService,
    RevisionAction,
    RevisionInfo,
)
from bot.dialogue.codes.admin import AdminAct
from bot.dialogue.codes.common import Common
from bot.dialogue.layout import DISPLAY_TZ, short
from bot.dialogue.state.admin import AdminStep
from bot.dialogue.turn import Turn, rows
from bot.dialogue.types import Button, Document, Reply
from bot.library.loader import Problem
from bot.search.misses import Miss

MAX_PROBLEMS = 30  # listed in the chat; all of them go into an attached text file
HISTORY_PAGE = 8
MAX_IDS = 20  # clause ids listed per kind of change
LABEL = 24
USER_TAG = 36**7  # an admin's id as a button carries it (see AdminAct.ADMIN_REMOVE)
USER_PREFIX = "user:"  # bot.curation.actor_label of a chat user


def problem_line(turn: Turn, problem: Problem, *, files: bool = True) -> str:
    """One problem; ``files``: name the file (an upload), not for what was typed in the chat."""
    source = problem.file if files and problem.file != CHAT_SOURCE else ""
    return turn.say("admin_problem", file=source, line=problem.line, clause_id=problem.clause_id,
                    field=problem.field, message=problem.message)


def summary_text(turn: Turn, summary: ChangeSummary) -> str:
    """What a change does, by kind, with the first ``MAX_IDS`` ids of each (an upload may
    touch thousands)."""
    parts = [
        {"label": turn.say(f"admin_change_{name}", count=len(ids)), "ids": ids[:MAX_IDS],
         "more": len(ids) > MAX_IDS}
        for name, ids in summary.model_dump().items() if ids
    ]
    return turn.say("admin_changes", parts=parts)


def preview_text(turn: Turn, service: LibraryService, preview: ChangePreview,
                 subject: dict[str, object] | None = None) -> str:
    """A preview that has a token: what changes, the samples, and how to confirm."""
    samples = [{"id": s.clause_id, "title": s.title, "text": s.text, "year": s.year}
               for s in preview.samples]
    return turn.screen(
        "admin_preview", action=turn.say(f"admin_action_{preview.action.value}"),
        note=preview.note, rollback_to=preview.rollback_to, subject=subject,
        summary=summary_text(turn, preview.summary), samples=samples,
        region=service.sample_region.full_name, hint=turn.say("admin_confirm_hint"),
    )


def problems_reply(turn: Turn, preview: ChangePreview, *, note: str = "") -> Reply:
    """Why nothing was applied: the first ``MAX_PROBLEMS`` problems (all of them attached)."""
    files = preview.action in (RevisionAction.UPLOAD, RevisionAction.IMPORT)
    lines = [problem_line(turn, p, files=files) for p in preview.problems]
    text = turn.screen(
        "admin_problems", action=turn.say(f"admin_action_{preview.action.value}"),
        file=preview.note, rejected=turn.say("change_rejected", count=len(lines)),
        problems=lines[:MAX_PROBLEMS], more=max(0, len(lines) - MAX_PROBLEMS), note=note,
    )
    documents = []
    if len(lines) > MAX_PROBLEMS:
        name = f"{(preview.note or 'change').rsplit('.', 1)[0]}-problems.txt"
        content = ("\n".join(lines) + "\n").encode("utf-8")
        documents.append(Document(filename=name, content=content))
    return Reply(text=text, documents=documents)


def confirm_buttons(turn: Turn, back: AdminStep | None) -> list[list[Button]]:
    nav = [turn.labelled("btn_admin_discard", AdminAct.ADMIN_DISCARD)]
    if back is not None:
        nav.insert(0, turn.labelled("btn_back", Common.BACK))
    return [[turn.labelled("btn_admin_confirm", AdminAct.ADMIN_CONFIRM)], nav]


# --- history ---------------------------------------------------------------------------------


def history(turn: Turn, service: LibraryService, page: int) -> Reply:
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


def author(turn: Turn, label: str, user_id: int | None = None) -> str:
    """``user:42`` (a chat user) or ``cli:name`` (the command line), as people read it."""
    if user_id is None and label.startswith(USER_PREFIX) and label[len(USER_PREFIX):].isdigit():
        user_id = int(label[len(USER_PREFIX):])
    return turn.say("admin_author", user_id=user_id, label=label)


def revision_line(turn: Turn, info: RevisionInfo) -> str:
    return turn.say(
        "admin_revision", number=info.number, author=author(turn, info.author, info.author_id),
        at=info.at.astimezone(DISPLAY_TZ).strftime("%Y-%m-%d %H:%M"),
        action=turn.say(f"admin_action_{info.action.value}"), rollback_to=info.rollback_to,
        note=info.note,
    )


# --- statistics and admins ---------------------------------------------------------------------


def stats(turn: Turn, summary: AdminStats) -> Reply:
    def counts(items: list[Any]) -> list[dict[str, Any]]:
        return [{"id": c.id, "label": c.label, "count": c.count} for c in items]

    def misses(items: list[Miss]) -> list[dict[str, Any]]:
        return [{"query": m.query, "count": m.count,
                 "when": m.last_seen.astimezone(DISPLAY_TZ).strftime("%m-%d")} for m in items]

    text = turn.screen(
        "admin_stats", inserted=counts(summary.inserted), swapped=counts(summary.swapped_away),
        edited=counts(summary.edited), misses=misses(summary.misses),
        drafts=counts(summary.drafts_per_topic), searching=turn.deps.search is not None,
    )
    return turn.reply(text)


def admins(
    turn: Turn, service: LibraryService, listed: list[AdminInfo], *, note: str = ""
) -> Reply:
    owner = service.is_owner(turn.user_id)
    entries = [{"id": a.user_id, "owner": a.owner, "added_by": author(turn, a.added_by or ""),
                "added_at": a.added_at.astimezone(DISPLAY_TZ).strftime("%Y-%m-%d")
                if a.added_at else "", "me": a.user_id == turn.user_id} for a in listed]
    removes = [turn.labelled("btn_admin_remove", AdminAct.ADMIN_REMOVE, a.user_id % USER_TAG,
                             user_id=short(str(a.user_id), LABEL))
               for a in listed if owner and not a.owner]
    text = turn.screen("admin_admins", note=note, admins=entries, owner=owner)
    return turn.reply(text, rows(removes, 2))
