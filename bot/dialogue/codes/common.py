"""The buttons every screen may carry.

A member is its two letters and its shape (``bot.dialogue.actions.Code``): whether a draft
id follows, how many numbers; the comment says what they are.
"""

from __future__ import annotations

from bot.dialogue.actions import Code


class Common(Code):
    """The router's own: ⬅ and 取消 work like /back and /cancel on every screen."""

    BACK = "bk"
    CANCEL = "cx"
