"""A draft as the user works on it: the list of drafts, a draft's screens, its presses.

The mode is ``Session.view`` (which screen of which draft); while a draft is open, text is not
an answer to anything (use the buttons), /back goes up a screen (item → section → overview →
list), and /cancel closes the draft.
"""

from __future__ import annotations

from bot.dialogue import drafts, editing
from bot.dialogue.actions import Act, Action
from bot.dialogue.router import Feature
from bot.dialogue.session import View
from bot.dialogue.turn import Turn
from bot.dialogue.types import Reply
from bot.errors import InputError

PRIORITY = 40  # after what the bot waits for; before the interview an open draft hides
ACTS = frozenset({Act.LIST, Act.OPEN, Act.COPY, Act.DROP, Act.DROP_YES, *editing.HANDLERS})


def _press(turn: Turn, action: Action) -> list[Reply]:
    if action.act in editing.HANDLERS:
        return editing.on_button(turn, action)
    return drafts.on_button(turn, action)


def _drafts(turn: Turn) -> list[Reply]:
    turn.session.pending = None
    return [drafts.drafts_list(turn)]


def _open(turn: Turn) -> bool:
    return turn.session.view is not None


def _text(turn: Turn, text: str) -> list[Reply] | None:
    if _open(turn):
        raise InputError("use_buttons")
    return None


def _back(turn: Turn) -> list[Reply] | None:
    """Up a screen; from the list, back to what the draft was opened over (or the top)."""
    if not _open(turn):
        return None
    shown = drafts.up(turn)
    if shown is not None:
        return [shown]
    if len(turn.session.modes) > 1:  # the mode the list was opened over (an interview)
        turn.session.pop(View)
        return turn.current_screen()
    return [Reply(text=turn.say("top_level")), drafts.show(turn)]


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
    name="draft", priority=PRIORITY, acts=ACTS, press=_press, commands={"drafts": _drafts},
    text=_text, screen=lambda turn: [drafts.show(turn)] if _open(turn) else None,
    back=_back, skip=_skip, cancel=_cancel, help=_help,
)
