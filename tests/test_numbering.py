"""Numbering is computed from structure: 一、（一）1.（1）, hierarchical and flat."""

from __future__ import annotations

import pytest

from bot.compose.context import Region
from bot.compose.numbering import chinese_number, label, lines
from bot.compose.plan import Item, NumberingStyle, Plan, Section, SectionRole
from bot.library.models import Level


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, "一"),
        (9, "九"),
        (10, "十"),
        (11, "十一"),
        (20, "二十"),
        (24, "二十四"),
        (99, "九十九"),
        (100, "一百"),
        (101, "一百零一"),
        (110, "一百一十"),
        (123, "一百二十三"),
    ],
)
def test_chinese_numbers(n: int, expected: str) -> None:
    assert chinese_number(n) == expected


def test_labels_per_level() -> None:
    assert [label(level, 2) for level in (1, 2, 3, 4)] == ["二、", "（二）", "2.", "（2）"]


def _plan(style: NumberingStyle, group: bool = False) -> Plan:
    region = Region(province="广东省", name="清远", full_name="清远市", level=Level.CITY)
    level = 2 if group else 1
    sections = [
        Section(
            id="general",
            role=SectionRole.GENERAL,
            heading="总体要求",
            items=[Item(text="总体要求段落。", numbered=False)],
        ),
    ]
    if group:
        sections.append(Section(id="group", role=SectionRole.GROUP, heading="主要工作"))
    sections += [
        Section(
            id="a",
            role=SectionRole.TOPIC,
            level=level,
            heading="甲",
            items=[Item(title="一项", text="内容。"), Item(title="二项", text="内容。")],
        ),
        Section(
            id="b",
            role=SectionRole.TOPIC,
            level=level,
            heading="乙",
            items=[Item(title="三项", text="内容。")],
        ),
        Section(
            id="closing", role=SectionRole.CLOSING, items=[Item(text="结束语。", numbered=False)]
        ),
    ]
    return Plan(
        title="清远市教育局2019年工作要点",
        kind="work_points",
        kind_name="工作要点",
        region=region,
        year=2019,
        bureau="清远市教育局",
        style=style,
        sections=sections,
    )


def test_hierarchical_numbering_restarts_in_each_section() -> None:
    labels = [(line.label, line.title) for line in lines(_plan(NumberingStyle.HIERARCHICAL))]
    assert labels == [
        ("", "清远市教育局2019年工作要点"),
        ("一、", "总体要求"),
        ("", ""),
        ("二、", "甲"),
        ("（一）", "一项"),
        ("（二）", "二项"),
        ("三、", "乙"),
        ("（一）", "三项"),
        ("", ""),
    ]


def test_flat_numbering_runs_straight_through() -> None:
    labels = [line.label for line in lines(_plan(NumberingStyle.FLAT)) if line.label]
    assert labels == ["一、", "二、", "1.", "2.", "三、", "3."]


def test_grouped_sections_go_one_level_down() -> None:
    labels = [
        line.label for line in lines(_plan(NumberingStyle.HIERARCHICAL, group=True)) if line.label
    ]
    assert labels == ["一、", "二、", "（一）", "1.", "2.", "（二）", "1."]


def test_numbering_follows_reordering() -> None:
    plan = _plan(NumberingStyle.HIERARCHICAL)
    plan.sections[1].items.reverse()
    titles = [(line.label, line.title) for line in lines(plan) if line.label.startswith("（")]
    assert titles[:2] == [("（一）", "二项"), ("（二）", "一项")]
