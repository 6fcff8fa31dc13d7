"""提法 out of date for the plan's year, leftovers of other plans, what is left to fill in.

All three are the rules of ``_lint.yaml``: ``rules`` (a term and the years it holds, the source
it rests on, the fix: the year's wording from ``_eras.yaml`` or a word such as the period),
``always`` (20XX, XX县, *市 …) and ``unfilled`` (【待填：…】, blank brackets and lines).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from bot.check.findings import Finding, Group
from bot.check.pieces import Piece
from bot.compose.context import plan_period
from bot.library.eras import LintRule
from bot.library.library import Library

__all__ = ["fix_for", "leftovers", "out_of_date"]

_AROUND = 14  # characters of context either side of what was found


def out_of_date(pieces: Iterable[Piece], year: int, library: Library) -> Iterator[Finding]:
    for piece in pieces:
        text = piece.whole
        for rule in library.lint.rules:
            if rule.allows(year):
                continue
            for match in rule.regex.finditer(text):
                if rule.used_at(text, match):
                    yield Finding(Group.TERMS, "term", piece.place, match.group(0),
                                  fix_for(rule, year, library), _params(rule, text, match, year))


def fix_for(rule: LintRule, year: int, library: Library) -> str:
    """What a plan of ``year`` says instead, where the rule knows ("" otherwise)."""
    if rule.instead is not None:
        return rule.instead.replace("{period}", plan_period(year)).replace("{year}", str(year))
    if rule.era is not None and library.eras.lookup(year).known:
        return library.eras.lookup(year).wording.get(rule.era, "")
    return ""


def leftovers(pieces: Iterable[Piece], library: Library) -> Iterator[Finding]:
    for piece in pieces:
        text = piece.whole
        for group, rules in ((Group.LEFTOVER, library.lint.always),
                             (Group.UNFILLED, library.lint.unfilled)):
            for rule in rules:
                for match in rule.regex.finditer(text):
                    yield Finding(group, group.value, piece.place, match.group(0),
                                  params={"reason": rule.reason, "context": context(text, match)})


def context(text: str, match: re.Match[str]) -> str:
    start, end = match.span()
    return text[max(0, start - _AROUND): end + _AROUND]


def _params(rule: LintRule, text: str, match: re.Match[str], year: int) -> dict[str, str | int]:
    return {"reason": rule.reason, "source": rule.source, "year": year,
            "context": context(text, match)}
