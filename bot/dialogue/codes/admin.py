"""The button codes of admins' screens.

A member is its two letters and its shape (``bot.dialogue.actions.Code``): whether a draft
id follows, how many numbers; the comment says what they are.
"""

from __future__ import annotations

from bot.dialogue.actions import Code


class AdminAct(Code):
    """Admins': nothing but an action code and small numbers; the preview waiting
    for 确认 lives in the session."""

    ADMIN_MENU = "aa", False, 1  # menu entry index
    ADMIN_TOPIC = "at", False, 1  # topic index (new clause)
    ADMIN_TOPIC_PAGE = "ag", False, 1  # page of the topic buttons
    ADMIN_KIND = "ak", False, 1  # clause kind index
    ADMIN_LEVEL = "al", False, 1  # level index: on/off
    ADMIN_ANY_YEAR = "ay"  # years: no limit
    ADMIN_NEXT = "an"  # scope done: preview
    ADMIN_PICK = "ap", False, 1  # index among the clauses found
    ADMIN_CONFIRM = "ac"  # apply the previewed change
    ADMIN_DISCARD = "ax"  # drop the previewed change
    ADMIN_HISTORY = "ah", False, 1  # page of the revision history
    ADMIN_ROLLBACK = "ar", False, 1  # revision number to go back to
    ADMIN_REMOVE = "au", False, 1  # admin's user tag (user id modulo 36**7)
