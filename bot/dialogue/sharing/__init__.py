"""Sharing a draft: links (make, expire, revoke, open), who has access, a draft opened read only
(``_links``, ``_views``), and posting a draft into a group chat (``_posting``).

Two features: ``FEATURE`` (links and access) and ``POSTING`` (/post in a group)."""

from bot.dialogue.sharing._links import FEATURE
from bot.dialogue.sharing._posting import FEATURE as POSTING

__all__ = ["FEATURE", "POSTING"]
