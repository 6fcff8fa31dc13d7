"""牵头科室 and 配合单位 of a draft's sections, for the 重点工作任务分解表 (``bot.compose.tasks``).

A section that holds tasks shows two buttons on the draft's section screen (``office_buttons``):
each opens a picker with the names this user gave before (``Session.offices``, the last used
first) as buttons, 清除 when one is set, and 返回本节; a typed name sets the section's field and
joins the list. What is never set is 【待填】 in the table.
"""

from __future__ import annotations

from bot.dialogue.actions import Code
from bot.dialogue.codes.offices import OfficeAct
from bot.dialogue.offices import _choose
from bot.dialogue.router import Feature, Handler, Press
from bot.dialogue.state.offices import OfficeChoice
from bot.dialogue.turn import Rejected, Turn
from bot.dialogue.types import Reply

__all__ = ["FEATURE"]

PRIORITY = 32  # after the draft's own input (30), before the draft's screens (40)
_PRESSES: dict[Code, Press] = {OfficeAct.CHOOSE: _choose.choose, OfficeAct.PICK: _choose.pick,
            OfficeAct.CLEAR: _choose.clear}


def _current(turn: Turn) -> bool:
    return isinstance(turn.session.current, OfficeChoice)


def _text(turn: Turn, text: str) -> list[Reply] | None:
    return _choose.typed(turn, text) if _current(turn) else None


def _screen(turn: Turn) -> list[Reply] | None:
    if turn.session.mode(OfficeChoice) is None:
        return None
    try:
        return [_choose.shown_again(turn)]
    except Rejected:  # the draft or the section is gone: nothing to choose any more
        turn.session.leave(OfficeChoice)
        return None


def _words(turn: Turn) -> tuple[list[Reply], bool] | None:
    """Typed words press a name's button only when they are its whole label: 办公 is a new
    name, not 办公室."""
    shown = _screen(turn) if _current(turn) else None
    return (shown, False) if shown else None


def _stopped(message_id: str | None) -> Handler:
    def stop(turn: Turn) -> list[Reply] | None:
        if turn.session.pop(OfficeChoice) is None:
            return None
        note = [Reply(text=turn.say(message_id))] if message_id else []
        return [*note, *turn.current_screen()]

    return stop


def _help(turn: Turn) -> list[Reply] | None:
    return turn.help_screen("input_office") if _current(turn) else None


def _interrupted(turn: Turn) -> None:
    turn.session.leave(OfficeChoice)


FEATURE = Feature(
    name="offices", priority=PRIORITY, acts=frozenset(OfficeAct), mode=OfficeChoice,
    press=lambda turn, action: _PRESSES[action.act](turn, action),
    text=_text, screen=_screen, words=_words,
    back=_stopped(None), skip=_stopped(None), cancel=_stopped("office_cancelled"),
    help=_help, interrupted=_interrupted,
)
