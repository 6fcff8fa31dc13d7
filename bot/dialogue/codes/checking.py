"""The button codes of 检查 and 结转到新年度 (``bot.dialogue.checking``)."""

from __future__ import annotations

from bot.dialogue.actions import Code


class CheckAct(Code):
    DOC_CHECK = "kc"  # check the document sent
    DOC_ROLL = "kr"  # roll the document sent forward: ask the new year
    DOC_YEAR = "ky", False, 1  # year: the year asked for (the plan's, or the new one)
    DOC_CANCEL = "kz"  # drop the document
    CHECK_DRAFT = "kx", True  # draft: check one of our drafts
    ROLL_VARIANT = "kv", True, 2  # draft, revision, index: take the library's close match
