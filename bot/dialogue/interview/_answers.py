"""The questions of a new draft, and which one to ask next (the docassemble way).

The questions are a list worked out from the answers so far: region, year, kind, priorities (for
a kind that asks for them; other kinds have their own sections), one question per target the
plan's clauses declare, numbering style. The next question is the
first one the user is asked to see again (``revisit``: /back, or a change from the review), else
the first one without an answer, else the review. Nothing here knows about messages or buttons.
"""

from __future__ import annotations

from bot.compose.assemble import PlanRequest, default_order
from bot.compose.context import Region
from bot.compose.gazetteer import (
    MatchStatus,
    near_regions,
    region_from_parts,
    resolve_region,
    similar_regions,
)
from bot.compose.plan import NumberingStyle
from bot.compose.regions import MAX_REGION_TEXT
from bot.compose.targets import normalise_target, parse_year
from bot.dialogue.state.interview import MAX_HISTORY, Interview, RegionChoice
from bot.errors import InputError
from bot.library.kinds import PlanKind, SectionRole
from bot.library.library import Library
from bot.library.models import Level, Topic, VarSpec

REGION, YEAR, KIND, TOPICS, STYLE, REVIEW = "region", "year", "kind", "topics", "style", "review"
TARGETS = "targets"  # the group of target questions, on the review screen
TARGET_PREFIX = "target:"
REVIEW_ENTRIES = (REGION, YEAR, KIND, TOPICS, TARGETS, STYLE)
LEVELS = (Level.CITY, Level.COUNTY, Level.DISTRICT)
STYLES = (NumberingStyle.HIERARCHICAL, NumberingStyle.FLAT)
MAX_CANDIDATES = 8
DEFAULT_KIND: str = PlanRequest.model_fields["kind"].default


def target_step(key: str) -> str:
    return TARGET_PREFIX + key


def target_key(step: str) -> str | None:
    return step.removeprefix(TARGET_PREFIX) if step.startswith(TARGET_PREFIX) else None


def chosen_kind(iv: Interview, library: Library) -> PlanKind | None:
    return library.kinds.get(iv.kind) if iv.kind else None


def asks_priorities(iv: Interview, library: Library) -> bool:
    """Whether the priorities question is asked (until the kind is known, it is)."""
    kind = chosen_kind(iv, library)
    return kind is None or kind.asks_priorities


def target_vars(iv: Interview, library: Library) -> dict[str, VarSpec]:
    """The figures the plan's clauses declare for this year and level, in plan order."""
    kind = chosen_kind(iv, library)
    if iv.region is None or iv.year is None or kind is None:
        return {}
    return kind.targets_vars(library, iv.year, iv.region.level, default_order(iv.topics))


def _line_only_vars(iv: Interview, library: Library) -> set[str]:
    kind = chosen_kind(iv, library)
    if iv.region is None or iv.year is None or kind is None:
        return set()
    return kind.line_only_vars(library, iv.year, iv.region.level, default_order(iv.topics))


def keeps_target_lines(iv: Interview, library: Library) -> bool:
    """Whether the plan's targets section has every line even without a figure (a 【待填】)."""
    kind = chosen_kind(iv, library)
    return kind is not None and kind.always_targets()


def targets_heading(iv: Interview, library: Library) -> str:
    """The heading of the plan's targets section (工作目标, 主要目标 …); empty if unknown."""
    kind = chosen_kind(iv, library)
    specs = [s for s in kind.sections if s.role is SectionRole.TARGETS] if kind else []
    return specs[0].heading if specs else ""


def flow(iv: Interview, library: Library) -> list[str]:
    targets = [target_step(key) for key in target_vars(iv, library)]
    topics = [TOPICS] if asks_priorities(iv, library) else []
    return [REGION, YEAR, KIND, *topics, *targets, STYLE]


def is_answered(iv: Interview, step: str) -> bool:
    key = target_key(step)
    if key is not None:
        return key in iv.targets or key in iv.skipped or key in iv.left_out
    return {
        REGION: iv.region is not None,
        YEAR: iv.year is not None,
        KIND: iv.kind is not None,
        TOPICS: iv.topics_done and bool(iv.topics),
        STYLE: iv.style is not None,
    }.get(step, False)


def current_step(iv: Interview, library: Library) -> str:
    steps = flow(iv, library)
    for step in iv.revisit:
        if step in steps:
            return step
    return next((step for step in steps if not is_answered(iv, step)), REVIEW)


def revisiting(iv: Interview, library: Library) -> bool:
    """Whether the current question was answered before (then it offers to keep the answer)."""
    step = current_step(iv, library)
    return step in iv.revisit and is_answered(iv, step)


