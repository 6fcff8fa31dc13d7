"""One TinyDB per user: where the shards live, how they are locked, what happens when one breaks.

Two lock families per user, both re-entrant for the holding thread:

- the *write lock* guards one read-modify-write of the user's shard file. It is held for a single
  store operation and nothing else is locked while it is held, so write locks never deadlock.
- the *transaction lock* is for callers (``Store.transaction``): it serialises, for example, the
  dialogue engine handling one update of a user against another process handling the next one.
  Store operations never take it, so an operation on another user's shard (a collaborator
  editing a shared draft) cannot deadlock against that user's transaction.

Readers take no lock: a write never touches the file that holds the current state (see
``bot.store.slots``), so a reader sees the old or the new state, never a mix. A reader that
finds neither file whole met two writes in a row; it reads again under the write lock.

Durability: a write returns once the new state is on disk (``fdatasync``), so neither a killed
process nor a power loss loses it, and a crash at any instant leaves the last good state.

Recovery policy: a shard that is not valid JSON of TinyDB's shape is moved aside to
``<user_id>.json.corrupt-<UTC timestamp>`` and ``<user_id>.b.json.corrupt-<UTC timestamp>``
(under the write lock, after checking again that it is still broken), one line at ERROR names
the files, and ``StoreCorrupt("store_corrupt", user_id=..., moved_to=..., moved=[...],
backed_up_at=...)`` is raised once; the user then starts from an empty shard, which holds the
same as a note in its ``notices`` table (:data:`NOTICES`) until the user is told: the shard may
have been read by another user's operation (a colleague opening a shared draft), and the
session store tells the owner at their next event (``bot.store.tiny.TinySessionStore.load``).
A shard written by a newer planbot is left alone and raises ``StoreCorrupt("store_schema_newer")``
every time.
"""

from __future__ import annotations

import logging
import os
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from contextlib import nullcontext, suppress
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TypeVar

from tinydb import TinyDB
from tinydb.storages import Storage

from bot.store.errors import StoreCorrupt
from bot.store.files import fsync_dir
from bot.store.locks import KeyedLocks
from bot.store.slots import slot_paths
from bot.store.storage import (
    DEFAULT_CACHE_BYTES,
    FileShardStorage,
    MemoryShardStorage,
    ShardBusy,
    ShardCache,
    ShardCorrupt,
    ShardTooNew,
    parse_shard,
)

T = TypeVar("T")
log = logging.getLogger(__name__)
NOTICES = "notices"  # the table of what the store must still tell the user
NOTICE_SCHEMA_VERSION = 1


class Shards(ABC):
    """Runs functions against a user's TinyDB, under the user's write lock when they write."""

    def __init__(self, write_locks: KeyedLocks, tx_locks: KeyedLocks) -> None:
        self.write_locks = write_locks
        self.tx_locks = tx_locks

    @abstractmethod
    def storage(self, user_id: int, *, locked: bool) -> Storage:
        """A fresh storage object for one operation on the user's shard (``locked``: under the
        user's write lock)."""

    @abstractmethod
    def _move_aside(self, user_id: int, stamp: str) -> list[str]:
        """With the write lock held: if the shard is still corrupt, move it aside (names ending
        in ``.corrupt-<stamp>``); where to (nothing moved: empty)."""

    def read(self, user_id: int, fn: Callable[[TinyDB], T]) -> T:
        return self._run(user_id, fn, locked=False)

    def write(self, user_id: int, fn: Callable[[TinyDB], T]) -> T:
        return self._run(user_id, fn, locked=True)

    def _run(self, user_id: int, fn: Callable[[TinyDB], T], *, locked: bool) -> T:
        reason = ""
        for _attempt in range(3):
            try:
                return self._once(user_id, fn, locked=locked)
            except ShardBusy:
                locked = True  # a write under way: read again with writers kept out
            except ShardTooNew as exc:
                raise StoreCorrupt("store_schema_newer", user_id=user_id, detail=str(exc)) from exc
            except ShardCorrupt as exc:
                now = datetime.now(UTC)
                with self.write_locks.hold(user_id):
                    moved = self._move_aside(user_id, _stamp(now))
                    error = _moved_aside(user_id, exc.reason, moved, now) if moved else None
                    if error is not None:
                        self._once(user_id, partial(_note, error), locked=True)
                if error is not None:
                    raise error from exc
                reason = exc.reason  # a write under way, or replaced meanwhile: once more
                locked = True  # with no writer in the way this time
        raise StoreCorrupt("store_corrupt", user_id=user_id, moved_to=None, moved=[],
                           detail=reason)

    def _once(self, user_id: int, fn: Callable[[TinyDB], T], *, locked: bool) -> T:
        lock = self.write_locks.hold(user_id) if locked else nullcontext()
        with lock, TinyDB(storage=lambda: self.storage(user_id, locked=locked)) as db:
            return fn(db)


