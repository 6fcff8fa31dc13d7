"""Numbering as written: gaps and repeats (一、二、四、), levels out of order (（一） under 1.),
mixed styles in one list (1、 and 1.), half-width brackets in Chinese numbering ((一)).

A list is the labels of one level under the same parent. 1. may also run straight through the
plan (the flat style): a list of 1. that goes on from the previous section's last number is no
gap.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from bot.check.findings import Finding, Group
from bot.check.pieces import Piece

__all__ = ["numbering"]

_HALF = ("(", ")")
_STANDARD = {1: "、", 2: "（）", 3: ".", 4: "（）"}
_FULL = {"(": "（", ")": "）", ".": "．"}


def numbering(pieces: Sequence[Piece]) -> Iterator[Finding]:
    numbered = [p for p in pieces if 1 <= p.level <= 4 and p.number is not None]
    yield from _sequences(numbered)
    yield from _order(numbered)
    yield from _styles(numbered)


def _sequences(numbered: Sequence[Piece]) -> Iterator[Finding]:
    last: dict[int, int] = {}  # level → the last number in the current list
    previous_list_end: dict[int, int] = {}  # level → where the list before ended (flat style)
    for piece in numbered:
        for deeper in [k for k in last if k > piece.level]:
            previous_list_end[deeper] = last.pop(deeper)
        number = piece.number or 0
        before = last.get(piece.level)
        if before is None:
            carried = previous_list_end.get(piece.level, 0)
            expected = (1, carried + 1) if piece.level == 3 else (1,)
            if number not in expected:
                yield _found(piece, "number_gap", expected=expected[0], got=number)
        elif number == before:
            yield _found(piece, "number_repeat", got=number)
        elif number != before + 1:
            yield _found(piece, "number_gap", expected=before + 1, got=number)
        last[piece.level] = number


def _order(numbered: Sequence[Piece]) -> Iterator[Finding]:
    """A label of a higher rank (（一）) first used below one of a lower rank (1.) in a section."""
    seen: list[int] = []
    for piece in numbered:
        if piece.level == 1:
            seen = []
            continue
        if piece.level not in seen and any(level > piece.level for level in seen):
            under = max(level for level in seen if level > piece.level)
            yield _found(piece, "number_level", under=under)
        if piece.level not in seen:
            seen.append(piece.level)


def _styles(numbered: Sequence[Piece]) -> Iterator[Finding]:
    first: dict[tuple[int, int], str] = {}  # (level, list) → the style of its first label
    lists: dict[int, int] = {}
    for piece in numbered:
        for deeper in [k for k in lists if k > piece.level]:
            lists[deeper] += 1
        key = (piece.level, lists.setdefault(piece.level, 0))
        style = piece.style
        if any(mark in style for mark in _HALF) and piece.level in (2, 4):
            fixed = "".join(_FULL.get(c, c) for c in piece.label)
            yield _found(piece, "number_half_width", fix=fixed)
            style = style.replace("(", "（").replace(")", "）")
        expected = first.setdefault(key, style)
        if style != expected:
            yield _found(piece, "number_style", expected=expected, got=style)


def _found(piece: Piece, code: str, *, fix: str = "", **params: str | int) -> Finding:
    return Finding(Group.NUMBERING, code, piece.place, piece.label, fix, dict(params))
