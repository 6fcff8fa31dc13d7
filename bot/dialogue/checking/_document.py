"""A plan sent as a document: read at once (a file that cannot be read gets one sentence and
nothing is kept), then 检查 or 结转到新年度; the year asked where it is needed (typed as at the
interview's year question, or a button). A draft's 检查 button checks that draft.

What the session keeps meanwhile is the text read from the document (``DocumentMode``), never
the file; /cancel drops it.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.check import check_outline, check_plan
from bot.compose.targets import parse_year
from bot.dialogue.actions import Action, Code
from bot.dialogue.checking._report import report_replies
from bot.dialogue.checking._roll import roll, take_variant
from bot.dialogue.codes.checking import CheckAct
from bot.dialogue.codes.draft import DraftAct
from bot.dialogue.draft import load_plan
from bot.dialogue.router import Feature
from bot.dialogue.state.document import DocumentMode, DocumentStep
from bot.dialogue.turn import Rejected, Turn, rows
from bot.dialogue.types import Reply
from bot.reading import SUFFIXES, Outline, read_document, read_outline
from bot.roll import plan_region
from bot.roll.structure import sections_of

__all__ = ["FEATURE"]

PRIORITY = 26  # after typed words (a button's words press it), before the draft screens
Handler = Callable[[Turn, Action], list[Reply]]


def _mode(turn: Turn) -> DocumentMode | None:
    current = turn.session.current
    return current if isinstance(current, DocumentMode) else None


def _held(turn: Turn) -> DocumentMode:
    held = turn.session.mode(DocumentMode)
    if held is None:
        raise Rejected("button_invalid")
    return held


def _outline(held: DocumentMode) -> Outline:
    return read_outline(held.paragraphs, traditional=held.traditional)


# --- a document arrives ----------------------------------------------------------------------


def received(turn: Turn) -> list[Reply]:
    event = turn.event
    document = read_document(event.file_name, event.file_bytes)  # InputError: one sentence
    outline = read_outline(document.paragraphs, traditional=document.traditional)
    held = DocumentMode(name=event.file_name[:200], paragraphs=document.paragraphs,
                        traditional=document.traditional)
    turn.session.enter(held)
    return [_choose(turn, held, outline)]


def _choose(turn: Turn, held: DocumentMode, outline: Outline) -> Reply:
    sections = sections_of(outline)
    text = turn.say(
        "doc_received", title=outline.title, name=held.name, year=outline.year or "",
        sections=sum(1 for s in sections if s.heading),
        items=sum(1 for s in sections for i in s.items if i.numbered),
        traditional=held.traditional,
    )
    return turn.reply(text, [[turn.labelled("btn_doc_check", CheckAct.DOC_CHECK),
                              turn.labelled("btn_doc_roll", CheckAct.DOC_ROLL)],
                             [turn.labelled("btn_cancel", CheckAct.DOC_CANCEL)]])


# --- 检查 and 结转 ----------------------------------------------------------------------------


def _check(turn: Turn, _action: Action) -> list[Reply]:
    held = _held(turn)
    outline = _outline(held)
    if outline.year is None:
        return [_ask_year(turn, held, DocumentStep.CHECK_YEAR, None)]
    return _check_as(turn, held, outline, outline.year)


def _check_as(turn: Turn, held: DocumentMode, outline: Outline, year: int) -> list[Reply]:
    held.step = DocumentStep.CHOOSE
    report = check_outline(outline, turn.library, year=year, region=plan_region(outline))
    buttons = [[turn.labelled("btn_doc_roll", CheckAct.DOC_ROLL),
                turn.labelled("btn_cancel", CheckAct.DOC_CANCEL)]]
    return report_replies(turn, report, buttons)


def _roll(turn: Turn, _action: Action) -> list[Reply]:
    held = _held(turn)
    outline = _outline(held)
    return [_ask_year(turn, held, DocumentStep.ROLL_YEAR, outline.year)]


def _ask_year(turn: Turn, held: DocumentMode, step: DocumentStep, year: int | None) -> Reply:
    held.step = step
    today = turn.deps.clock().year
    years = [year + 1] if year is not None and step is DocumentStep.ROLL_YEAR else []
    years = list(dict.fromkeys([*years, today, today + 1] if step is DocumentStep.ROLL_YEAR
                               else [today, today - 1]))
    buttons = [turn.labelled("btn_doc_year", CheckAct.DOC_YEAR, y, year=y) for y in years]
    key = "doc_ask_year_roll" if step is DocumentStep.ROLL_YEAR else "doc_ask_year_check"
    return turn.reply(turn.say(key, suggested=years[0]),
                      [*rows(buttons, 3), [turn.labelled("btn_cancel", CheckAct.DOC_CANCEL)]])


def _year_pressed(turn: Turn, action: Action) -> list[Reply]:
    return _with_year(turn, _held(turn), action.ints[0])


def _with_year(turn: Turn, held: DocumentMode, year: int) -> list[Reply]:
    year = parse_year(str(year))
    outline = _outline(held)
    if held.step is DocumentStep.ROLL_YEAR:
        turn.session.leave(DocumentMode)
        return roll(turn, outline, held.name, year)
    if held.step is DocumentStep.CHECK_YEAR:
        return _check_as(turn, held, outline, year)
    raise Rejected("button_stale")


def _text(turn: Turn, text: str) -> list[Reply] | None:
    held = _mode(turn)
    if held is None or held.step is DocumentStep.CHOOSE:
        return None
    return _with_year(turn, held, parse_year(text.strip()))


def _cancel(turn: Turn, _action: Action | None = None) -> list[Reply]:
    turn.session.leave(DocumentMode)
    return [turn.reply(turn.say("doc_cancelled")), *turn.current_screen()]


def _if_current(handler: Callable[[Turn], list[Reply]]) -> Callable[[Turn], list[Reply] | None]:
    return lambda turn: handler(turn) if _mode(turn) is not None else None


def _screen(turn: Turn) -> list[Reply]:
    held = _mode(turn)
    if held is None:
        return []
    if held.step is DocumentStep.CHOOSE:
        return [_choose(turn, held, _outline(held))]
    outline = _outline(held)
    return [_ask_year(turn, held, held.step, outline.year)]


def _help(turn: Turn) -> list[Reply]:
    return [turn.reply(turn.say("doc_help")), *_screen(turn)]


# --- a draft's 检查 ----------------------------------------------------------------------------


def _check_draft(turn: Turn, action: Action) -> list[Reply]:
    record = turn.draft(action.draft)
    report = check_plan(load_plan(record), turn.library)
    back = [[turn.labelled("btn_overview", DraftAct.OPEN, record.id)]]
    return report_replies(turn, report, back)


def _file(turn: Turn) -> list[Reply]:
    return received(turn)


PRESSES: dict[Code, Handler] = {
    CheckAct.DOC_CHECK: _check, CheckAct.DOC_ROLL: _roll, CheckAct.DOC_YEAR: _year_pressed,
    CheckAct.DOC_CANCEL: _cancel, CheckAct.CHECK_DRAFT: _check_draft,
    CheckAct.ROLL_VARIANT: take_variant,
}


def _press(turn: Turn, action: Action) -> list[Reply]:
    return PRESSES[action.act](turn, action)


FEATURE = Feature(
    name="checking", priority=PRIORITY, acts=frozenset(PRESSES), mode=DocumentMode,
    press=_press, text=_text, file=_file, file_types=frozenset(SUFFIXES), screen=_screen,
    back=_if_current(_cancel), cancel=_if_current(_cancel), help=_if_current(_help),
)