def leave(iv: Interview, step: str) -> None:
    """The user is done with ``step``: remember it for /back, stop asking it again."""
    iv.history = [*iv.history, step][-MAX_HISTORY:]
    iv.revisit = [s for s in iv.revisit if s != step]


def go_back(iv: Interview, library: Library) -> bool:
    """Back to the previous question, answers kept; ``False`` at the first question."""
    if iv.region_choice is not None:
        iv.region_choice = None
        return True
    if iv.choosing_target:  # the list of targets: back to the review
        iv.choosing_target = False
        return True
    step = current_step(iv, library)
    steps = flow(iv, library)
    history = list(iv.history)
    while history:
        previous = history.pop()
        if previous == REVIEW and step != REVIEW:
            iv.history, iv.revisit = history, []
            return True
        if previous in steps and previous != step:
            iv.history, iv.revisit = history, [previous, *iv.revisit]
            return True
    return False


def change(iv: Interview, library: Library, entry: str) -> None:
    """From the review: ask the question of ``entry`` again, then come back to the review; for
    the targets, first the list of them to pick the one to change (``change_target``)."""
    if entry == TARGETS:
        if not target_vars(iv, library):
            raise InputError("no_targets")
        iv.choosing_target = True
        return
    if entry not in flow(iv, library):
        raise InputError("nothing_to_change")
    iv.history = [*iv.history, REVIEW][-MAX_HISTORY:]
    iv.revisit = [entry]
    iv.page = 0


def change_target(iv: Interview, key: str) -> None:
    """The target picked from the list: asked again, then back to the review."""
    if not iv.choosing_target:
        raise InputError("nothing_to_change")
    iv.choosing_target = False
    iv.history = [*iv.history, REVIEW][-MAX_HISTORY:]
    iv.revisit = [target_step(key)]


def keep(iv: Interview, library: Library) -> None:
    """Keep the answer of the question asked again."""
    step = current_step(iv, library)
    if not revisiting(iv, library):
        raise InputError("nothing_to_keep")
    leave(iv, step)


def skip(iv: Interview, library: Library) -> None:
    """/skip: leave a target empty, take the usual kind or style; other answers are needed."""
    step = current_step(iv, library)
    key = target_key(step)
    if key is not None:
        iv.targets.pop(key, None)
        iv.skipped = [*iv.skipped, key] if key not in iv.skipped else iv.skipped
        iv.left_out = [k for k in iv.left_out if k != key]
    elif step == KIND:
        kind = library.kind(DEFAULT_KIND) or next(iter(library.kinds.values()))
        iv.kind = kind.id
    elif step == STYLE:
        iv.style = NumberingStyle.HIERARCHICAL
    elif step == REVIEW:
        raise InputError("review_skip")
    else:
        raise InputError("step_required")
    leave(iv, step)


def skip_all_targets(iv: Interview, library: Library) -> None:
    """全部跳过: the remaining targets that would be lines of 主要目标 are left out of it (those
    skipped one by one keep their line with 【待填】; those given, their figure). A figure a task
    clause needs stays 【待填】 in that clause. A kind whose targets section is always there
    (``KindSection.always``) keeps every line: its remaining targets are passed over, 【待填】."""
    step = current_step(iv, library)
    if target_key(step) is None:
        raise InputError("nothing_to_skip")
    answered = {*iv.targets, *iv.skipped, *iv.left_out}
    left = [k for k in target_vars(iv, library) if k not in answered]
    lines = set() if keeps_target_lines(iv, library) else _line_only_vars(iv, library)
    iv.left_out = [*iv.left_out, *(k for k in left if k in lines)]
    iv.skipped = [*iv.skipped, *(k for k in left if k not in lines)]  # 【待填】 in their clauses
    iv.revisit = [s for s in iv.revisit if target_key(s) is None]
    leave(iv, step)


# --- answers ---------------------------------------------------------------------------------


def answer_region(iv: Interview, text: str) -> MatchStatus:
    """A typed region: taken if it is clear; candidates or a level question otherwise. The
    status says which (``PLACEHOLDER``: taken, its names left 【待填】)."""
    name = text.strip()
    if len(name) > MAX_REGION_TEXT:
        raise InputError("region_too_long", limit=MAX_REGION_TEXT)
    match = resolve_region(name)
    if not match.query:
        raise InputError("region_empty")
    if match.status in (MatchStatus.EXACT, MatchStatus.PLACEHOLDER):
        _set_region(iv, match.candidates[0])
    elif match.status is MatchStatus.AMBIGUOUS:
        candidates = list(match.candidates[:MAX_CANDIDATES])
        iv.region_choice = RegionChoice(name=name, candidates=candidates)
    else:
        province = match.candidates[0].province if match.candidates else ""
        iv.region_choice = RegionChoice(name=name, province=province, similar=_similar(name))
    return match.status


