"""The screens of the interview (one question per step, the review of all answers) and what
their buttons answer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TypeVar

from bot.compose.assemble import default_order
from bot.dialogue.actions import Code
from bot.dialogue.codes.common import Common
from bot.dialogue.codes.interview import InterviewAct as Act
from bot.dialogue.interview import _answers as q
from bot.dialogue.interview._answers import (
    DEFAULT_KIND,
    KIND,
    LEVELS,
    REGION,
    REVIEW,
    REVIEW_ENTRIES,
    STYLE,
    STYLES,
    TARGETS,
    TOPICS,
    YEAR,
    asks_priorities,
    chosen_kind,
    current_step,
    keeps_target_lines,
    offered_topics,
    revisiting,
    target_key,
    target_vars,
    targets_heading,
)
from bot.dialogue.state.interview import Interview
from bot.dialogue.turn import Rejected, Turn, rows
from bot.dialogue.types import Button, Reply
from bot.library.kinds import PlanKind
from bot.library.library import Library
from bot.library.models import MAX_YEAR, MIN_YEAR

MAIN_STEPS = (REGION, YEAR, KIND, TARGETS, STYLE)  # the priorities are the kind's step


def ask(turn: Turn, iv: Interview, *, typing_year: bool = False) -> Reply:
    """The current question of the interview (or the review when everything is answered)."""
    step = current_step(iv, turn.library)
    if step == REGION:
        return _region(turn, iv)
    if step == YEAR:
        return _year(turn, iv, typing_year)
    if step == KIND:
        return _kind(turn, iv)
    if step == TOPICS:
        return _topics(turn, iv)
    if step == STYLE:
        return _style(turn, iv)
    if step == REVIEW:
        return _target_list(turn, iv) if iv.choosing_target else _review(turn, iv)
    key = target_key(step)
    assert key is not None, step
    return _target(turn, iv, key)


def _progress(step: str) -> dict[str, int]:
    """Where the question stands among the main steps: the targets count as one, and so do
    the kind and the priorities (what the plan covers), so the count is the same for every kind
    (one that asks for priorities and one with its own sections) before and after the kind."""
    return {"n": MAIN_STEPS.index(step) + 1, "total": len(MAIN_STEPS)}


def _nav(turn: Turn, iv: Interview) -> list[Button]:
    """上一步 (when there is one) and 保持不变 (when a question is asked again)."""
    row = []
    if iv.history or iv.region_choice is not None:
        row.append(turn.labelled("btn_back", Common.BACK))
    if revisiting(iv, turn.library):
        row.append(turn.labelled("btn_keep", Act.KEEP))
    return row


def _region(turn: Turn, iv: Interview) -> Reply:
    choice = iv.region_choice
    if choice is not None and choice.candidates:
        text = turn.screen("region_choices", typed=choice.name, count=len(choice.candidates))
        picks = [
            turn.button(region.label(), Act.REGION_PICK, index)
            for index, region in enumerate(choice.candidates)
        ]
        return turn.reply(text, [*rows(picks, 1), _nav(turn, iv)])
    if choice is not None:
        levels = [
            turn.labelled(f"btn_level_{level.value}", Act.REGION_LEVEL, index)
            for index, level in enumerate(LEVELS)
        ]
        similar = [
            turn.button(region.label(), Act.REGION_SIMILAR, index)
            for index, region in enumerate(choice.similar)
        ]
        text = turn.screen("region_level", typed=choice.name, similar=len(similar))
        return turn.reply(text, [*rows(similar, 1), levels, _nav(turn, iv)])
    current = iv.region.label() if iv.region else ""
    fresh = not iv.history and iv.region is None
    text = turn.screen("ask_region", fresh=fresh, current=current, **_progress(REGION))
    return turn.reply(text, [_nav(turn, iv)])


def year_choices(today: date) -> list[int]:
    """This year and next year, where they are plan years the library covers."""
    return [y for y in (today.year, today.year + 1) if MIN_YEAR <= y <= MAX_YEAR]


def _year(turn: Turn, iv: Interview, typing: bool) -> Reply:
    today = turn.deps.clock()
    buttons = [
        turn.labelled("btn_year_this" if year == today.year else "btn_year_next", Act.YEAR,
                      year, year=year)
        for year in year_choices(today)
    ]
    if not typing:
        buttons.append(turn.labelled("btn_year_other", Act.YEAR_OTHER))
    text = turn.screen("ask_year", typing=typing, current=iv.year or "", min=MIN_YEAR,
                       max=MAX_YEAR, **_progress(YEAR))
    return turn.reply(text, [buttons, _nav(turn, iv)])


def _kind(turn: Turn, iv: Interview) -> Reply:
    kinds = kind_choices(turn, iv)
    buttons = [turn.button(kind.name, Act.KIND, index) for index, kind in enumerate(kinds)]
    current = turn.library.kinds[iv.kind].name if iv.kind in turn.library.kinds else ""
    text = turn.screen("ask_kind", current=current, **_progress(KIND))
    return turn.reply(text, [buttons, _nav(turn, iv)])


def kind_choices(turn: Turn, iv: Interview) -> list[PlanKind]:
    """The plan kinds a bureau of the region's level writes, in the library's order; among
    equals, the usual one first."""
    level = iv.region.level if iv.region is not None else None
    kinds = [k for k in turn.library.kinds.values() if level is None or k.fits(level)]
    return sorted(kinds, key=lambda kind: (kind.order, kind.id != DEFAULT_KIND))


def topic_pages(turn: Turn, iv: Interview) -> int:
    count = len(offered_topics(iv, turn.library))
    return max(1, -(-count // turn.deps.page_size))


def _topics(turn: Turn, iv: Interview) -> Reply:
    topics = offered_topics(iv, turn.library)
    size, pages = turn.deps.page_size, topic_pages(turn, iv)
    page = min(iv.page, pages - 1)
    toggles = [
        turn.labelled("btn_topic_on" if topic.id in iv.topics else "btn_topic_off", Act.TOPIC,
                      index, name=topic.name)
        for index, topic in enumerate(topics)
        if page * size <= index < (page + 1) * size
    ]
    paging = []
    if page > 0:
        paging.append(turn.labelled("btn_prev_page", Act.TOPIC_PAGE, page - 1))
    if page < pages - 1:
        paging.append(turn.labelled("btn_next_page", Act.TOPIC_PAGE, page + 1))
    finish = [turn.labelled("btn_select_all", Act.TOPIC_ALL),
              turn.labelled("btn_done", Act.TOPICS_DONE)]
    names = {t.id: t.name for t in topics}
    chosen = [names[t] for t in iv.topics if t in names]
    text = turn.screen("ask_topics", chosen=chosen, page=page + 1, pages=pages,
                       **_progress(KIND))
    return turn.reply(text, [*rows(toggles, 2), paging, finish, _nav(turn, iv)])


def _target(turn: Turn, iv: Interview, key: str) -> Reply:
    declared = target_vars(iv, turn.library)
    spec = declared[key]
    skips = [turn.labelled("btn_skip", Act.SKIP), turn.labelled("btn_skip_all", Act.SKIP_ALL)]
    text = turn.screen(
        "ask_target", label=spec.label, type=spec.type.value, unit=spec.unit,
        limit=spec.max_length or 0, current=iv.targets.get(key, ""),
        index=list(declared).index(key) + 1, count=len(declared), **_progress(TARGETS),
        keeps_lines=keeps_target_lines(iv, turn.library), heading=targets_heading(iv, turn.library),
    )
    return turn.reply(text, [skips, _nav(turn, iv)], asks_text=True)


def _style(turn: Turn, iv: Interview) -> Reply:
    buttons = [
        turn.labelled(f"btn_style_{style.value}", Act.STYLE, index)
        for index, style in enumerate(STYLES)
    ]
    current = turn.say(f"style_{iv.style.value}") if iv.style else ""
    text = turn.screen("ask_style", current=current, **_progress(STYLE))
    return turn.reply(text, [buttons, _nav(turn, iv)])


def _review(turn: Turn, iv: Interview) -> Reply:
    library = turn.library
    declared = target_vars(iv, library)
    kind = chosen_kind(iv, library)
    asks = asks_priorities(iv, library)
    topics = library.kind_topics(kind, default_order(iv.topics)) if kind else []
    text = turn.screen(
        "review",
        region=iv.region.label() if iv.region else "",
        year=iv.year,
        kind=kind.name if kind else "",
        topics=[t.name for t in topics],
        fixed=not asks,
        targets=_review_targets(iv, library),
        style=turn.say(f"style_{(iv.style or STYLES[0]).value}"),
    )
    changes = [
        turn.labelled(f"btn_change_{entry}", Act.CHANGE, index)
        for index, entry in enumerate(REVIEW_ENTRIES)
        if (entry != TARGETS or declared) and (entry != TOPICS or asks)
    ]
    generate = [turn.labelled("btn_generate", Act.GENERATE)]
    return turn.reply(text, [*rows(changes, 3), generate, _nav(turn, iv)])


def _review_targets(iv: Interview, library: Library) -> list[dict[str, object]]:
    """Each target as the draft will have it: its figure, a line with 【待填】, or no line (left
    out of a targets section the plan can do without; a kind that always has the section keeps
    every line, 【待填】 where no figure was given)."""
    keeps = keeps_target_lines(iv, library)
    return [{"label": spec.label, "value": iv.targets.get(key, ""), "type": spec.type.value,
             "left_out": key in iv.left_out and not keeps}
            for key, spec in target_vars(iv, library).items()]


def _target_list(turn: Turn, iv: Interview) -> Reply:
    """改目标: the targets with their answers, a button each to change that one."""
    targets = _review_targets(iv, turn.library)
    picks = [turn.labelled("btn_target_pick", Act.TARGET_PICK, k, n=k + 1,
                           label=str(target["label"]))
             for k, target in enumerate(targets)]
    back = [turn.labelled("btn_review_back", Common.BACK)]
    text = turn.screen("target_pick", targets=targets)
    return turn.reply(text, [*rows(picks, 1), back])


# --- what the buttons of these screens do ------------------------------------------------------


T = TypeVar("T")


def _picked(found: bool) -> None:
    if not found:
        raise Rejected("button_invalid")


def _topic_page(turn: Turn, iv: Interview, page: int) -> None:
    iv.page = _pick(list(range(topic_pages(turn, iv))), page)


# What a button of these screens answers: (turn, interview, the button's number) → the
# interview changed (``_flow.on_button`` checks first that the button is the current question's).
PRESSES: dict[Code, Callable[[Turn, Interview, int], None]] = {
    # region
    Act.REGION_PICK: lambda turn, iv, n: _picked(q.pick_candidate(iv, n)),
    Act.REGION_LEVEL: lambda turn, iv, n: _picked(q.pick_level(iv, n)),
    Act.REGION_SIMILAR: lambda turn, iv, n: _picked(q.pick_similar(iv, n)),
    # year (其他年份 only asks to type it, in _flow)
    Act.YEAR: lambda turn, iv, n: q.answer_year(iv, str(n)),
    # kind
    Act.KIND: lambda turn, iv, n: q.answer_kind(
        iv, _pick([k.id for k in kind_choices(turn, iv)], n)),
    # priorities
    Act.TOPIC: lambda turn, iv, n: q.toggle_topic(
        iv, _pick([t.id for t in offered_topics(iv, turn.library)], n)),
    Act.TOPIC_PAGE: lambda turn, iv, n: _topic_page(turn, iv, n),
    Act.TOPIC_ALL: lambda turn, iv, n: q.select_all(iv, turn.library),
    Act.TOPICS_DONE: lambda turn, iv, n: q.finish_topics(iv),
    # numbering style
    Act.STYLE: lambda turn, iv, n: q.answer_style(iv, _pick(list(q.STYLES), n)),
    # review (生成草稿 is _flow.generate)
    Act.CHANGE: lambda turn, iv, n: q.change(iv, turn.library, _pick(list(q.REVIEW_ENTRIES), n)),
    Act.TARGET_PICK: lambda turn, iv, n: q.change_target(
        iv, _pick(list(target_vars(iv, turn.library)), n)),
    # targets, and 保持不变 on a question asked again
    Act.SKIP: lambda turn, iv, n: q.skip(iv, turn.library),
    Act.SKIP_ALL: lambda turn, iv, n: q.skip_all_targets(iv, turn.library),
    Act.KEEP: lambda turn, iv, n: q.keep(iv, turn.library),
}


def _pick(options: list[T], index: int) -> T:
    if not 0 <= index < len(options):
        raise Rejected("button_invalid")
    return options[index]
