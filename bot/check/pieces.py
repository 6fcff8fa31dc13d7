"""A plan as the checks read it: pieces of text, each with its place and its numbering.

From a file, a piece is a paragraph of its outline; from one of our drafts, a line as the
numbering gives it (``bot.compose.numbering.lines``). ``item`` says whether a piece is an item
(its text should end with a full stop) rather than a heading or the title.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.check.findings import Place
from bot.compose.numbering import PARAGRAPH, TITLE, lines
from bot.compose.plan import Plan
from bot.reading.outline import PLAIN, Outline
from bot.reading.outline import TITLE as OUTLINE_TITLE

__all__ = ["Piece", "from_outline", "from_plan"]

_HEADING_MAX = 40  # a numbered line this short without a full stop is a heading


@dataclass(frozen=True)
class Piece:
    place: Place
    level: int  # 0 title, 1–4 numbered, 5 plain
    label: str
    number: int | None
    style: str
    text: str
    item: bool  # a paragraph of prose, not a heading or the title

    @property
    def whole(self) -> str:
        return f"{self.label}{self.text}"


def from_outline(outline: Outline) -> list[Piece]:
    out: list[Piece] = []
    path: dict[int, str] = {}
    for order, block in enumerate(outline.blocks):
        if 1 <= block.level <= 4:
            path = {k: v for k, v in path.items() if k < block.level}
            path[block.level] = block.label
        where = "".join(path[k] for k in sorted(path))
        heading = (block.level <= 2 and len(block.text) <= _HEADING_MAX
                   and not any(mark in block.text for mark in "。；"))
        item = block.level != OUTLINE_TITLE and not heading
        out.append(Piece(Place(order, where, block.index), block.level, block.label,
                         block.number, block.style, block.text, item))
    return out


def from_plan(plan: Plan) -> list[Piece]:
    out: list[Piece] = []
    path: dict[int, str] = {}
    for order, line in enumerate(lines(plan)):
        level = PLAIN if line.level == PARAGRAPH else line.level
        if 1 <= level <= 4:
            path = {k: v for k, v in path.items() if k < level}
            path[level] = line.label
        where = "".join(path[k] for k in sorted(path))
        text = _joined(line.title, line.text)
        out.append(Piece(Place(order, where), level, line.label, None, "", text,
                         line.level != TITLE and line.item >= 0))
    return out


def _joined(title: str, text: str) -> str:
    if title and text and title[-1] not in "。！？；：":
        return f"{title}。{text}"
    return f"{title}{text}"
