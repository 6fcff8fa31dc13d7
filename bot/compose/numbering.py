"""Numbering is computed from structure, never stored: 一、 →（一）→ 1. →（1）.

Two styles: hierarchical (sections 一、, items （一）, restarting in each section) and flat
(sections 一、, items 1. numbered straight through the plan).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from bot.compose.plan import NumberingStyle, Plan, SectionRole

__all__ = ["PARAGRAPH", "SECTION", "TITLE", "Line", "chinese_number", "label", "lines"]


_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 24 → 二十四, 100 → 一百 (n ≥ 1)."""
    if n <= 0:
        raise ValueError("numbers start at 1")
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        tens, ones = divmod(n, 10)
        return _DIGITS[tens] + "十" + (_DIGITS[ones] if ones else "")
    hundreds, rest = divmod(n, 100)
    if rest == 0:
        return _DIGITS[hundreds] + "百"
    middle = chinese_number(rest) if rest >= 10 else "零" + _DIGITS[rest]
    if 10 <= rest < 20:
        middle = "一" + middle
    return _DIGITS[hundreds] + "百" + middle


def label(level: int, n: int) -> str:
    """Label of the n-th entry at a level: 1 → 一、, 2 → （一）, 3 → 1., 4 → （1）."""
    if level == 1:
        return f"{chinese_number(n)}、"
    if level == 2:
        return f"（{chinese_number(n)}）"
    if level == 3:
        return f"{n}."
    if level == 4:
        return f"（{n}）"
    raise ValueError(f"no numbering level {level}")


@dataclass(frozen=True)
class Line:
    """One numbered (or plain) unit of the plan as a reader sees it."""

    level: int  # 0 title, 1 section 一、, 2 （一）, 3 1., 4 （1）, 5 plain paragraph
    label: str
    title: str
    text: str
    section: int  # index into plan.sections (-1 for the title)
    item: int  # index into section.items (-1 for a heading)


TITLE, SECTION, PARAGRAPH = 0, 1, 5


def lines(plan: Plan) -> Iterator[Line]:
    """The plan in reading order, each piece with its computed label."""
    yield Line(TITLE, "", plan.title, "", -1, -1)
    hierarchical = plan.style is NumberingStyle.HIERARCHICAL
    counters = [0, 0, 0]  # sections at level 1, sections at level 2, items straight through
    for s_index, section in enumerate(plan.sections):
        if section.role is not SectionRole.CLOSING and section.heading:
            counters[section.level - 1] += 1
            if section.level == 1:
                counters[1] = 0
            n = counters[section.level - 1]
            yield Line(section.level, label(section.level, n), section.heading, "", s_index, -1)
        item_level = section.level + 1 if hierarchical else 3
        local = 0
        for i_index, item in enumerate(section.items):
            if not item.numbered:
                yield Line(PARAGRAPH, "", item.title, item.text, s_index, i_index)
                continue
            local += 1
            counters[2] += 1
            n = local if hierarchical else counters[2]
            yield Line(item_level, label(item_level, n), item.title, item.text, s_index, i_index)
