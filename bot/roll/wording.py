"""Year-bound wording rolled forward: the plan's year, the 提法 of ``_eras.yaml`` and the plan
period, each change listed.

- the year: 2025年 → 2026年 where it is the plan's year (not inside 书名号, not in a span of
  years such as 2021—2025年);
- the era wording: where last year's plan uses the standard wording of its year for a field
  (spirit, year_role, milestone …), the new year's wording of that field replaces it; a field the
  new year leaves empty is not cut out of the sentence, the item is marked for review instead;
- the period and other words with a fix (``_lint.yaml`` ``instead``: 十四五 → 十五五), where the
  new year no longer holds them and they are used, not inside 书名号.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.check.terms import fix_for
from bot.library.library import Library

__all__ = ["Rolled", "roll_text"]

_QUOTED = re.compile(r"《[^《》]*》")
_SPAN = "—－~～至到\\-"


@dataclass(frozen=True)
class Rolled:
    text: str
    changes: list[tuple[str, str, str, dict[str, str | int]]]  # (code, before, after, params)


def roll_text(text: str, library: Library, old: int, new: int) -> Rolled:
    changes: list[tuple[str, str, str, dict[str, str | int]]] = []
    text = _era(text, library, old, new, changes)
    text = _fixed_words(text, library, new, changes)
    text = _year(text, old, new, changes)
    return Rolled(text, changes)


def _era(text: str, library: Library, old: int, new: int,
         changes: list[tuple[str, str, str, dict[str, str | int]]]) -> str:
    before = library.eras.lookup(old)
    after = library.eras.lookup(new)
    if not before.known:
        return text
    fields = sorted(before.wording, key=lambda k: -len(before.wording[k]))
    for name in fields:
        was, now = before.wording[name], after.wording.get(name, "")
        if not was or was == now or was not in text:
            continue
        if not now:
            changes.append(("era_gone", was, "", {"field": name, "year": new}))
            continue
        text = text.replace(was, now)
        changes.append(("era", was, now, {"field": name, "year": new}))
    return text


def _fixed_words(text: str, library: Library, new: int,
                 changes: list[tuple[str, str, str, dict[str, str | int]]]) -> str:
    for rule in library.lint.rules:
        if rule.instead is None or rule.allows(new):
            continue
        fix = fix_for(rule, new, library)
        quoted = [m.span() for m in _QUOTED.finditer(text)]
        spans = [m.span() for m in rule.regex.finditer(text)
                 if rule.used_at(text, m) and not any(a <= m.start() < b for a, b in quoted)]
        for start, end in reversed(spans):
            changes.append(("period", text[start:end], fix, {"reason": rule.reason,
                                                             "source": rule.source}))
            text = text[:start] + fix + text[end:]
    return text


def _year(text: str, old: int, new: int,
          changes: list[tuple[str, str, str, dict[str, str | int]]]) -> str:
    pattern = re.compile(rf"(?<![\d{_SPAN}]){old}(?=\s*年(?![{_SPAN}]))")
    quoted = [m.span() for m in _QUOTED.finditer(text)]
    spans = [m.span() for m in pattern.finditer(text)
             if not any(a <= m.start() < b for a, b in quoted)]
    for start, end in reversed(spans):
        text = text[:start] + str(new) + text[end:]
    if spans:
        changes.append(("year", f"{old}年", f"{new}年", {"count": len(spans)}))
    return text
