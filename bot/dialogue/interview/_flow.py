"""The interview as the user meets it: answers by text or button, back, skip, and the new draft."""

from __future__ import annotations

from bot.compose.assemble import assemble_plan
from bot.compose.context import Region
from bot.compose.gazetteer import MatchStatus
from bot.dialogue import usage
from bot.dialogue.actions import Action, Code
from bot.dialogue.codes.interview import InterviewAct as Act
from bot.dialogue.draft import overview, stamp
from bot.dialogue.interview import _answers as q
from bot.dialogue.interview._questions import PRESSES, ask
from bot.dialogue.router import Feature
from bot.dialogue.state.draft import Screen, View
from bot.dialogue.state.interview import Interview
from bot.dialogue.turn import Rejected, Turn
from bot.dialogue.types import Reply
from bot.errors import InputError
from bot.library.topic_names import match_topic, split_names

# The question a button answers; a press for another question is not from the current screen.
_STEP_OF: dict[Code, str] = {
    Act.REGION_PICK: q.REGION, Act.REGION_LEVEL: q.REGION, Act.REGION_SIMILAR: q.REGION,
    Act.YEAR: q.YEAR,
    Act.YEAR_OTHER: q.YEAR, Act.KIND: q.KIND, Act.TOPIC: q.TOPICS, Act.TOPIC_PAGE: q.TOPICS,
    Act.TOPIC_ALL: q.TOPICS, Act.TOPICS_DONE: q.TOPICS, Act.STYLE: q.STYLE,
    Act.CHANGE: q.REVIEW, Act.GENERATE: q.REVIEW, Act.TARGET_PICK: q.REVIEW,
}
INTERVIEW_ACTS = frozenset({*_STEP_OF, Act.SKIP, Act.SKIP_ALL, Act.KEEP})
# catalogue entries listing the words for this year, next year, last year
_RELATIVE_YEARS = {"year_this_words": 0, "year_next_words": 1, "year_last_words": -1}

INTERVIEW_KEY = "interview"  # draft meta: the key of the interview that made it


def start(turn: Turn) -> list[Reply]:
    """/new: a fresh interview (saved drafts are not touched)."""
    turn.session.interview = Interview()
    turn.session.view = None
    turn.session.pending = None
    return [ask(turn, turn.session.interview)]


def resume(turn: Turn) -> list[Reply]:
    iv = turn.session.interview
    if iv is None:
        raise Rejected("button_invalid")
    turn.session.view = None
    turn.session.pending = None
    return [ask(turn, iv)]


def on_text(turn: Turn, iv: Interview, text: str) -> list[Reply]:
    library = turn.library
    step = q.current_step(iv, library)
    key = q.target_key(step)
    if step == q.REGION:
        if q.answer_region(iv, text) is MatchStatus.PLACEHOLDER and iv.region is not None:
            return [_placeholder_region(turn, iv.region), ask(turn, iv)]
    elif step == q.YEAR:
        q.answer_year(iv, _relative_year(turn, text))
    elif step == q.KIND:
        kind = library.kind(text)
        if kind is None:
            raise InputError("use_buttons")
        if iv.region is not None and not kind.fits(iv.region.level):
            raise InputError("kind_level", kind=kind.name, level=iv.region.level.value,
                             levels=[level.value for level in kind.levels])
        q.answer_kind(iv, kind.id)
    elif step == q.TOPICS:
        _topics_from_text(turn, iv, text)
    elif key is not None:
        q.answer_target(iv, key, q.target_vars(iv, library)[key], text)
    else:
        raise InputError("use_buttons")
    return [ask(turn, iv)]


def _placeholder_region(turn: Turn, region: Region) -> Reply:
    """Said at once for 某县, XX市: the plan will carry a 【待填】 where the name goes."""
    return turn.reply(turn.say("region_placeholder", label=region.full_name))


def _relative_year(turn: Turn, text: str) -> str:
    """今年 / 明年 / 去年 … as the year they mean (the year buttons say 今年 and 明年 too)."""
    said = text.strip()
    for words, offset in _RELATIVE_YEARS.items():
        if said in _words(turn, words):
            return str(turn.deps.clock().year + offset)
    return text


def _topics_from_text(turn: Turn, iv: Interview, text: str) -> None:
    """Priorities typed by name (学前教育、义务教育): each one is added. Synonyms of the 完成 and
    全选 buttons (好了, 全部 …; the buttons' own words are presses already, ``dialogue.typed``) do
    what those buttons do."""
    said = text.strip()
    if said in _words(turn, "topics_done_words"):
        q.finish_topics(iv)
        return
    if said in _words(turn, "topics_all_words"):
        q.select_all(iv, turn.library)
        return
    for topic_id in _typed_topics(turn, iv, text):
        if topic_id not in iv.topics:
            q.toggle_topic(iv, topic_id)


