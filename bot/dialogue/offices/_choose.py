"""A section's 牵头科室 or 配合单位: the picker (the user's names as buttons, 清除, 返回本节), a
press that sets one, a typed name that sets it and joins the user's list (返回本节 is the draft's
own button).

The picker is a mode (``OfficeChoice``) over the draft's section screen: while it is shown a
typed text is a new name; /back, /cancel and 返回本节 go back to the section. The section is found
again by its id, so a name typed after someone changed the draft still lands on its section.
"""

from __future__ import annotations

from bot.compose.plan import Plan, Section
from bot.compose.refine import checked_text
from bot.compose.tasks import holds_tasks
from bot.dialogue.actions import Action
from bot.dialogue.codes.draft import DraftAct
from bot.dialogue.codes.offices import OfficeAct
from bot.dialogue.draft import load_plan, save, section_name
from bot.dialogue.state.draft import Screen, View
from bot.dialogue.state.offices import OfficeChoice, Unit
from bot.dialogue.turn import Rejected, Turn, revision_tag, rows
from bot.dialogue.types import Reply
from bot.store.models import DraftRecord

UNITS = tuple(Unit)  # a button's number is the unit's index here
MAX_NAME = {Unit.LEAD: 30, Unit.PARTNERS: 60}


def _unit(number: int) -> Unit:
    if not 0 <= number < len(UNITS):
        raise Rejected("button_invalid")
    return UNITS[number]


def _section(plan: Plan, s: int) -> Section:
    if not 0 <= s < len(plan.sections) or not holds_tasks(plan.sections[s]):
        raise Rejected("button_invalid")
    return plan.sections[s]


def picker(turn: Turn, record: DraftRecord, s: int, unit: Unit) -> Reply:
    plan = load_plan(record)
    section = _section(plan, s)
    turn.session.enter(OfficeChoice(unit=unit, draft_id=record.id, section=s,
                                    section_id=section.id))
    rev = revision_tag(record)
    names = turn.session.offices.of(unit)
    k = UNITS.index(unit)
    picks = [turn.button(name, OfficeAct.PICK, record.id, rev, s, k, n)
             for n, name in enumerate(names)]
    tools = [turn.labelled("btn_section_back", DraftAct.SECTION, record.id, rev, s)]
    current = getattr(section, unit.value)
    if current:
        tools.insert(0, turn.labelled("btn_office_clear", OfficeAct.CLEAR, record.id, rev, s, k))
    text = turn.say("office_picker", unit=unit.value, section=section_name(turn, plan, s),
                    current=current or "", listed=bool(names), limit=MAX_NAME[unit])
    return turn.reply(text, [*rows(picks, 2), tools], asks_text=True)


def _set(
    turn: Turn, record: DraftRecord, s: int, unit: Unit, name: str | None
) -> list[Reply]:
    plan = load_plan(record)
    section = _section(plan, s)
    setattr(section, unit.value, name)
    record = save(turn, record, plan)
    if name:
        turn.session.offices.remember(unit, name)
    note = turn.say("office_set", unit=unit.value, section=section_name(turn, plan, s),
                    name=name or "")
    return back_to_section(turn, record, s, note)


def back_to_section(turn: Turn, record: DraftRecord, s: int, note: str) -> list[Reply]:
    """The note in place of the picker, then the section's screen (the draft's own) under it."""
    turn.session.leave(OfficeChoice)
    turn.session.view = View(screen=Screen.SECTION, draft_id=record.id, section=s)
    screen = [r.model_copy(update={"edit": False}) for r in turn.current_screen()]
    return [turn.reply(note), *screen]


# --- presses ------------------------------------------------------------------------------


def choose(turn: Turn, action: Action) -> list[Reply]:
    record = turn.current(action.draft, action.ints[0])
    return [picker(turn, record, action.ints[1], _unit(action.ints[2]))]


def pick(turn: Turn, action: Action) -> list[Reply]:
    record = turn.current(action.draft, action.ints[0])
    s, unit, n = action.ints[1], _unit(action.ints[2]), action.ints[3]
    names = turn.session.offices.of(unit)
    if not 0 <= n < len(names):
        raise Rejected("button_invalid")
    return _set(turn, record, s, unit, names[n])


def clear(turn: Turn, action: Action) -> list[Reply]:
    record = turn.current(action.draft, action.ints[0])
    return _set(turn, record, action.ints[1], _unit(action.ints[2]), None)


# --- a typed name -------------------------------------------------------------------------


def typed(turn: Turn, text: str) -> list[Reply]:
    """A new name for the section the picker is about: checked, set, added to the user's list."""
    choice = turn.session.mode(OfficeChoice)
    assert choice is not None
    name = checked_text(text, MAX_NAME[choice.unit], "office", one_line=True)
    try:
        record = turn.draft(choice.draft_id)
    except Rejected:
        turn.session.leave(OfficeChoice)
        raise
    s = _find(load_plan(record), choice)
    return _set(turn, record, s, choice.unit, name)


def shown_again(turn: Turn) -> Reply:
    """The picker as it is now (after /help or an error)."""
    choice = turn.session.mode(OfficeChoice)
    assert choice is not None
    record = turn.draft(choice.draft_id)
    return picker(turn, record, _find(load_plan(record), choice), choice.unit)


def _find(plan: Plan, choice: OfficeChoice) -> int:
    """The section's position now: where it was, or where its id moved to."""
    sections = plan.sections
    if choice.section < len(sections) and sections[choice.section].id == choice.section_id:
        return choice.section
    for k, section in enumerate(sections):
        if section.id == choice.section_id:
            return k
    raise Rejected("office_section_gone")
