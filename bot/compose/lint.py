"""Era and leftover checks on a finished plan (rules are data: ``snippets/_lint.yaml``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from bot.compose.plan import Plan
from bot.library.eras import LintFile

__all__ = ["lint_plan", "lint_text"]


@dataclass(frozen=True)
class LintFinding:
    term: str
    reason: str
    text: str  # the sentence fragment it was found in


def lint_text(text: str, year: int, rules: LintFile) -> list[LintFinding]:
    """Terms in ``text`` that a plan of ``year`` must not contain."""
    found: list[LintFinding] = []
    for rule in rules.always:
        found.extend(_matches(rule.regex.finditer(text), rule.reason, text))
    for rule in rules.rules:
        if not rule.allows(year):
            uses = (m for m in rule.regex.finditer(text) if rule.used_at(text, m))
            found.extend(_matches(uses, rule.reason, text))
    return found


def lint_plan(plan: Plan, rules: LintFile) -> list[LintFinding]:
    return [f for text in plan.texts() for f in lint_text(text, plan.year, rules)]


def _matches(matches: Iterator[re.Match[str]], reason: str, text: str) -> list[LintFinding]:
    out = []
    for match in matches:
        start, end = match.span()
        out.append(LintFinding(match.group(0), reason, text[max(0, start - 12): end + 12]))
    return out