def _typed_topics(turn: Turn, iv: Interview, text: str) -> list[str]:
    """The priorities named in ``text``: by id, name, short name or keyword (``topic_names``);
    ``topic_text_unknown`` for a word that names none, ``topic_text_ambiguous`` for one that
    names several (双减), so the user picks."""
    topics = q.offered_topics(iv, turn.library)
    names = {t.id: t.name for t in topics}
    words = split_names(text)
    chosen: list[str] = []
    for word in words:
        found = match_topic(word, topics)
        if not found:
            raise InputError("topic_text_unknown", word=word, choices="、".join(names.values()))
        if len(found) > 1:
            raise InputError("topic_text_ambiguous", word=word,
                             choices="、".join(names[i] for i in found))
        chosen.append(found[0])
    if not chosen:
        raise InputError("topic_text_unknown", word=text.strip(),
                         choices="、".join(names.values()))
    return chosen


def _words(turn: Turn, message_id: str) -> set[str]:
    """A catalogue entry listing words (``完成、好了``)."""
    return set(split_names(turn.say(message_id)))


def on_button(turn: Turn, iv: Interview, action: Action) -> list[Reply]:
    step = q.current_step(iv, turn.library)
    if action.act in _STEP_OF and _STEP_OF[action.act] != step:
        raise Rejected("button_invalid")
    if step == q.REVIEW and iv.choosing_target != (action.act is Act.TARGET_PICK):
        raise Rejected("button_invalid")  # the review's buttons, or the list of targets'

    if action.act is Act.YEAR_OTHER:
        return [ask(turn, iv, typing_year=True)]
    if action.act is Act.GENERATE:
        return generate(turn, iv)
    answer = PRESSES.get(action.act)
    if answer is not None:
        answer(turn, iv, action.ints[0] if action.ints else 0)
    return [ask(turn, iv)]


def back(turn: Turn, iv: Interview) -> list[Reply]:
    if q.go_back(iv, turn.library):
        return [ask(turn, iv)]
    return [Reply(text=turn.say("first_step")), ask(turn, iv)]


def skip(turn: Turn, iv: Interview) -> list[Reply]:
    q.skip(iv, turn.library)
    return [ask(turn, iv)]


def generate(turn: Turn, iv: Interview) -> list[Reply]:
    """Assemble the plan, save it as a new draft at once, show its overview.

    Idempotent: if this interview already made its draft (the session was not saved after it,
    e.g. a crash), that draft is opened instead of making a second one.
    """
    made = next((r for r in turn.deps.store.drafts.list_for(turn.user_id)
                 if r.owner == turn.user_id and r.meta.get(INTERVIEW_KEY) == iv.key), None)
    if made is not None:
        turn.session.interview = None
        turn.session.view = View(screen=Screen.OVERVIEW, draft_id=made.id)
        return [overview(turn, made, fresh=True)]
    plan = assemble_plan(q.plan_request(iv, turn.library), turn.library)
    meta = {**stamp(turn), INTERVIEW_KEY: iv.key}
    record = turn.deps.store.drafts.create(turn.user_id, plan.title, plan.model_dump(mode="json"),
                                           meta)
    usage.record_draft(turn, plan)
    turn.session.interview = None
    turn.session.view = View(screen=Screen.OVERVIEW, draft_id=record.id)
    return [overview(turn, record, fresh=True)]


# --- the feature ---------------------------------------------------------------------------------

PRIORITY = 50  # last: an open draft, or what the bot asked for, hides the interview


def _press(turn: Turn, action: Action) -> list[Reply]:
    session = turn.session
    if action.act is Act.NEW:
        return start(turn)
    if action.act is Act.RESUME:
        return resume(turn)
    if session.interview is None or session.view is not None or session.pending is not None:
        raise Rejected("button_invalid")
    return on_button(turn, session.interview, action)


def _text(turn: Turn, text: str) -> list[Reply] | None:
    iv = turn.session.interview
    return on_text(turn, iv, text) if iv is not None else None


def _screen(turn: Turn) -> list[Reply] | None:
    iv = turn.session.interview
    return [ask(turn, iv)] if iv is not None else None


def _back(turn: Turn) -> list[Reply] | None:
    iv = turn.session.interview
    return back(turn, iv) if iv is not None else None


def _skip(turn: Turn) -> list[Reply] | None:
    iv = turn.session.interview
    return skip(turn, iv) if iv is not None else None


def _cancel(turn: Turn) -> list[Reply] | None:
    if turn.session.pop(Interview) is None:
        return None
    return [Reply(text=turn.say("interview_cancelled"))]


def _help(turn: Turn) -> list[Reply] | None:
    iv = turn.session.interview
    if iv is None:
        return None
    current = q.current_step(iv, turn.library)
    if current == q.REVIEW and iv.choosing_target:
        return turn.help_screen("target_pick")
    return turn.help_screen("target" if q.target_key(current) else current)


FEATURE = Feature(
    name="interview", priority=PRIORITY, mode=Interview,
    acts=frozenset(Act), press=_press, keeps_input=True,
    commands={"new": start}, text=_text, screen=_screen,
    back=_back, skip=_skip, cancel=_cancel, help=_help,
)
