"""Guided changes of the clause library: 新增条款, 修改条款, 停用条款, 恢复条款, an uploaded topic
file, 回滚到此版本. Each ends in a preview (the change summary and the changed clauses rendered
for the sample region) with 确认 / 取消; nothing changes before 确认.

    /clause_new                     topic → kind → title → text → years and levels → preview
    /clause_edit <id or keywords>   the clause → its new text → preview
    /clause_retire <id or keywords> the clause → preview (drafts that use it keep it)
    /clause_restore <id or keywords>
    a YAML document                 preview of the upload, or every problem in it

Every step checks the admin list again (``require_admin``); the library service checks it once
more in each of its calls.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from typing import TypeVar

from bot.compose.refine import checked_text
from bot.curation import ChangePreview, LibraryService, NewClause, RevisionAction
from bot.dialogue.actions import Action, Code
from bot.dialogue.admin._views import confirm_buttons, preview_text, problems_reply, summary_text
from bot.dialogue.codes.admin import AdminAct
from bot.dialogue.codes.common import Common
from bot.dialogue.codes.interview import InterviewAct
from bot.dialogue.layout import short
from bot.dialogue.state.admin import (
    MAX_CANDIDATES,
    MAX_SHOWN,
    AdminState,
    AdminStep,
    AdminTask,
)
from bot.dialogue.turn import Rejected, Turn, rows
from bot.dialogue.types import Button, Reply
from bot.errors import ConflictError, InputError, NotFoundError, PermissionDenied, PlanbotError
from bot.library.models import MAX_YEAR, MIN_YEAR, Clause, ClauseKind, Level

KINDS = (ClauseKind.TASK, ClauseKind.TARGET, ClauseKind.SAFEGUARD, ClauseKind.GENERAL,
         ClauseKind.HEADING, ClauseKind.CLOSING)
LEVELS = tuple(Level)
TOPIC_PAGE = 12
MAX_TITLE = 60
MAX_TEXT = 2000  # of a clause typed in the chat (a topic file may hold longer ones)
LABEL = 24
_YEARS = re.compile(r"^\D{0,2}(\d{4})\D{0,4}?(\d{4})?\D{0,4}$")  # 2022-2025, 2022年起 …
_PREVIOUS = {
    AdminStep.KIND: AdminStep.TOPIC, AdminStep.TITLE: AdminStep.KIND,
    AdminStep.TEXT: AdminStep.TITLE, AdminStep.SCOPE: AdminStep.TEXT,
    AdminStep.EDIT_TEXT: AdminStep.FIND,
}
T = TypeVar("T")


def require_admin(turn: Turn) -> LibraryService:
    """The library service, if the user is an admin now; otherwise 无权限 (nothing changes)."""
    service = turn.deps.curation
    if service is None or not service.is_admin(turn.user_id):
        raise PermissionDenied("not_admin")
    return service


def state(turn: Turn) -> AdminState:
    current = turn.session.admin
    if current is None:
        raise Rejected("button_invalid")
    return current


def leave(turn: Turn) -> None:
    """Drop the change being prepared (its preview too)."""
    current = turn.session.admin
    turn.session.admin = None
    service = turn.deps.curation
    if current is not None and current.token and service is not None:
        with contextlib.suppress(PlanbotError):
            service.discard(turn.user_id, current.token)


def begin(turn: Turn, new: AdminState | None) -> None:
    """A new admin task (None: one that starts with its preview); the current one is dropped."""
    leave(turn)
    turn.session.pending = None
    turn.session.admin = new


# --- starting ---------------------------------------------------------------------------------


def start_new(turn: Turn) -> list[Reply]:
    require_admin(turn)
    begin(turn, AdminState(task=AdminTask.NEW, step=AdminStep.TOPIC))
    return [screen(turn)]


def start_find(turn: Turn, task: AdminTask, query: str = "") -> list[Reply]:
    require_admin(turn)
    begin(turn, AdminState(task=task, step=AdminStep.FIND))
    if query.strip():
        return find(turn, query)
    return [screen(turn)]


def finder(task: AdminTask) -> Callable[[Turn], list[Reply]]:
    """The command ``/clause_<task> [id or keywords]``."""
    return lambda turn: start_find(turn, task, turn.event.text)


# --- what the admin is asked now ---------------------------------------------------------------


def screen(turn: Turn, *, note: str = "") -> Reply:
    """The current step's question, with its buttons."""
    st = state(turn)
    if st.step is AdminStep.CONFIRM:
        text = f"{note}\n\n{st.shown}" if note else st.shown
        return turn.reply(text, confirm_buttons(turn, st.back))
    if st.step is AdminStep.FIND:
        return _find_screen(turn, st, note)
    if st.step is AdminStep.EDIT_TEXT:
        return _edit_screen(turn, st, note)
    return _new_screen(turn, st, note)


