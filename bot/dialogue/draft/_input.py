"""The text the bot asked for about a draft (``Session.pending``): a new wording, a name, a value.

While it waits, a typed text is the answer (``conflict.on_input``: applied, or the conflict
screen), typed words press only a button they name in full, /back, /skip and /cancel stop the
waiting, and a press of another button on a draft ends it.
"""

from __future__ import annotations

from bot.dialogue.draft import _conflict as conflict
from bot.dialogue.router import Feature, Handler
from bot.dialogue.state.draft import Pending
from bot.dialogue.turn import Rejected, Turn
from bot.dialogue.types import Reply

PRIORITY = 30  # after admins' tasks and /clause's question; before the draft screens


def _text(turn: Turn, text: str) -> list[Reply] | None:
    return conflict.on_input(turn, text) if turn.session.pending is not None else None


def _screen(turn: Turn) -> list[Reply] | None:
    if turn.session.pending is None:
        return None
    try:
        return [conflict.prompt(turn)]
    except Rejected:  # the draft or the item is gone: nothing to ask any more
        turn.session.pending = None
        return None


def _words(turn: Turn) -> tuple[list[Reply], bool] | None:
    """The question as it is (the current screen would drop an input it cannot show)."""
    if turn.session.pending is None:
        return None
    return [conflict.prompt(turn)], False


def _stopped(message_id: str | None) -> Handler:
    def stop(turn: Turn) -> list[Reply] | None:
        if turn.session.pop(Pending) is None:  # the current mode, when it is the input's
            return None
        note = [Reply(text=turn.say(message_id))] if message_id else []
        return [*note, *turn.current_screen()]

    return stop


def _help(turn: Turn) -> list[Reply] | None:
    pending = turn.session.pending
    return turn.help_screen(f"input_{pending.kind.value}") if pending is not None else None


def _interrupted(turn: Turn) -> None:
    turn.session.pending = None


FEATURE = Feature(
    name="input", priority=PRIORITY, acts=conflict.ACTS, mode=Pending, press=conflict.on_button,
    keeps_input=True, text=_text, screen=_screen, words=_words,
    back=_stopped(None), skip=_stopped("input_skipped"), cancel=_stopped("input_cancelled"),
    help=_help, interrupted=_interrupted,
)
