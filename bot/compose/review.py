"""What a reviewer reads a whole plan for: the same passage said twice.

A plan says each thing once. ``repeated_passages`` finds every run of ``length`` characters (15
by default) that two items of one plan share, the fixed 提法 aside: the year's era wording (the
guiding thought, the congress spirit …), the library's standing formulas (``_lint.yaml``
``formulas``) and the titles of documents in 书名号, which a plan may cite twice.

>>> text = "组织开展校园安全隐患排查整治专项行动"
>>> [r.passage for r in find_repeats([text, "年内" + text], length=15)]
['组织开展校园安全隐患排查整治专']
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.compose.plan import Plan

PASSAGE = 15
_CUT = "\x00"
_TITLE = re.compile(r"《[^《》]*》")


@dataclass(frozen=True)
class Repeat:
    """The first shared run of characters of two items (indexes in reading order)."""

    passage: str
    first: int
    second: int


def item_texts(plan: Plan) -> list[str]:
    """Every item of the plan as one text (its lead and body), in reading order."""
    return [f"{item.title}。{item.text}" for s in plan.sections for item in s.items]


def repeated_passages(
    plan: Plan, fixed: Iterable[str] = (), length: int = PASSAGE
) -> list[Repeat]:
    """Passages of ``length`` characters found in two items of the plan (see module docstring)."""
    return find_repeats(item_texts(plan), fixed, length)


def find_repeats(texts: Sequence[str], fixed: Iterable[str] = (), length: int = PASSAGE
                 ) -> list[Repeat]:
    phrases = sorted({p for p in fixed if p}, key=len, reverse=True)
    seen: dict[str, int] = {}
    found: dict[tuple[int, int], str] = {}
    for index, text in enumerate(texts):
        for phrase in phrases:
            text = text.replace(phrase, _CUT)
        text = _TITLE.sub(_CUT, text)
        for start in range(len(text) - length + 1):
            run = text[start : start + length]
            if _CUT in run:
                continue
            first = seen.setdefault(run, index)
            if first != index:
                found.setdefault((first, index), run)
    return [Repeat(run, a, b) for (a, b), run in sorted(found.items())]
