"""A button's words typed instead of pressed: which button of the screen they name.

The terminal shows buttons as words, and people type them on phones too ("完成", "跳过",
"上一步", "预览全文", "学前教育"). The words name a button when they are

1. its label, without the arrows and marks around it (⬅ 上一步, ✅ 生成草稿); or else
2. that label without a count or note in brackets at its end (待填清单（3项）, 2027年（明年）);
   or else
3. part of its label, two characters at least (分级 → 分级编号, 学前教育 → 二、推进学前教育普及
   普惠发展).

The first of these that fits any button decides: if it fits two buttons or more, the words name
none (初稿 among 初稿 and 初稿（副本）: the first way, 初稿 itself).

A label marked ✓ (a priority or an option already chosen) is named only by its whole label with
the mark: typing a chosen priority's name adds it, it never takes it away.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

from bot.dialogue.types import Reply

MAX_WORDS: Final = 40  # longer text is never a button's words
MIN_PART: Final = 2  # a part of a label: at least this many characters
CHOSEN: Final = "✓"
_DECORATION: Final = "⬅◀▶⬆⬇↩＋✅ \u3000\n"
_NOTE: Final = re.compile(r"（[^（）]*）$")  # 待填清单（3项）, 2027年（明年）


def could_name(text: str) -> bool:
    """Whether ``text`` is short enough to be a button's words (no need to look at the screen)."""
    return 0 < len(text.strip(_DECORATION)) <= MAX_WORDS


def pick(screen: Iterable[Reply], text: str, *, parts: bool = True) -> str | None:
    """The data of the button of ``screen`` that ``text`` names, or None. ``parts=False``: by its
    whole words only (where free text is asked for, 取消收费 is text, 取消 the button)."""
    wanted = text.strip(_DECORATION)
    if not could_name(wanted):
        return None
    buttons = [
        (button.text.strip(_DECORATION), button.data)
        for reply in screen
        for row in reply.buttons
        for button in row
    ]
    for matches in (
        lambda label: label == wanted,
        lambda label: _NOTE.sub("", label) == wanted,
        lambda label: (parts and len(wanted) >= MIN_PART and wanted in label
                       and not label.startswith(CHOSEN)),
    ):
        named = {data for label, data in buttons if matches(label)}
        if named:
            return named.pop() if len(named) == 1 else None
    return None