def _nav(turn: Turn, st: AdminState) -> list[Button]:
    nav = [turn.labelled("btn_cancel", Common.CANCEL)]
    if st.step in _PREVIOUS:
        nav.insert(0, turn.labelled("btn_back", Common.BACK))
    return nav


def _new_screen(turn: Turn, st: AdminState, note: str) -> Reply:
    library = turn.library
    topic = library.topics.get(st.topic)
    buttons: list[list[Button]] = []
    if st.step is AdminStep.TOPIC:
        buttons = _topic_buttons(turn, st)
    elif st.step is AdminStep.KIND:
        buttons = rows([turn.labelled(f"admin_kind_{k.value}", AdminAct.ADMIN_KIND, n)
                        for n, k in enumerate(KINDS)], 3)
    elif st.step is AdminStep.TITLE:
        buttons = [[turn.labelled("btn_admin_no_title", InterviewAct.SKIP)]]
    elif st.step is AdminStep.SCOPE:
        levels = [turn.labelled("btn_admin_level_on" if level in st.levels else
                                "btn_admin_level_off", AdminAct.ADMIN_LEVEL, n,
                                level=turn.say(f"admin_level_{level.value}"))
                  for n, level in enumerate(LEVELS)]
        buttons = [levels, [turn.labelled("btn_admin_any_year", AdminAct.ADMIN_ANY_YEAR),
                            turn.labelled("btn_admin_preview", AdminAct.ADMIN_NEXT)]]
    text = turn.screen(
        "admin_new", note=note, step=st.step.value, topic=topic.name if topic else "",
        kind=turn.say(f"admin_kind_{st.kind}") if st.kind else "", title=st.title,
        text=st.text, year_from=st.year_from, year_to=st.year_to, min_year=MIN_YEAR,
        max_year=MAX_YEAR, levels=[turn.say(f"admin_level_{lv.value}") for lv in st.levels],
        all_levels=len(st.levels) == len(LEVELS), page=st.page + 1,
    )
    return turn.reply(text, [*buttons, _nav(turn, st)])