def _similar(name: str) -> list[Region]:
    """Known regions to offer for a name the gazetteer does not know: the same name at another
    level (清远县 → 清远市) if there is one, else the names a typo away (修文具 → 修文县)."""
    return list((similar_regions(name) or near_regions(name))[:MAX_CANDIDATES])


def pick_candidate(iv: Interview, index: int) -> bool:
    """One of the candidates offered; ``False`` if there is no such candidate."""
    choice = iv.region_choice
    if choice is None or not 0 <= index < len(choice.candidates):
        return False
    _set_region(iv, choice.candidates[index])
    return True


def pick_level(iv: Interview, index: int) -> bool:
    """The level of a name the gazetteer does not know; ``False`` if nothing asked for it."""
    choice = iv.region_choice
    if choice is None or choice.candidates or not 0 <= index < len(LEVELS):
        return False
    _set_region(iv, region_from_parts(choice.name, LEVELS[index], choice.province))
    return True


def pick_similar(iv: Interview, index: int) -> bool:
    """One of the known regions offered for an unknown name; ``False`` if there is no such."""
    choice = iv.region_choice
    if choice is None or choice.candidates or not 0 <= index < len(choice.similar):
        return False
    _set_region(iv, choice.similar[index])
    return True


def _set_region(iv: Interview, region: Region) -> None:
    iv.region = region
    iv.region_choice = None
    leave(iv, REGION)


def answer_year(iv: Interview, text: str) -> None:
    iv.year = parse_year(text.strip())
    leave(iv, YEAR)


def answer_kind(iv: Interview, kind_id: str) -> None:
    iv.kind = kind_id
    leave(iv, KIND)


def toggle_topic(iv: Interview, topic_id: str) -> None:
    """Tap order is plan order: a tapped topic goes last; tapped again, it goes away."""
    if topic_id in iv.topics:
        iv.topics = [t for t in iv.topics if t != topic_id]
    else:
        iv.topics = [*iv.topics, topic_id]


def offered_topics(iv: Interview, library: Library) -> list[Topic]:
    """The priorities the user can choose: those with tasks for the year and the region's level
    once both are known (高等教育 is not a county's)."""
    if iv.year is None or iv.region is None:
        return library.priority_topics()
    return library.priority_topics(iv.year, iv.region.level)


def select_all(iv: Interview, library: Library) -> None:
    """Every priority: the ones chosen keep their place, the others follow in default order."""
    rest = [t.id for t in offered_topics(iv, library) if t.id not in iv.topics]
    iv.topics = [*iv.topics, *rest]


def finish_topics(iv: Interview) -> None:
    if not iv.topics:
        raise InputError("topics_none")
    iv.topics_done = True
    leave(iv, TOPICS)


def answer_target(iv: Interview, key: str, spec: VarSpec, text: str) -> None:
    iv.targets = {**iv.targets, key: normalise_target(key, spec, text)}
    iv.skipped = [k for k in iv.skipped if k != key]
    iv.left_out = [k for k in iv.left_out if k != key]
    leave(iv, target_step(key))


def answer_style(iv: Interview, style: NumberingStyle) -> None:
    iv.style = style
    leave(iv, STYLE)


def _required(iv: Interview, asks: bool) -> tuple[Region, int, str]:
    """The answers every plan needs (and the priorities, for a kind that asks for them)."""
    if iv.region is None or iv.year is None or iv.kind is None or (asks and not iv.topics):
        raise InputError("step_required")
    return iv.region, iv.year, iv.kind


def plan_request(iv: Interview, library: Library) -> PlanRequest:
    """What to assemble; only the targets the plan still declares are passed on, those given and
    those passed over (their lines keep a 【待填】 placeholder, as the target question says)."""
    asks = asks_priorities(iv, library)
    region, year, kind = _required(iv, asks)
    declared = target_vars(iv, library)
    return PlanRequest(
        region=region, year=year, kind=kind,
        topics=default_order(iv.topics) if asks else [],
        targets={k: v for k, v in iv.targets.items() if k in declared},
        unknown_targets=[k for k in iv.skipped if k in declared and k not in iv.targets],
        style=iv.style or NumberingStyle.HIERARCHICAL,
    )
