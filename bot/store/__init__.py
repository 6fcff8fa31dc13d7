"""Drafts, dialogue sessions and share links, behind one interface (``Store``); TinyDB default.

Usage::

    store = open_store(settings.data_dir)        # or memory_store() in tests
    with store.transaction(user_id):             # one update of one user at a time
        session = store.sessions.load(user_id)
        draft = store.drafts.create(user_id, name, plan.model_dump(mode="json"))
        draft = store.drafts.put(draft, expected_revision=draft.revision)
        store.sessions.save(user_id, session)

Each user has a shard, ``<data_dir>/users/<user_id>.json`` (and ``<user_id>.b.json``: the two
files are written in turn, see ``bot.store.slots``), so the cost of a write does not grow
with the number of users or drafts (one flat directory: ext4 looks a name up as fast among
100,000 files as among 100). Writes are atomic and durable on return; see ``bot.store.shards``
for locking and for what happens to a corrupt shard. Share
links are kept by the hash of their token beside the shards (``bot.store.shares``).

Public: this package's names, the protocols (``base``), the records (``models``) and the file
helpers every other writer under the data directory uses (``files``); the other modules are
the implementations'.
"""

from bot.store.base import DraftStore, SessionStore, ShareStore, Store
from bot.store.errors import StoreCorrupt
from bot.store.models import (
    DRAFT_SCHEMA_VERSION,
    DraftRecord,
    ShareKind,
    ShareRecord,
    new_draft_id,
    owner_of,
)
from bot.store.tiny import TinyStore, memory_store, open_store

__all__ = [
    "DRAFT_SCHEMA_VERSION",
    "DraftRecord",
    "DraftStore",
    "SessionStore",
    "ShareKind",
    "ShareRecord",
    "ShareStore",
    "Store",
    "StoreCorrupt",
    "TinyStore",
    "memory_store",
    "new_draft_id",
    "open_store",
    "owner_of",
]
