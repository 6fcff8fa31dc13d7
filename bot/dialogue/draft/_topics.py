"""添加重点: a priority area added to a draft after it was made, its clauses where the plan's
kind puts them (``compose.extend``, which asks the assembler)."""

from __future__ import annotations

from bot.compose.extend import add_topic, addable_topics
from bot.dialogue.actions import Action, Code
from bot.dialogue.codes.draft import DraftAct
from bot.dialogue.draft._common import Handler, load_plan, record_view, save
from bot.dialogue.draft._items import section_view
from bot.dialogue.state.draft import Screen
from bot.dialogue.turn import Rejected, Turn, revision_tag, rows
from bot.dialogue.types import Reply
from bot.store.models import DraftRecord

PER_ROW = 2


def topics_menu(turn: Turn, record: DraftRecord) -> Reply:
    plan = load_plan(record)
    record_view(turn, Screen.TOPICS, record)
    rev = revision_tag(record)
    offers = addable_topics(plan, turn.library)
    picks = [turn.button(topic.name, DraftAct.TOPIC_ADD, record.id, rev, k)
             for k, topic in enumerate(offers)]
    names = {topic_id: turn.library.topics[topic_id].name for topic_id in plan.topic_ids()
             if topic_id in turn.library.topics}
    text = turn.screen("add_topic", offers=[t.name for t in offers], chosen=list(names.values()))
    back = [turn.labelled("btn_overview", DraftAct.OPEN, record.id)]
    return turn.reply(text, [*rows(picks, PER_ROW), back])


def _menu(turn: Turn, action: Action) -> list[Reply]:
    return [topics_menu(turn, turn.current(action.draft, action.ints[0]))]


def _add(turn: Turn, action: Action) -> list[Reply]:
    record = turn.current(action.draft, action.ints[0])
    plan = load_plan(record)
    offers = addable_topics(plan, turn.library)
    k = action.ints[1]
    if not 0 <= k < len(offers):
        raise Rejected("button_invalid")
    s = add_topic(plan, turn.library, offers[k].id)
    record = save(turn, record, plan)
    return [section_view(turn, record, s, note=turn.say("topic_added", name=offers[k].name))]


PRESSES: dict[Code, Handler] = {
    DraftAct.TOPIC_MENU: _menu,
    DraftAct.TOPIC_ADD: _add,
}
