"""Editing a draft plan: swap a wording, edit, move, delete and restore, add a clause, fill in.

Plain functions over a ``Plan`` (changed in place) and the library; they raise ``InputError`` with
a message id when the user asks for something that cannot be done. A user's targets live in
``plan.targets``: every re-rendering uses them, so a figure survives a change of wording.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.compose.assemble import Composer, PlanRequest
from bot.compose.context import Region, default_bureau
from bot.compose.gazetteer import MatchStatus, region_from_parts, resolve_region
from bot.compose.plan import PLACEHOLDER_RE, Item, Plan, Section, SectionRole
from bot.compose.render import Missing
from bot.compose.targets import normalise_target
from bot.errors import InputError
from bot.library.library import Library
from bot.library.models import Clause, ClauseKind

MAX_ITEM_TEXT = 2000
MAX_NAME = 60
REGION_KEY = "@region"  # the to-do entry of a placeholder region (某县 → 【待填：县名】)
_ADDABLE = {
    SectionRole.TOPIC: ClauseKind.TASK,
    SectionRole.SAFEGUARDS: ClauseKind.SAFEGUARD,
    SectionRole.TARGETS: ClauseKind.TARGET,
}


def request_for(plan: Plan) -> PlanRequest:
    """The request a plan answers, as it stands now (its topics, targets, region, bureau)."""
    topics = [s.id for s in plan.sections if s.role is SectionRole.TOPIC]
    return PlanRequest(
        region=plan.region, year=plan.year, kind=plan.kind, topics=topics,
        targets=dict(plan.targets), style=plan.style, bureau=plan.bureau,
    )


def composer_for(plan: Plan, library: Library) -> Composer:
    return Composer(library, request_for(plan))


def clause_of(item: Item, library: Library) -> Clause | None:
    return library.clause(item.clause_id) if item.clause_id else None


def wording_count(item: Item, library: Library) -> int:
    clause = clause_of(item, library)
    return len(clause.wordings()) if clause else 1


def swap_wording(plan: Plan, library: Library, s: int, i: int) -> Item:
    """The next wording of the item's clause; an item the user rewrote keeps the user's text."""
    item = plan.sections[s].items[i]
    if item.edited:
        raise InputError("edited_no_swap")
    clause = clause_of(item, library)
    if clause is None or len(clause.wordings()) < 2:
        raise InputError("no_other_wording")
    new = composer_for(plan, library).render_item(clause, item.variant + 1)
    plan.sections[s].items[i] = new
    return new


def swap_heading(plan: Plan, library: Library, s: int) -> str:
    """The next wording of a section heading that comes from a heading clause."""
    section = plan.sections[s]
    clause = library.clause(section.heading_clause) if section.heading_clause else None
    if clause is None or len(clause.wordings()) < 2:
        raise InputError("no_other_wording")
    variant = (section.heading_variant + 1) % len(clause.wordings())
    section.heading = composer_for(plan, library).heading(clause, variant)
    section.heading_variant = variant
    return section.heading


def edit_item(plan: Plan, s: int, i: int, text: str) -> None:
    item = plan.sections[s].items[i]
    item.text = checked_text(text, MAX_ITEM_TEXT, "edit")
    item.edited = True


def checked_text(text: str, limit: int, what: str) -> str:
    """A text the user typed, stripped; ``<what>_empty`` / ``<what>_too_long`` otherwise."""
    value = text.strip()
    if not value:
        raise InputError(f"{what}_empty")
    if len(value) > limit:
        raise InputError(f"{what}_too_long", limit=limit, length=len(value))
    return value


def move_item(plan: Plan, s: int, i: int, delta: int) -> int:
    """Move an item up (-1) or down (+1) within its section; the new index."""
    items = plan.sections[s].items
    j = i + delta
    if not 0 <= j < len(items):
        raise InputError("cannot_move_up" if delta < 0 else "cannot_move_down")
    items[i], items[j] = items[j], items[i]
    return j


def delete_item(plan: Plan, s: int, i: int) -> Item:
    return plan.sections[s].items.pop(i)


def restore_item(plan: Plan, section_id: str, index: int, item: Item) -> int:
    """Put a deleted item back where it was; the index of its section."""
    for s, section in enumerate(plan.sections):
        if section.id == section_id:
            section.items.insert(min(index, len(section.items)), item)
            return s
    raise InputError("undo_gone")


def addable(plan: Plan, library: Library, s: int) -> list[Clause]:
    """Clauses that fit this section and are not in it yet (optional ones included)."""
    section = plan.sections[s]
    kind = _ADDABLE.get(section.role)
    if kind is None:
        return []
    present = {item.clause_id for item in section.items}
    found: list[Clause] = []
    for topic in _source_topics(plan, library, section):
        found.extend(
            clause for clause in library.fitting(topic, kind, plan.year, plan.region.level)
            if clause.id not in present
        )
    return found


def _source_topics(plan: Plan, library: Library, section: Section) -> list[str]:
    if section.role is SectionRole.TOPIC:
        return [section.id]
    kind = library.kind(plan.kind)
    if section.role is SectionRole.TARGETS:
        chosen = request_for(plan).topics
        return kind.targets_topics(chosen) if kind else chosen
    specs = kind.sections if kind else []
    return [spec.topic for spec in specs if spec.role is section.role and spec.topic]


def add_clause(plan: Plan, library: Library, s: int, clause: Clause) -> int:
    """Append the clause, rendered with the user's targets; the new item's index."""
    items = plan.sections[s].items
    items.append(composer_for(plan, library).render_item(clause))
    return len(items) - 1


# --- the to-do list of placeholders ----------------------------------------------------------


@dataclass(frozen=True)
class TodoEntry:
    """One 【待填：label】: a declared variable (``key``), the region, or text to edit by hand."""

    label: str
    key: str | None
    places: tuple[tuple[int, int], ...]  # (section, item); item -1: the heading; (-1, -1): title


def todo(plan: Plan, library: Library) -> list[TodoEntry]:
    """Every placeholder left in the plan, in reading order, with how to fill it."""
    keys = _fillable(plan, library)
    places: dict[str, list[tuple[int, int]]] = {}
    for where, text in _texts(plan):
        for label in PLACEHOLDER_RE.findall(text):
            spots = places.setdefault(label, [])
            if where not in spots:
                spots.append(where)
    return [TodoEntry(label, keys.get(label), tuple(spots)) for label, spots in places.items()]


def _fillable(plan: Plan, library: Library) -> dict[str, str]:
    """Placeholder label → what fills it: a variable of an untouched item, or the region."""
    keys: dict[str, str] = {}
    region = PLACEHOLDER_RE.fullmatch(plan.region.full_name)
    if region:
        keys[region.group(1)] = REGION_KEY
    for section in plan.sections:
        for item in section.items:
            clause = clause_of(item, library)
            if clause is None or item.edited:
                continue
            for key, spec in clause.vars.items():
                if key not in plan.targets:
                    keys.setdefault(spec.label, key)
    return keys


def _texts(plan: Plan) -> list[tuple[tuple[int, int], str]]:
    out: list[tuple[tuple[int, int], str]] = [((-1, -1), plan.title)]
    for s, section in enumerate(plan.sections):
        out.append(((s, -1), section.heading))
        out.extend(((s, i), f"{item.title}{item.text}") for i, item in enumerate(section.items))
    return out


@dataclass(frozen=True)
class FillResult:
    updated: int  # items rendered again with the value
    by_hand: tuple[tuple[int, int], ...]  # edited items that still hold the placeholder


def fill_target(plan: Plan, library: Library, key: str, raw: str) -> FillResult:
    """Give a declared variable its value and render every untouched item that uses it."""
    spec = library.vars.get(key)
    if spec is None:
        raise InputError("unknown_target", key=key)
    plan.targets[key] = normalise_target(key, spec, raw)
    composer = composer_for(plan, library)
    placeholder = str(Missing(spec.label))
    updated, by_hand = 0, []
    for s, section in enumerate(plan.sections):
        for i, item in enumerate(section.items):
            clause = clause_of(item, library)
            if clause is None or key not in clause.vars:
                continue
            if item.edited:
                if placeholder in item.title + item.text:
                    by_hand.append((s, i))
                continue
            section.items[i] = composer.render_item(clause, item.variant)
            updated += 1
    return FillResult(updated, tuple(by_hand))


def fill_region(plan: Plan, library: Library, text: str) -> FillResult:
    """Name a placeholder region; everything that was rendered for it is rendered again."""
    name = checked_text(text, MAX_NAME, "region")
    old = composer_for(plan, library)
    match = resolve_region(name, plan.region.level)
    if match.status is MatchStatus.EXACT:
        region = match.candidates[0]
    elif match.query and match.status is not MatchStatus.PLACEHOLDER:
        region = region_from_parts(name, plan.region.level, plan.region.province)
    else:
        raise InputError("region_empty")
    return _rerender(plan, library, old, region)


def _rerender(plan: Plan, library: Library, old: Composer, region: Region) -> FillResult:
    placeholder = plan.region.full_name
    if plan.bureau == default_bureau(plan.region):
        plan.bureau = default_bureau(region)
    plan.region = region
    new = composer_for(plan, library)
    if plan.title == old.title():
        plan.title = new.title()
    updated, by_hand = 0, []
    for s, section in enumerate(plan.sections):
        heading = library.clause(section.heading_clause) if section.heading_clause else None
        if heading is not None and section.heading == old.heading(heading, section.heading_variant):
            section.heading = new.heading(heading, section.heading_variant)
        for i, item in enumerate(section.items):
            clause = clause_of(item, library)
            if clause is not None and not item.edited:
                section.items[i] = new.render_item(clause, item.variant)
                updated += 1
            elif placeholder in item.title + item.text:
                by_hand.append((s, i))
    return FillResult(updated, tuple(by_hand))
