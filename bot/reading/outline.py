"""Paragraphs read into a plan's outline by their numbering: 一、 →（一）→ 1. →（1）.

Each numbered paragraph is a :class:`Block` with its level, its label as written, the number the
label stands for and the label's style (``、`` or ``．`` after 一; ``（）`` or ``()`` around 一;
``.`` ``、`` ``．`` after 1; 第一，), so the checker can report gaps, repeats and mixed styles and
the roll-forward can rebuild sections and items. A label run into the previous paragraph after
its full stop (text copied from a web page: “……支撑。一、……”), or a bracketed （一） right after a
heading's words (“……引领行动（一）主题教育……”), starts a block of its own.
The title is the first paragraph when it is short and not numbered; the plan's year is the one
in the title (or in “2025年是……” near the start).

>>> o = read_outline(["修文县教育局2025年工作要点", "一、总体要求", "（一）加强党建。正文。"])
>>> o.year, [(b.level, b.label, b.number) for b in o.numbered()]
(2025, [(1, '一、', 1), (2, '（一）', 1)])
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from bot.errors import InputError
from bot.library.models import MAX_YEAR, MIN_YEAR

__all__ = ["PLAIN", "TITLE", "Block", "Outline", "chinese_value", "read_outline"]

TITLE, PLAIN = 0, 5
_CN = "一二三四五六七八九十百零〇"
_LABELS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (2, re.compile(rf"^(?P<open>[（(])(?P<n>[{_CN}]{{1,4}})(?P<close>[）)])")),
    (4, re.compile(r"^(?P<open>[（(])(?P<n>\d{1,3})(?P<close>[）)])")),
    (1, re.compile(rf"^(?P<n>[{_CN}]{{1,4}})(?P<close>[、．.，,])")),
    (3, re.compile(r"^(?P<open>第)?(?P<n>\d{1,3})(?P<close>[.、．，,])(?!\d)")),
    (3, re.compile(rf"^(?P<open>第)(?P<n>[{_CN}]{{1,3}})(?P<close>[，、,])")),
)
_RUN_IN = re.compile(
    rf"(?<=[。；！？])\s*(?=[{_CN}]{{1,3}}、|[（(][{_CN}]{{1,3}}[）)]|\d{{1,2}}[.、．](?!\d))"
    rf"|(?<=[\u4e00-\u9fff])(?<!第)(?=[（(][{_CN}]{{1,3}}[）)][\u4e00-\u9fff])"
)
_YEAR = re.compile(r"(20\d{2})\s*年")
_YEAR_IS = re.compile(r"(20\d{2})\s*年(是|，|,)")
MAX_TITLE = 60


@dataclass(frozen=True)
class Block:
    """One paragraph: ``index`` counts the paragraphs from 1 (for “第N段”)."""

    index: int
    level: int  # 0 title, 1 一、, 2 （一）, 3 1., 4 （1）, 5 a paragraph without a label
    label: str = ""
    number: int | None = None
    style: str = ""
    text: str = ""

    @property
    def whole(self) -> str:
        return f"{self.label}{self.text}"


@dataclass(frozen=True)
class Outline:
    title: str
    year: int | None
    blocks: list[Block] = field(default_factory=list)
    traditional: bool = False

    def numbered(self) -> list[Block]:
        return [b for b in self.blocks if 1 <= b.level <= 4]


def chinese_value(text: str) -> int | None:
    """一 → 1, 十二 → 12, 二十四 → 24, 一百零五 → 105 (None if it is not a number)."""
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0}
    total, current = 0, 0
    for char in text:
        if char in digits:
            current = digits[char]
        elif char in "十百":
            unit = 10 if char == "十" else 100
            total += (current or 1) * unit
            current = 0
        else:
            return None
    return total + current


def read_outline(paragraphs: list[str], *, traditional: bool = False) -> Outline:
    """The outline of a plan; InputError ``document_not_plan`` if nothing in it is numbered."""
    pieces = [piece.strip() for p in paragraphs for piece in _RUN_IN.split(p) if piece.strip()]
    blocks = [_block(k + 1, piece) for k, piece in enumerate(pieces)]
    title = ""
    if blocks and blocks[0].level == PLAIN and len(blocks[0].text) <= MAX_TITLE:
        first = blocks[0]
        title = first.text
        blocks[0] = Block(first.index, TITLE, text=first.text)
    numbered = [b for b in blocks if 1 <= b.level <= 4]
    if len(numbered) < 2:
        raise InputError("document_not_plan")
    return Outline(title, _year(title, pieces), blocks, traditional)


def _block(index: int, text: str) -> Block:
    head = unicodedata.normalize("NFKC", text[:8])  # full-width digits in a label
    for level, pattern in _LABELS:
        match = pattern.match(head)
        if match is None:
            continue
        raw = match.group("n")
        number = int(raw) if raw.isdigit() else chinese_value(raw)
        if number is None or number == 0:
            continue
        written = text[: match.end()] if len(text) >= match.end() else text
        style = (match.groupdict().get("open") or "") + match.group("close")
        return Block(index, level, written, number, _style(written, style), text[match.end():])
    return Block(index, PLAIN, text=text)


def _style(written: str, normal: str) -> str:
    """The label's marks as written (（） and () differ, NFKC made them alike)."""
    marks = "".join(c for c in written if not c.isalnum() or c == "第")
    return marks or normal


def _year(title: str, pieces: list[str]) -> int | None:
    for text, pattern in [(title, _YEAR), *((p, _YEAR_IS) for p in pieces[:6])]:
        match = pattern.search(text)
        if match and MIN_YEAR <= int(match.group(1)) <= MAX_YEAR:
            return int(match.group(1))
    return None
