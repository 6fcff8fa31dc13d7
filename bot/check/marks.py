"""Punctuation: doubled marks (，，), an item without its closing mark, half-width marks between
Chinese characters (教育,体育), quotes, brackets and 书名号 left open or closed twice, and titles of
known documents without 书名号 (``_lint.yaml`` ``titles``, as ``bot.library.titles`` holds the
library to them)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from bot.check.findings import Finding, Group
from bot.check.pieces import Piece
from bot.check.terms import context
from bot.library.titles import unquoted

__all__ = ["punctuation"]

_DOUBLED = re.compile(r"([，。；：、！？])\1+|[，。；：、](?=[，。；：、])")
_HAN = r"[\u3400-\u9fff]"
_HALF_WIDTH = re.compile(rf"(?<={_HAN})[,;:!?](?={_HAN})|(?<={_HAN})\.(?={_HAN})")
_FULL = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？", ".": "。"}
_CLOSING = "。！？；：…”’）】》"
_PAIRS = (("“", "”"), ("‘", "’"), ("（", "）"), ("《", "》"), ("【", "】"))
_STRAIGHT = re.compile(rf'(?<={_HAN})"|"(?={_HAN})')
_MIN_ITEM = 20  # characters: a shorter unlabelled line may be a heading


def punctuation(pieces: Iterable[Piece], titles: list[str]) -> Iterator[Finding]:
    for piece in pieces:
        text = piece.text
        for match in _DOUBLED.finditer(text):
            yield _found(piece, "mark_doubled", match, fix=match.group(0)[0], text=text)
        for match in _HALF_WIDTH.finditer(text):
            yield _found(piece, "mark_half_width", match, fix=_FULL[match.group(0)], text=text)
        for match in _STRAIGHT.finditer(text):
            yield _found(piece, "mark_straight_quote", match, text=text)
        yield from _unmatched(piece)
        if piece.item and len(text) >= _MIN_ITEM and text[-1] not in _CLOSING:
            yield Finding(Group.PUNCTUATION, "mark_missing", piece.place, text[-12:],
                          text[-12:] + "。")
        for title in unquoted(text, titles):
            yield Finding(Group.PUNCTUATION, "mark_title", piece.place, title, f"《{title}》")


def _unmatched(piece: Piece) -> Iterator[Finding]:
    for opening, closing in _PAIRS:
        depth = 0
        for char in piece.text:
            if char == opening:
                depth += 1
            elif char == closing:
                depth -= 1
                if depth < 0:
                    break
        if depth != 0:
            yield Finding(Group.PUNCTUATION, "mark_unmatched", piece.place,
                          opening + closing, params={"context": piece.text[:28]})


def _found(piece: Piece, code: str, match: re.Match[str], *, fix: str = "", text: str
           ) -> Finding:
    return Finding(Group.PUNCTUATION, code, piece.place, match.group(0), fix,
                   {"context": context(text, match)})
