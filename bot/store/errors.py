"""Errors of the storage layer."""

from __future__ import annotations

from bot.errors import PlanbotError


class StoreCorrupt(PlanbotError):
    """Stored data cannot be read.

    ``store_corrupt``: a user's shard file is not valid JSON of the expected shape. It has been
    moved aside to ``moved_to`` (``<user_id>.json.corrupt-<UTC timestamp>``) so the user can go on
    with an empty shard and an administrator can recover what is left by hand.

    ``store_record_invalid``: one record does not validate (for example it was written by a newer
    planbot). Nothing is moved; the other records stay usable.
    """
