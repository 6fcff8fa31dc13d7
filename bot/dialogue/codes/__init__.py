"""Every feature's button codes: one enum each, a subclass of ``bot.dialogue.actions.Code``.

A member is two letters and a shape; the letters are unique among all features (the codec reads
them back). ``Codes`` is all of them as one namespace: ``Codes.OPEN``, ``list(Codes)``.
"""

from __future__ import annotations

from collections.abc import Iterator

from bot.dialogue.actions import Code
from bot.dialogue.codes.admin import AdminAct
from bot.dialogue.codes.checking import CheckAct
from bot.dialogue.codes.clauses import ClauseAct
from bot.dialogue.codes.common import Common
from bot.dialogue.codes.draft import DraftAct, InputAct
from bot.dialogue.codes.interview import InterviewAct
from bot.dialogue.codes.offices import OfficeAct
from bot.dialogue.codes.sharing import PostAct, ShareAct

ENUMS: tuple[type[Code], ...] = (
    Common, InterviewAct, DraftAct, InputAct, ShareAct, PostAct, ClauseAct, AdminAct, CheckAct,
    OfficeAct,
)


class _Every(type):
    def __iter__(cls) -> Iterator[Code]:
        for kind in ENUMS:
            yield from kind

    def __len__(cls) -> int:
        return sum(len(kind) for kind in ENUMS)

    def __getattr__(cls, name: str) -> Code:
        for kind in ENUMS:
            if name in kind.__members__:
                return kind[name]
        raise AttributeError(name)


class Codes(metaclass=_Every):
    """Every code of every feature, by its member name (names are unique too)."""


__all__ = ["ENUMS", "AdminAct", "CheckAct", "ClauseAct", "Codes", "Common", "DraftAct", "InputAct",
           "InterviewAct", "OfficeAct", "PostAct", "ShareAct"]
