"""The to-do list of placeholders left in a draft, and filling them in (a target, the region).

Plain functions over a ``Plan`` (changed in place) and the library, like ``compose.refine``; a
user's value lands in ``plan.targets`` and every untouched item that uses it is rendered again.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.compose.assemble import Composer
from bot.compose.context import Region, default_bureau
from bot.compose.gazetteer import MatchStatus, region_from_parts, resolve_region
from bot.compose.plan import PLACEHOLDER_RE, Plan
from bot.compose.refine import MAX_NAME, checked_text, clause_of, composer_for
from bot.compose.render import Missing
from bot.compose.targets import normalise_target
from bot.errors import InputError
from bot.library.library import Library

__all__ = ["REGION_KEY", "FillResult", "TodoEntry", "fill_region", "fill_target", "todo"]


REGION_KEY = "@region"  # the to-do entry of a placeholder region (某县 → 【待填：县名】)

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
    name = checked_text(text, MAX_NAME, "region", one_line=True)
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
