"""A draft as the user works on it: the list of drafts, a draft's screens, their presses.

Each screen lives with its presses in one module (``_list``, ``_overview``, ``_items``, ``_add``,
``_todo``, ``_export``; the buttons that ask for a text in ``_asked``); this module puts their
presses together, shows the current screen again and goes up a screen.

The mode is ``Session.view`` (which screen of which draft); while a draft is open, text is not
an answer to anything (use the buttons), /back goes up a screen (item → section → overview →
list), and /cancel closes the draft.
"""

from __future__ import annotations

from bot.compose.plan import Plan
from bot.dialogue.actions import Action, Code
from bot.dialogue.codes.draft import DraftAct
from bot.dialogue.draft import (
    _add,
    _asked,
    _export,
    _items,
    _list,
    _overview,
    _todo,
    _topics,
    _writing,
)
from bot.dialogue.draft._add import add_menu
from bot.dialogue.draft._common import Handler, load_plan
from bot.dialogue.draft._export import export_menu
from bot.dialogue.draft._items import item_view, section_view
from bot.dialogue.draft._list import confirm_drop, drafts_list
from bot.dialogue.draft._overview import overview
from bot.dialogue.draft._todo import todo_view
from bot.dialogue.router import Feature
from bot.dialogue.state.draft import Screen, View
from bot.dialogue.turn import Rejected, Turn
from bot.dialogue.types import Reply
from bot.errors import InputError
from bot.store.models import DraftRecord

PRIORITY = 40  # after what the bot waits for; before the interview an open draft hides
PRESSES: dict[Code, Handler] = {
    **_list.PRESSES, **_overview.PRESSES, **_items.PRESSES, **_add.PRESSES, **_todo.PRESSES,
    **_export.PRESSES, **_asked.PRESSES, **_writing.PRESSES, **_topics.PRESSES,
}
assert set(PRESSES) == set(DraftAct), set(DraftAct) ^ set(PRESSES)


def _press(turn: Turn, action: Action) -> list[Reply]:
    return PRESSES[action.act](turn, action)


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
    return _again(turn, view, record)


def _again(turn: Turn, view: View, record: DraftRecord) -> Reply:
    """The view's screen of the draft; the overview if what it showed is gone."""
    s, i = _position(view, load_plan(record))
    if s is not None:
        if view.screen is Screen.ITEM and i is not None:
            return item_view(turn, record, s, i)
        if view.screen in (Screen.SECTION, Screen.ITEM):
            return section_view(turn, record, s)
        if view.screen is Screen.ADD:
            return add_menu(turn, record, s)
        if view.screen is Screen.MOVE and i is not None:
            return _writing.move_menu(turn, record, s, i)
        if view.screen is Screen.SECTION_MOVE:
            return _writing.section_move_menu(turn, record, s)
    if view.screen is Screen.TODO:
        return todo_view(turn, record)
    if view.screen is Screen.TOPICS:
        return _topics.topics_menu(turn, record)
    if view.screen is Screen.EXPORT:
        return export_menu(turn, record)
    if view.screen is Screen.DELETE and record.owner == turn.user_id:
        return confirm_drop(turn, record)
    return overview(turn, record)


def _position(view: View, plan: Plan) -> tuple[int | None, int | None]:
    """The view's section and item, where the plan still has them."""
    sections = plan.sections
    s = view.section if view.section < len(sections) else None
    i = view.item if s is not None and view.item < len(sections[s].items) else None
    return s, i


def up(turn: Turn) -> Reply | None:
    """/back in a draft: item → section → overview → list; ``None`` from the list."""
    view = turn.session.view
    assert view is not None
    if view.screen is Screen.LIST:
        return None
    if view.screen is Screen.MOVE:
        turn.session.view = view.model_copy(update={"screen": Screen.ITEM})
    elif view.screen in (Screen.ITEM, Screen.ADD, Screen.SECTION_MOVE):
        turn.session.view = view.model_copy(update={"screen": Screen.SECTION})
    elif view.screen is Screen.OVERVIEW:
        turn.session.view = View(screen=Screen.LIST)
    else:
        turn.session.view = view.model_copy(update={"screen": Screen.OVERVIEW})
    return show(turn)


def _drafts(turn: Turn) -> list[Reply]:
    turn.session.pending = None
    return [drafts_list(turn)]


def _open(turn: Turn) -> bool:
    return turn.session.view is not None


def _text(turn: Turn, text: str) -> list[Reply] | None:
    view = turn.session.view
    if view is not None and view.screen is Screen.MOVE:  # the place's number presses its button
        raise InputError("move_to_number")
    if view is not None and view.screen is Screen.SECTION_MOVE:
        raise InputError("section_move_number")
    if _open(turn):
        raise InputError("use_buttons")
    return None


def _back(turn: Turn) -> list[Reply] | None:
    """Up a screen; from the list, back to what the draft was opened over (or the top)."""
    if not _open(turn):
        return None
    shown = up(turn)
    if shown is not None:
        return [shown]
    if len(turn.session.modes) > 1:  # the mode the list was opened over (an interview)
        turn.session.pop(View)
        return turn.current_screen()
    return [Reply(text=turn.say("top_level")), show(turn)]


def _skip(turn: Turn) -> list[Reply] | None:
    if _open(turn):
        raise InputError("nothing_to_skip")
    return None


def _cancel(turn: Turn) -> list[Reply] | None:
    if turn.session.pop(View) is None:
        return None
    return [Reply(text=turn.say("draft_closed")), *turn.current_screen()]


def _help(turn: Turn) -> list[Reply] | None:
    view = turn.session.view
    return turn.help_screen(view.screen.value) if view is not None else None


FEATURE = Feature(
    name="draft", priority=PRIORITY, acts=frozenset(DraftAct), mode=View, press=_press,
    commands={"drafts": _drafts},
    text=_text, screen=lambda turn: [show(turn)] if _open(turn) else None,
    back=_back, skip=_skip, cancel=_cancel, help=_help,
)