def _topic_buttons(turn: Turn, st: AdminState) -> list[list[Button]]:
    """A page of the topics to pick from, and the buttons to the other pages."""
    topics = list(turn.library.topics.values())
    pages = max(1, -(-len(topics) // TOPIC_PAGE))
    page = min(st.page, pages - 1)
    picks = [turn.button(short(t.name, LABEL), AdminAct.ADMIN_TOPIC, k)
             for k, t in enumerate(topics) if page * TOPIC_PAGE <= k < (page + 1) * TOPIC_PAGE]
    paging = []
    if page > 0:
        paging.append(turn.labelled("btn_prev_page", AdminAct.ADMIN_TOPIC_PAGE, page - 1))
    if page < pages - 1:
        paging.append(turn.labelled("btn_next_page", AdminAct.ADMIN_TOPIC_PAGE, page + 1))
    return [*rows(picks, 2), paging]


def _find_screen(turn: Turn, st: AdminState, note: str) -> Reply:
    found = [c for c in map(turn.library.clause, st.candidates) if c is not None]
    picks = [turn.button(short(c.title or c.id, LABEL), AdminAct.ADMIN_PICK, k)
             for k, c in enumerate(found)]
    text = turn.screen("admin_find", note=note, task=st.task.value,
                       action=turn.say(f"admin_action_{st.task.value}"),
                       candidates=[_listed(turn, c) for c in found])
    return turn.reply(text, [*rows(picks, 1), _nav(turn, st)])


Listed = dict[str, object]


def _listed(turn: Turn, clause: Clause) -> Listed:
    topic = turn.library.topic_of(clause.id)
    return {"id": clause.id, "title": clause.title, "text": short(clause.text, 60),
            "topic": topic.name if topic else "", "retired": clause.retired,
            "kind": turn.say(f"admin_kind_{clause.kind.value}")}


def _edit_screen(turn: Turn, st: AdminState, note: str) -> Reply:
    service = require_admin(turn)
    clause = turn.library.clause(st.clause_id)
    if clause is None:  # gone meanwhile (a rollback): find another
        st.step = AdminStep.FIND
        return _find_screen(turn, st, turn.say("clause_not_found", clause_id=st.clause_id))
    shown = service.render_preview(turn.user_id, clause.id)
    text = turn.screen("admin_edit", note=note, clause=_listed(turn, clause), source=clause.text,
                       sample=shown.text, year=shown.year, region=service.sample_region.full_name,
                       variables=sorted(clause.vars))
    return turn.reply(text, [_nav(turn, st)])


# --- answers -----------------------------------------------------------------------------------


def on_text(turn: Turn, text: str) -> list[Reply]:
    require_admin(turn)
    st = state(turn)
    if st.step is AdminStep.TITLE:
        st.title = checked_text(text, MAX_TITLE, "admin_title", one_line=True)
        st.step = AdminStep.TEXT
    elif st.step is AdminStep.TEXT:
        st.text = checked_text(text, MAX_TEXT, "admin_text")
        st.step = AdminStep.SCOPE
    elif st.step is AdminStep.SCOPE:
        st.year_from, st.year_to = parse_years(text)
    elif st.step is AdminStep.FIND:
        return find(turn, text)
    elif st.step is AdminStep.EDIT_TEXT:
        return _preview_edit(turn, st, checked_text(text, MAX_TEXT, "admin_text"))
    elif st.step is AdminStep.CONFIRM and text.strip() == turn.say("btn_admin_confirm"):
        return confirm(turn)
    elif st.step is AdminStep.CONFIRM and text.strip() == turn.say("btn_admin_discard"):
        return discard(turn)
    else:
        raise InputError("use_buttons")
    return [screen(turn)]


def parse_years(text: str) -> tuple[int, int | None]:
    """``2022-2025``, ``2022-`` / ``2022起`` / ``2022`` (from 2022 on)."""
    match = _YEARS.match(text)
    if match is None:
        raise InputError("admin_years_invalid", min=MIN_YEAR, max=MAX_YEAR)
    start, end = int(match.group(1)), int(match.group(2)) if match.group(2) else None
    if not MIN_YEAR <= start <= MAX_YEAR or (end is not None and not start <= end <= MAX_YEAR):
        raise InputError("admin_years_invalid", min=MIN_YEAR, max=MAX_YEAR)
    return start, end


def on_button(turn: Turn, action: Action) -> list[Reply]:
    """A press in a guided change (the state says which presses fit)."""
    require_admin(turn)
    st = state(turn)
    found = _PRESSES.get(action.act)
    if found is None or found[0] is not st.step:
        raise Rejected("button_invalid")
    shown = found[1](turn, st, action.ints[0] if action.ints else 0)
    return shown if shown is not None else [screen(turn)]


def _pick(turn: Turn, st: AdminState, number: int) -> list[Reply]:
    return pick(turn, st, _index(st.candidates, number))


def _level(st: AdminState, number: int) -> None:
    _toggle(st, _index(list(LEVELS), number))


def _topic(turn: Turn, st: AdminState, number: int) -> None:
    st.topic = _index(list(turn.library.topics), number)
    st.step = AdminStep.KIND


def _topic_page(turn: Turn, st: AdminState, number: int) -> None:
    st.page = _index(list(range(-(-len(turn.library.topics) // TOPIC_PAGE))), number)


def _kind(turn: Turn, st: AdminState, number: int) -> None:
    st.kind = _index(list(KINDS), number).value
    st.step = AdminStep.TITLE


def _no_title(turn: Turn, st: AdminState, number: int) -> None:
    st.title, st.step = "", AdminStep.TEXT


def _any_year(turn: Turn, st: AdminState, number: int) -> None:
    st.year_from, st.year_to = MIN_YEAR, None


# A button → the step it fits, and what it does (turn, state, the button's number); None: the
# step's question again.
_Press = Callable[[Turn, AdminState, int], list[Reply] | None]
_PRESSES: dict[Code, tuple[AdminStep, _Press]] = {
    AdminAct.ADMIN_CONFIRM: (AdminStep.CONFIRM, lambda turn, st, n: confirm(turn)),
    AdminAct.ADMIN_DISCARD: (AdminStep.CONFIRM, lambda turn, st, n: discard(turn)),
    AdminAct.ADMIN_PICK: (AdminStep.FIND, lambda turn, st, n: _pick(turn, st, n)),
    AdminAct.ADMIN_TOPIC: (AdminStep.TOPIC, _topic),
    AdminAct.ADMIN_TOPIC_PAGE: (AdminStep.TOPIC, _topic_page),
    AdminAct.ADMIN_KIND: (AdminStep.KIND, _kind),
    InterviewAct.SKIP: (AdminStep.TITLE, _no_title),
    AdminAct.ADMIN_LEVEL: (AdminStep.SCOPE, lambda turn, st, n: _level(st, n)),
    AdminAct.ADMIN_ANY_YEAR: (AdminStep.SCOPE, _any_year),
    AdminAct.ADMIN_NEXT: (AdminStep.SCOPE, lambda turn, st, n: preview_new(turn, st)),
}


def _index(options: list[T], index: int) -> T:
    if not 0 <= index < len(options):
        raise Rejected("button_invalid")
    return options[index]


def _toggle(st: AdminState, level: Level) -> None:
    if level not in st.levels:
        st.levels = [lv for lv in LEVELS if lv in st.levels or lv is level]
    elif len(st.levels) > 1:
        st.levels = [lv for lv in st.levels if lv is not level]
    else:
        raise InputError("admin_levels_none")


def skip(turn: Turn) -> list[Reply]:
    """/skip: no title (new clause), or preview with the years and levels as they are."""
    require_admin(turn)
    st = state(turn)
    if st.step is AdminStep.TITLE:
        st.title, st.step = "", AdminStep.TEXT
        return [screen(turn)]
    if st.step is AdminStep.SCOPE:
        return preview_new(turn, st)
    raise InputError("nothing_to_skip")


def back(turn: Turn) -> list[Reply]:
    """/back or ⬅: the previous question (a preview waiting for 确认 is dropped)."""
    require_admin(turn)
    st = state(turn)
    if st.step is AdminStep.CONFIRM and st.back is not None:
        service = require_admin(turn)
        with contextlib.suppress(PlanbotError):
            service.discard(turn.user_id, st.token)
        st.token, st.shown, st.step, st.back = "", "", st.back, None
        return [screen(turn)]
    previous = _PREVIOUS.get(st.step)
    if previous is None:
        return [Reply(text=turn.say("first_step")), screen(turn)]
    st.step = previous
    return [screen(turn)]


def cancel(turn: Turn) -> list[Reply]:
    leave(turn)
    return [Reply(text=turn.say("admin_cancelled"))]


# --- finding a clause ----------------------------------------------------------------------------


def find(turn: Turn, query: str) -> list[Reply]:
    st = state(turn)
    found = find_clauses(turn, query, retired=st.task is AdminTask.RESTORE)
    st.candidates = found[:MAX_CANDIDATES]
    if len(found) == 1:
        return pick(turn, st, found[0])
    note = turn.say("admin_found_none", query=short(query.strip(), 30)) if not found else ""
    return [screen(turn, note=note)]


def find_clauses(turn: Turn, query: str, *, retired: bool = False) -> list[str]:
    """A clause id, or keywords: the search index (if the bot has one), else every word in the
    clause's id, title, text or keywords. ``retired``: only retired clauses (to restore)."""
    words = query.split()
    library = turn.library
    if len(words) == 1 and library.clause(words[0]) is not None:
        return words
    search = turn.deps.search
    if search is not None and not retired:
        hits = search.search(query, limit=MAX_CANDIDATES, record=False)
        return [h.clause_id for h in hits]
    found = []
    for clause in library.clauses():
        haystack = " ".join([clause.id, clause.title, clause.text, *clause.keywords])
        if clause.retired == retired and words and all(w in haystack for w in words):
            found.append(clause.id)
    return found[:MAX_CANDIDATES]


def pick(turn: Turn, st: AdminState, clause_id: str) -> list[Reply]:
    service = require_admin(turn)
    clause = turn.library.clause(clause_id)
    if clause is None:
        raise NotFoundError("clause_not_found", clause_id=clause_id)
    st.clause_id = clause_id
    if st.task is AdminTask.EDIT:
        st.step = AdminStep.EDIT_TEXT
        return [screen(turn)]
    if st.task is AdminTask.RETIRE:
        preview = service.preview_retire(turn.user_id, clause_id)
    else:
        preview = service.preview_restore(turn.user_id, clause_id)
    return show_preview(turn, preview, AdminStep.FIND, _listed(turn, clause))


# --- previews ------------------------------------------------------------------------------------


def preview_new(turn: Turn, st: AdminState) -> list[Reply]:
    service = require_admin(turn)
    new = NewClause(topic=st.topic, kind=ClauseKind(st.kind), title=st.title, text=st.text,
                    years=(st.year_from, st.year_to), levels=tuple(st.levels))
    return show_preview(turn, service.preview_new_clause(turn.user_id, new), AdminStep.SCOPE)


def _preview_edit(turn: Turn, st: AdminState, text: str) -> list[Reply]:
    service = require_admin(turn)
    preview = service.preview_edit(turn.user_id, st.clause_id, text=text)
    clause = turn.library.clause(st.clause_id)
    subject = _listed(turn, clause) if clause is not None else None
    return show_preview(turn, preview, AdminStep.EDIT_TEXT, subject)


def show_preview(
    turn: Turn, preview: ChangePreview, back: AdminStep | None,
    subject: Listed | None = None,
) -> list[Reply]:
    """The preview and 确认 / 取消; or the problems (the admin can correct and send again:
    the current step is kept, or the task ends if there is nothing to correct in the chat)."""
    service = require_admin(turn)
    st = turn.session.admin
    if preview.problems or preview.token is None:
        keep = st is not None and back is not None
        if not keep:
            leave(turn)
        said = problems_reply(turn, preview) if preview.problems else Reply(
            text=turn.say("change_nothing"))
        again = [screen(turn).model_copy(update={"edit": False})] if keep else []
        return [said, *again]  # new messages, in this order: what is wrong, the question
    shown = preview_text(turn, service, preview, subject)
    if st is None:
        st = turn.session.admin = AdminState(task=_TASKS[preview.action], step=AdminStep.CONFIRM)
    kept = shown if len(shown) <= MAX_SHOWN else shown[: MAX_SHOWN - 1] + "…"
    st.step, st.token, st.back, st.shown = AdminStep.CONFIRM, preview.token, back, kept
    return [turn.reply(shown, confirm_buttons(turn, back))]


_TASKS = {
    RevisionAction.ADD: AdminTask.NEW, RevisionAction.EDIT: AdminTask.EDIT,
    RevisionAction.RETIRE: AdminTask.RETIRE, RevisionAction.RESTORE: AdminTask.RESTORE,
    RevisionAction.UPLOAD: AdminTask.UPLOAD, RevisionAction.IMPORT: AdminTask.UPLOAD,
    RevisionAction.ROLLBACK: AdminTask.ROLLBACK,
}


def upload(turn: Turn) -> list[Reply]:
    """A topic file sent as a document: checked in full, applied only after 确认."""
    service = require_admin(turn)
    begin(turn, None)  # show_preview sets the state if the file is a valid change
    event = turn.event
    preview = service.preview_upload(turn.user_id, event.file_name, event.file_bytes)
    return show_preview(turn, preview, None)


def rollback(turn: Turn, number: int) -> list[Reply]:
    service = require_admin(turn)
    begin(turn, None)
    return show_preview(turn, service.preview_rollback(turn.user_id, number), None)


# --- 确认 / 取消 ----------------------------------------------------------------------------------


def confirm(turn: Turn) -> list[Reply]:
    service = require_admin(turn)
    st = state(turn)
    turn.session.admin = None
    try:
        info = service.apply(turn.user_id, st.token)
    except (ConflictError, NotFoundError) as exc:  # changed meanwhile, expired: preview again
        return [turn.reply(turn.error(exc))]
    text = f"{turn.say('admin_applied', number=info.number)}\n{summary_text(turn, info.summary)}"
    return [turn.reply(text)]


def discard(turn: Turn) -> list[Reply]:
    require_admin(turn)
    leave(turn)
    return [turn.reply(turn.say("admin_discarded"))]
