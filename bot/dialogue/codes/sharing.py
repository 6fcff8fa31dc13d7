"""The button codes of sharing and of /post.

A member is its two letters and its shape (``bot.dialogue.actions.Code``): whether a draft
id follows, how many numbers; the comment says what they are.
"""

from __future__ import annotations

from bot.dialogue.actions import Code


class ShareAct(Code):
    """Sharing (link = a link's id, see bot.store.shares; expiry = index of an
    expiry choice)."""

    SHARE = "sh", True, 1  # draft, expiry: who has access, the links
    SHARE_NEW = "sn", True, 2  # draft, kind index, expiry
    SHARE_LINK = "sl", True, 1  # draft, link
    SHARE_EXPIRY = "se", True, 2  # draft, link, expiry
    SHARE_REVOKE = "sr", True, 1  # draft, link
    SHARE_REMOVE = "su", True, 1  # draft, user tag (user id modulo 36**7)
    VIEW_OPEN = "vo", True  # draft: the read-only view of a view link
    VIEW_PREVIEW = "vp", True  # draft
    VIEW_EXPORT = "vx", True, 1  # draft, format index


class PostAct(Code):
    """/post in a group."""

    POST = "po", True  # draft: post it into the group chat the button is in
