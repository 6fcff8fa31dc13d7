"""Cut a long message into parts a chat accepts: between paragraphs, else lines, else anywhere."""

from __future__ import annotations

from collections.abc import Sequence

_SEPARATORS = ("\n\n", "\n")


def split_text(text: str, limit: int) -> list[str]:
    """Parts of ``text`` of at most ``limit`` characters, none of them blank.

    A part ends at a paragraph boundary where one fits, else at a line end, else at ``limit``.
    The separators at the cuts are dropped; every other character is kept, in order.
    """
    return [part for part in _split(text, limit, _SEPARATORS) if part.strip()]


def _split(text: str, limit: int, separators: Sequence[str]) -> list[str]:
    if len(text) <= limit:
        return [text]
    if not separators:
        return [text[start : start + limit] for start in range(0, len(text), limit)]
    separator, finer = separators[0], separators[1:]
    parts: list[str] = []
    current = ""
    for piece in text.split(separator):
        joined = f"{current}{separator}{piece}" if current else piece
        if len(joined) <= limit:
            current = joined
            continue
        if current:
            parts.append(current)
        current = piece if len(piece) <= limit else ""
        if not current:
            parts.extend(_split(piece, limit, finer))
    if current:
        parts.append(current)
    return parts
