"""Long titles broken between words (GB/T 9704-2012: 词意完整, 排列对称, 梯形或菱形).

Fifty long titles of real bureaus (自治州, 自治县, 教育和体育局 …) and kinds (学校安全工作计划 …),
broken by the export's segmenter; every break is checked against jieba cutting the whole title
by itself, and against terms that must never be parted.
"""

from __future__ import annotations

import io
from itertools import accumulate
from typing import Any

import pytest
from docx import Document
from docx.oxml.ns import qn

from bot.export.docx import plan_to_docx
from bot.export.options import ExportOptions
from bot.export.titles import LINE_UNITS, break_title, line_width, shipped_words, width
from tests.test_export_docx import make_plan

PREFECTURES = (
    "黔东南苗族侗族自治州", "黔南布依族苗族自治州", "黔西南布依族苗族自治州",
    "湘西土家族苗族自治州", "恩施土家族苗族自治州", "延边朝鲜族自治州", "甘孜藏族自治州",
    "阿坝藏族羌族自治州", "凉山彝族自治州", "大理白族自治州", "西双版纳傣族自治州",
    "红河哈尼族彝族自治州", "文山壮族苗族自治州", "楚雄彝族自治州", "德宏傣族景颇族自治州",
    "怒江傈僳族自治州", "迪庆藏族自治州", "临夏回族自治州", "甘南藏族自治州",
    "海西蒙古族藏族自治州", "伊犁哈萨克自治州", "博尔塔拉蒙古自治州", "巴音郭楞蒙古自治州",
    "昌吉回族自治州", "克孜勒苏柯尔克孜自治州",
)
COUNTIES = (
    "三都水族自治县", "威宁彝族回族苗族自治县", "松桃苗族自治县", "务川仡佬族苗族自治县",
    "道真仡佬族苗族自治县", "镇宁布依族苗族自治县", "关岭布依族苗族自治县",
    "紫云苗族布依族自治县", "玉屏侗族自治县", "印江土家族苗族自治县", "沿河土家族自治县",
    "峨边彝族自治县", "马边彝族自治县", "北川羌族自治县", "长阳土家族自治县",
    "五峰土家族自治县", "城步苗族自治县", "通道侗族自治县", "玉龙纳西族自治县",
    "石林彝族自治县",
)
BUREAUS = ("教育局", "教育和体育局", "教育体育局", "教育科技局")
KINDS = ("2026年学校安全工作计划", "2025年教育工作要点", "2026年人才工作计划",
         "2026年暑期工作安排", "2026年工作要点")


def _titles() -> list[str]:
    out = []
    for k, region in enumerate(PREFECTURES + COUNTIES):
        bureau = region + BUREAUS[k % len(BUREAUS)]
        plan = bureau + KINDS[k % len(KINDS)]
        out.append(plan)
        if k % 2 == 0:
            out.append(f"{bureau}关于印发《{plan}》的通知")
    out += ["修文县教育和体育局关于印发《修文县教育和体育局2026年学校安全工作计划》的通知",
            "黔东南苗族侗族自治州教育局2026年学校安全工作计划",
            "北京市海淀区教育委员会2026年教育工作要点（2025—2027年）",
            "新疆生产建设兵团第八师石河子市教育局2026年暑期工作安排",
            "黔南布依族苗族自治州三都水族自治县教育局2025年教育工作要点"]
    return [t for t in out if line_width(t) > LINE_UNITS]


TITLES = _titles()
# never parted, wherever they stand in a title
WHOLE = (
    "自治州", "自治县", "教育和体育局", "教育体育局", "教育科技局", "教育局", "学校安全",
    "工作计划", "工作要点", "工作安排", "人才", "暑期", "关于", "印发", "通知", "2026年",
    "2025年",
)


def test_there_are_fifty_long_titles() -> None:
    assert len(TITLES) >= 50


@pytest.fixture(scope="module")
def words() -> Any:
    return shipped_words()


def breaks(lines: list[str]) -> list[int]:
    return list(accumulate(len(line) for line in lines))[:-1]


@pytest.mark.parametrize("title", TITLES)
def test_no_line_ends_inside_a_word(title: str, words: Any, jieba_tokenizer: Any) -> None:
    lines = break_title(title, words)
    assert "".join(lines) == title
    assert all(line_width(line) <= LINE_UNITS for line in lines), lines
    jieba_bounds = set(accumulate(len(w) for w in jieba_tokenizer.lcut(title, HMM=False)))
    for cut in breaks(lines):
        assert cut in jieba_bounds, (lines, jieba_tokenizer.lcut(title, HMM=False))
        for term in WHOLE:
            start = title.find(term)
            while start >= 0:
                assert not start < cut < start + len(term), (lines, term)
                start = title.find(term, start + 1)
        assert title[cut] not in "》）、，。：" and title[cut - 1] not in "《（", lines


@pytest.mark.parametrize("title", TITLES)
def test_lines_are_balanced_and_no_more_than_needed_plus_one(title: str, words: Any) -> None:
    lines = break_title(title, words)
    fewest = -(-line_width(title) // LINE_UNITS)
    assert fewest <= len(lines) <= fewest + 1, lines
    widths = [line_width(line) for line in lines]
    assert max(widths) - min(widths) <= LINE_UNITS / 2, lines
    # neither a short line between two longer ones (an hourglass)
    assert not any(b < a and b < c for a, b, c in zip(widths, widths[1:], widths[2:],
                                                        strict=False)), lines


def test_the_example_from_the_issue(words: Any) -> None:
    lines = break_title("黔东南苗族侗族自治州教育局2026年学校安全工作计划", words)
    assert lines == ["黔东南苗族侗族自治州教育局", "2026年学校安全工作计划"]


def test_a_short_title_is_one_line(words: Any) -> None:
    assert break_title("清远市教育局2024年工作要点", words) == ["清远市教育局2024年工作要点"]


def test_a_title_of_twenty_characters_with_digits_is_broken(words: Any) -> None:
    """20 characters fill the line only without the space programs set around digits."""
    title = "修文县教育和体育局2026年学校安全工作计划"
    assert width(title) == 20
    assert break_title(title, words) == ["修文县教育和体育局", "2026年学校安全工作计划"]


def test_the_docx_title_is_one_paragraph_with_a_line_break_between_its_lines() -> None:
    plan = make_plan()
    plan.title = "黔东南苗族侗族自治州教育局2026年学校安全工作计划"
    doc = Document(io.BytesIO(plan_to_docx(plan, ExportOptions())))
    title = doc.paragraphs[0]
    assert title.style.name == "Plan Title"
    assert title.text == "黔东南苗族侗族自治州教育局\n2026年学校安全工作计划"
    assert len(title._p.findall(f".//{qn('w:br')}")) == 1
    assert core_title(doc) == plan.title  # the file's title is whole


def core_title(doc: Any) -> str:
    return str(doc.core_properties.title)
