"""Admins in the chat: the commands, the buttons and the uploaded topic files that curate the
clause library (``bot.curation.LibraryService``).

    /admin                           the menu (admins' commands are not in the public command menu)
    /clause_new, /clause_edit, /clause_retire, /clause_restore   guided changes (admin_flow.py)
    a YAML document                  a topic file: its problems, or its preview and 确认
    /admin_history                   revisions, paged, 回滚到此版本 (_history)
    /admin_stats                     what users insert, swap away, edit, and search in vain (_stats)
    /admin_file <topic>              a topic as a file to edit and send back
    /admins, /admin_add <id>, /admin_remove <id>   who is an admin (_admins)
    /whoami                          anyone: their user id, to give to an owner

The feature comes first for every event (``FEATURE``): it handles what is an admin's and lets the
rest go on (a command, press or text elsewhere ends an unfinished admin task). Every handler
checks the admin list at that moment: a non-admin gets 无权限 and nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.dialogue.actions import Action, Code
from bot.dialogue.admin import _admins, _history
from bot.dialogue.admin import _editor as admin_flow
from bot.dialogue.admin._admins import add_admin, admins, remove_admin
from bot.dialogue.admin._editor import require_admin
from bot.dialogue.admin._history import history
from bot.dialogue.admin._stats import stats
from bot.dialogue.codes.admin import AdminAct
from bot.dialogue.codes.interview import InterviewAct
from bot.dialogue.router import Feature
from bot.dialogue.state.admin import AdminState, AdminTask
from bot.dialogue.turn import Rejected, Turn, rows
from bot.dialogue.types import Document, EventKind, Reply
from bot.errors import InputError

Command = Callable[[Turn], list[Reply]]
Handler = Callable[[Turn, Action], list[Reply]]
FLOW_ACTS = frozenset({
    AdminAct.ADMIN_TOPIC, AdminAct.ADMIN_TOPIC_PAGE, AdminAct.ADMIN_KIND, AdminAct.ADMIN_LEVEL,
    AdminAct.ADMIN_ANY_YEAR, AdminAct.ADMIN_NEXT, AdminAct.ADMIN_PICK, AdminAct.ADMIN_CONFIRM,
    AdminAct.ADMIN_DISCARD,
})


def _claims(turn: Turn, action: Action) -> bool:
    """Its buttons, and 跳过 while a guided change waits for an answer."""
    in_task = turn.session.admin is not None
    return action.act in ADMIN_ACTS or (in_task and action.act is InterviewAct.SKIP)


def _press(turn: Turn, action: Action) -> list[Reply]:
    handler = BUTTONS.get(action.act)
    return handler(turn, action) if handler is not None else admin_flow.on_button(turn, action)


def _in_task(name: str) -> Callable[[Turn], list[Reply] | None]:
    """/back, /cancel, /skip, /help (and ⬅, 取消) while a guided change is unfinished."""
    return lambda turn: IN_TASK[name](turn) if turn.session.admin is not None else None


def _text(turn: Turn, text: str) -> list[Reply] | None:
    return admin_flow.on_text(turn, text) if turn.session.admin is not None else None


def _file(turn: Turn) -> list[Reply] | None:
    service = turn.deps.curation  # anyone else: files are not for them
    return admin_flow.upload(turn) if service and service.is_admin(turn.user_id) else None


def _elsewhere(turn: Turn) -> None:
    """A command, press or text elsewhere ends an unfinished admin task (a file does not)."""
    if turn.session.admin is not None and turn.event.kind is not EventKind.FILE:
        admin_flow.leave(turn)


def current(turn: Turn) -> list[Reply]:
    """The unfinished admin task's question again (nothing if the user is no admin any more)."""
    service = turn.deps.curation
    if turn.session.admin is None:
        return []
    if service is None or not service.is_admin(turn.user_id):
        turn.session.admin = None
        return []
    return [admin_flow.screen(turn)]


# --- the menu and plain screens ------------------------------------------------------------------


