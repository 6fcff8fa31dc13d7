"""Every check over one plan: a file's outline, or one of our drafts."""

from __future__ import annotations

from collections.abc import Sequence

from bot.check.findings import Finding, Group, Report
from bot.check.marks import punctuation
from bot.check.numbers import numbering
from bot.check.pieces import Piece, from_outline, from_plan
from bot.check.regional import repeats, self_reference
from bot.check.terms import leftovers, out_of_date
from bot.compose.numbering import lines
from bot.compose.plan import PLACEHOLDER_RE, Plan
from bot.compose.region import Region
from bot.library.library import Library
from bot.reading.outline import Outline

__all__ = ["check_outline", "check_pieces", "check_plan"]


def check_outline(
    outline: Outline, library: Library, *, year: int, region: Region | None = None
) -> Report:
    """A plan read from a file, as a plan of ``year`` (and of ``region``, if known)."""
    findings = check_pieces(from_outline(outline), library, year, region)
    named = region is not None and not PLACEHOLDER_RE.search(region.full_name)
    return Report(outline.title, year, region.full_name if named and region else "", findings)


def check_plan(plan: Plan, library: Library) -> Report:
    """One of our drafts, for its own year and region (its numbering is computed, so right)."""
    pieces = from_plan(plan)
    findings = check_pieces(pieces, library, plan.year, plan.region)
    seen = {(f.place.order, f.found) for f in findings}
    findings += [f for f in _marked(plan, pieces) if (f.place.order, f.found) not in seen]
    return Report(plan.title, plan.year, plan.region.full_name, findings)


def _marked(plan: Plan, pieces: Sequence[Piece]) -> list[Finding]:
    """The review marks a roll-forward left on items (``Item.review``: ``code:what``)."""
    out: list[Finding] = []
    for piece, line in zip(pieces, lines(plan), strict=True):
        if line.item < 0:
            continue
        for mark in plan.sections[line.section].items[line.item].review:
            code, _, what = mark.partition(":")
            out.append(Finding(Group.REVIEW, "review_mark", piece.place, what,
                               params={"reason": code}))
    return out


def check_pieces(
    pieces: Sequence[Piece], library: Library, year: int, region: Region | None
) -> list[Finding]:
    found = [
        *out_of_date(pieces, year, library), *leftovers(pieces, library), *numbering(pieces),
        *punctuation(pieces, library.lint.titles), *repeats(pieces, year, library),
    ]
    if region is not None:
        found.extend(self_reference(pieces, region))
    return found
