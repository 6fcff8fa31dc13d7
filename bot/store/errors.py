"""Errors of the storage layer."""

from __future__ import annotations

from bot.errors import PlanbotError


class StoreCorrupt(PlanbotError):
    """Stored data cannot be read.

    ``store_corrupt``: a user's shard file is not valid JSON of the expected shape. Its files have
    been moved aside, to ``moved`` (``<user_id>.json.corrupt-<UTC timestamp>`` first, also in
    ``moved_to``, and ``<user_id>.b.json.corrupt-…``) at ``backed_up_at``, so the user can go on
    with an empty shard and an administrator can recover what is left by hand. Raised once.

    ``store_record_invalid``: one record does not validate (for example it was written by a newer
    planbot). Nothing is moved; the other records stay usable.
    """
