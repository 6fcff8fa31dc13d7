"""What the admins' screens share: a change preview (or its problems), a summary of a change,
who made it. (The history, statistics and admin list are ``_history``, ``_stats``, ``_admins``.)

Problems are listed one a line with file:line, clause id and field; more than
``MAX_PROBLEMS`` are cut, with the full list attached as a text file.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.curation import (
    CHAT_SOURCE,
    ChangePreview,
    ChangeSummary,
    LibraryService,
    RevisionAction,
)
from bot.dialogue.actions import Action
from bot.dialogue.codes.admin import AdminAct
from bot.dialogue.codes.common import Common
from bot.dialogue.state.admin import AdminStep
from bot.dialogue.turn import Turn
from bot.dialogue.types import Button, Document, Reply
from bot.library.loader import Problem

MAX_PROBLEMS = 30  # listed in the chat; all of them go into an attached text file
MAX_IDS = 20  # clause ids listed per kind of change
LABEL = 24
Handler = Callable[[Turn, Action], list[Reply]]
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


def author(turn: Turn, label: str, user_id: int | None = None) -> str:
    """``user:42`` (a chat user) or ``cli:name`` (the command line), as people read it."""
    if user_id is None and label.startswith(USER_PREFIX) and label[len(USER_PREFIX):].isdigit():
        user_id = int(label[len(USER_PREFIX):])
    return turn.say("admin_author", user_id=user_id, label=label)