def menu(turn: Turn) -> list[Reply]:
    service = require_admin(turn)
    buttons = [turn.labelled(f"btn_admin_{name}", AdminAct.ADMIN_MENU, k)
               for k, (name, _) in enumerate(_MENU)]
    text = turn.screen("admin_menu", owner=service.is_owner(turn.user_id),
                       revision=service.revision)
    return [turn.reply(text, rows(buttons, 2))]


def _menu_entry(turn: Turn, action: Action) -> list[Reply]:
    require_admin(turn)
    k = action.ints[0]
    if not 0 <= k < len(_MENU):
        raise Rejected("button_invalid")
    return _MENU[k][1](turn)


def upload_help(turn: Turn) -> list[Reply]:
    require_admin(turn)
    topics = [{"id": t.id, "name": t.name} for t in turn.library.topics.values()]
    return [turn.reply(turn.screen("admin_upload", topics=topics))]


def topic_file(turn: Turn) -> list[Reply]:
    service = require_admin(turn)
    wanted = turn.event.text.strip()
    library = turn.library
    topic = library.topics.get(wanted) or next(
        (t for t in library.topics.values() if t.name == wanted), None)
    if topic is None:
        raise InputError("admin_file_usage", topics=", ".join(library.topics))
    name, content = service.topic_file(turn.user_id, topic.id)
    caption = turn.say("admin_file_sent", name=topic.name, filename=name)
    return [Reply(text=caption, documents=[Document(filename=name, content=content)])]


def whoami(turn: Turn) -> list[Reply]:
    service = turn.deps.curation
    admin = service is not None and service.is_admin(turn.user_id)
    owner = service is not None and service.is_owner(turn.user_id)
    return [Reply(text=turn.say("whoami", user_id=turn.user_id, admin=admin, owner=owner))]


# --- tables --------------------------------------------------------------------------------------

_MENU: tuple[tuple[str, Command], ...] = (
    ("new", admin_flow.start_new),
    ("edit", lambda turn: admin_flow.start_find(turn, AdminTask.EDIT)),
    ("retire", lambda turn: admin_flow.start_find(turn, AdminTask.RETIRE)),
    ("restore", lambda turn: admin_flow.start_find(turn, AdminTask.RESTORE)),
    ("upload", upload_help),
    ("history", history),
    ("stats", stats),
    ("admins", admins),
)

COMMANDS: dict[str, Command] = {
    "admin": menu,
    "admins": admins,
    "admin_add": add_admin,
    "admin_remove": remove_admin,
    "admin_history": history,
    "admin_stats": stats,
    "admin_file": topic_file,
    "admin_upload": upload_help,
    "clause_new": admin_flow.start_new,
    "clause_edit": admin_flow.finder(AdminTask.EDIT),
    "clause_retire": admin_flow.finder(AdminTask.RETIRE),
    "clause_restore": admin_flow.finder(AdminTask.RESTORE),
    "whoami": whoami,
}
ADMIN_COMMANDS = tuple(name for name in COMMANDS if name != "whoami")  # 无权限 for non-admins

IN_TASK: dict[str, Command] = {
    "back": admin_flow.back,
    "cancel": admin_flow.cancel,
    "skip": admin_flow.skip,
    "help": lambda turn: [*menu(turn), admin_flow.screen(turn)],
}

BUTTONS: dict[Code, Handler] = {
    AdminAct.ADMIN_MENU: _menu_entry, **_history.PRESSES, **_admins.PRESSES,
}
ADMIN_ACTS = frozenset(BUTTONS) | FLOW_ACTS
TOPIC_FILES = frozenset({".yaml", ".yml"})  # an admin's document of these types is a topic file
PRIORITY = 10  # before everything: an admin's task takes the texts and presses it waits for

FEATURE = Feature(
    name="admin", priority=PRIORITY, acts=ADMIN_ACTS, mode=AdminState, press=_press, claims=_claims,
    keeps_input=True, commands=COMMANDS, text=_text, file=_file, file_types=TOPIC_FILES,
    screen=current, back=_in_task("back"), skip=_in_task("skip"), cancel=_in_task("cancel"),
    help=_in_task("help"), otherwise=_elsewhere,
)