def _stamp(when: datetime) -> str:
    return when.strftime("%Y%m%dT%H%M%S%fZ")


def _note(error: StoreCorrupt, db: TinyDB) -> None:
    """Keep the error in the new shard until the user is told of it."""
    params = {k: v for k, v in error.params.items() if k != "detail"}
    db.table(NOTICES).insert(
        {"schema_version": NOTICE_SCHEMA_VERSION, "message_id": error.message_id, **params}
    )


def _moved_aside(user_id: int, reason: str, moved: list[str], when: datetime) -> StoreCorrupt:
    """The one ERROR line for the operator, and the error for the user (told once)."""
    log.error("user %s: the store's files could not be read (%s); moved aside to %s, the user "
              "starts afresh", user_id, reason, ", ".join(moved))
    return StoreCorrupt("store_corrupt", user_id=user_id, moved_to=moved[0], moved=moved,
                        backed_up_at=when.strftime("%Y-%m-%d %H:%M:%S UTC"), detail=reason)


class FileShards(Shards):
    """``<data_dir>/users/<user_id>.json`` and ``<user_id>.b.json`` (``bot.store.slots``); lock
    files under ``<data_dir>/locks/``."""

    def __init__(self, data_dir: Path, *, cache_bytes: int = DEFAULT_CACHE_BYTES) -> None:
        locks = data_dir / "locks"
        super().__init__(KeyedLocks(locks / "users.lock"), KeyedLocks(locks / "users.tx.lock"))
        self.users_dir = data_dir / "users"
        self.users_dir.mkdir(parents=True, exist_ok=True)
        self.cache = ShardCache(cache_bytes) if cache_bytes > 0 else None

    def path(self, user_id: int) -> Path:
        """The first of the user's two files (the one an earlier planbot wrote alone)."""
        return self.users_dir / f"{user_id}.json"

    def paths(self, user_id: int) -> tuple[Path, Path]:
        return slot_paths(self.path(user_id))

    def sweep_temp_files(self, older_than: float = 3600.0) -> int:
        """Delete temporary files left by writers killed mid-write; return how many. (Shards
        are written in place now; earlier versions renamed temporary files over them.)

        Only files older than ``older_than`` seconds go: another process may be writing one now.
        """
        cutoff = time.time() - older_than
        removed = 0
        with os.scandir(self.users_dir) as entries:
            for entry in entries:
                if entry.name.startswith(".") and entry.name.endswith(".tmp"):
                    with suppress(FileNotFoundError):
                        if entry.stat().st_mtime < cutoff:
                            os.unlink(entry.path)
                            removed += 1
        return removed

    def storage(self, user_id: int, *, locked: bool) -> Storage:
        return FileShardStorage(self.path(user_id), user_id, self.cache, locked=locked)

    def _move_aside(self, user_id: int, stamp: str) -> list[str]:
        storage = FileShardStorage(self.path(user_id), user_id)  # no cache: read the files again
        moved: list[str] = []
        try:
            storage.read()
        except ShardTooNew:
            return moved
        except ShardCorrupt:
            for path in self.paths(user_id):
                target = path.with_name(f"{path.name}.corrupt-{stamp}")
                with suppress(FileNotFoundError):
                    os.replace(path, target)
                    moved.append(str(target))
            fsync_dir(self.users_dir)
        return moved


class MemoryShards(Shards):
    """Shards as strings in a dict: same code path as the files, minus the disk."""

    def __init__(self) -> None:
        super().__init__(KeyedLocks(), KeyedLocks())
        self.shelf: dict[int, str] = {}
        self.corrupt: dict[str, str] = {}

    def storage(self, user_id: int, *, locked: bool) -> Storage:
        return MemoryShardStorage(self.shelf, user_id)

    def _move_aside(self, user_id: int, stamp: str) -> list[str]:
        text = self.shelf.get(user_id)
        if text is None:
            return []
        try:
            parse_shard(text, f"memory:{user_id}")
        except ShardTooNew:
            return []
        except ShardCorrupt:
            name = f"memory:{user_id}.corrupt-{stamp}"
            self.corrupt[name] = self.shelf.pop(user_id)
            return [name]
        return []
