"""Self reference that does not fit the region (全市 in a county plan: ``bot.compose.addressing``
gives the region's own 我县/全县), and passages said in two items (``bot.compose.review``)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from bot.check.findings import Finding, Group
from bot.check.pieces import Piece
from bot.check.terms import context
from bot.compose.addressing import addressing, level_char
from bot.compose.region import Region
from bot.compose.review import find_repeats
from bot.library.library import Library

__all__ = ["repeats", "self_reference"]

_SELF = re.compile(r"(我|全)([省市县区州旗盟])(?![域级属直委])")


def self_reference(pieces: Sequence[Piece], region: Region) -> Iterator[Finding]:
    own = level_char(region)
    words = addressing(region)
    for piece in pieces:
        for match in _SELF.finditer(piece.whole):
            prefix, char = match.groups()
            if char == own or (prefix == "全" and char == "省"):
                continue
            fix = words.self_ref if prefix == "我" else words.scope
            yield Finding(Group.REGION, "self_reference", piece.place, match.group(0), fix,
                          {"region": region.full_name, "context": context(piece.whole, match)})


def repeats(pieces: Sequence[Piece], year: int, library: Library) -> Iterator[Finding]:
    items = [p for p in pieces if p.item]
    era = library.eras.lookup(year).wording.values()
    fixed = [*library.lint.formulas, *(w for w in era if w)]
    for repeat in find_repeats([p.text for p in items], fixed):
        first, second = items[repeat.first], items[repeat.second]
        yield Finding(Group.REPEAT, "repeat", second.place, repeat.passage,
                      params={"other": first.place.path or str(first.place.paragraph or "")})
