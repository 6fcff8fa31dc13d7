"""Compact button data: ``<nonce>:<code>[:<draft id>][:<int>…]``, at most 64 bytes.

Each feature has its own enum of button codes (``bot.dialogue.codes``), a subclass of
:class:`Code`: a member is its two letters and its shape (whether a draft id follows, how many
numbers), checked when the data comes back: anything else decodes to ``None`` and is refused as
forged. Numbers are base 36. A code is unique among all the features' codes.

>>> from bot.dialogue.codes.draft import DraftAct
>>> data = encode(5, DraftAct.ITEM, "42-abcdefgh", 3, 0, 2)
>>> data
'5:it:42-abcdefgh:3:0:2'
>>> decode(data)
Action(nonce=5, act=<DraftAct.ITEM: 'it'>, draft='42-abcdefgh', ints=(3, 0, 2))
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Self

from bot.dialogue.types import MAX_BUTTON_DATA
from bot.store.models import owner_of

SEP = ":"
_MAX_DIGITS = 7  # base-36 digits of one number (78 billion)
_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"


class Code(StrEnum):
    """A button code. A feature's enum subclasses it: ``OPEN = "op", True`` (a draft id, no
    number), ``SECTION = "sc", True, 2`` (a draft id, two numbers), ``LIST = "ls", False, 1``."""

    draft: bool  # a draft id follows the code
    ints: int  # how many numbers follow

    def __new__(cls, value: str, draft: bool = False, ints: int = 0) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.draft = draft
        member.ints = ints
        return member


def all_codes() -> dict[str, Code]:
    """Every feature's codes by their letters (the enums defined so far)."""
    found: dict[str, Code] = {}
    for kind in _kinds(Code):
        for member in kind:
            assert found.setdefault(member.value, member) is member, ("code used twice", member)
    return found


def _kinds(base: type[Code]) -> Iterator[type[Code]]:
    for kind in base.__subclasses__():
        yield kind
        yield from _kinds(kind)


class _Shapes(Mapping[Code, tuple[bool, int]]):
    """code → (names a draft, how many numbers), over every feature's codes."""

    def __getitem__(self, code: Code) -> tuple[bool, int]:
        return code.draft, code.ints

    def __iter__(self) -> Iterator[Code]:
        return iter(all_codes().values())

    def __len__(self) -> int:
        return len(all_codes())


_SHAPES = _Shapes()


@dataclass(frozen=True)
class Action:
    nonce: int
    act: Code
    draft: str
    ints: tuple[int, ...]


def encode(nonce: int, act: Code, *args: str | int) -> str:
    """The data of a button; asserts the code's shape and the 64-byte limit."""
    drafts = [a for a in args if isinstance(a, str)]
    numbers = [a for a in args if isinstance(a, int)]
    assert len(drafts) == int(act.draft) and len(numbers) == act.ints, (act, args)
    assert all(n >= 0 for n in numbers), args
    parts = [_b36(nonce), act.value, *drafts, *(_b36(n) for n in numbers)]
    data = SEP.join(parts)
    assert len(data.encode()) <= MAX_BUTTON_DATA, data
    return data


def decode(data: str) -> Action | None:
    """The action in button data, or ``None`` if the data is not a well-formed action."""
    if len(data.encode()) > MAX_BUTTON_DATA:
        return None
    parts = data.split(SEP)
    act = all_codes().get(parts[1]) if len(parts) >= 2 else None
    if act is None or len(parts) - 2 != int(act.draft) + act.ints:
        return None
    draft = parts[2] if act.draft else ""
    if act.draft and owner_of(draft) is None:
        return None
    numbers = _numbers([parts[0], *parts[2 + int(act.draft):]])
    if numbers is None:
        return None
    nonce, *ints = numbers
    return Action(nonce, act, draft, tuple(ints))


def _numbers(texts: list[str]) -> list[int] | None:
    """The base-36 numbers, or None if one of them is not one."""
    numbers = [_int(text) for text in texts]
    return [n for n in numbers if n is not None] if None not in numbers else None


def _b36(number: int) -> str:
    digits = ""
    while True:
        number, rest = divmod(number, 36)
        digits = _ALPHABET[rest] + digits
        if number == 0:
            return digits


def _int(text: str) -> int | None:
    if not 0 < len(text) <= _MAX_DIGITS or any(c not in _ALPHABET for c in text):
        return None
    return int(text, 36)
