"""TinyDB storages for one user's shard: a JSON file written atomically, or a string in memory.

The file is UTF-8 JSON with ``ensure_ascii=False`` and one document per line, so people can read
it and diffs stay small::

    {
    "_meta": {
      "1": {"schema_version": 1, "user_id": 42}
    },
    "drafts": {
      "1": {"schema_version": 1, "id": "42-Xy3_a-Q9", "name": "...", ...}
    }
    }

A storage object lives for one store operation: it parses the shard once and serves the parsed
data to every TinyDB call of that operation (TinyDB reads the whole storage on each call).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from bot.atomic import write_atomic

SHARD_SCHEMA_VERSION = 1
META_TABLE = "_meta"

Tables = dict[str, dict[str, Any]]


class ShardCorrupt(Exception):
    """A shard is not UTF-8 JSON of TinyDB's shape (tables of documents)."""

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"{where}: {reason}")
        self.where = where
        self.reason = reason


class ShardTooNew(ShardCorrupt):
    """A shard was written by a newer planbot: readable by it, so never moved aside."""


def parse_shard(text: bytes | str, where: str) -> Tables:
    """Parse and check the shape of a shard; ``ShardCorrupt`` says what is wrong."""
    try:
        data = json.loads(text)
    except (UnicodeDecodeError, ValueError) as exc:
        raise ShardCorrupt(where, f"not UTF-8 JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise ShardCorrupt(where, "not a JSON object")
    for name, table in data.items():
        if not isinstance(table, dict) or not all(isinstance(d, dict) for d in table.values()):
            raise ShardCorrupt(where, f"table {name!r} is not an object of documents")
    version = data.get(META_TABLE, {}).get("1", {}).get("schema_version", SHARD_SCHEMA_VERSION)
    if not isinstance(version, int) or version < 1:
        raise ShardCorrupt(where, f"bad shard schema_version {version!r}")
    if version > SHARD_SCHEMA_VERSION:
        raise ShardTooNew(where, f"shard schema_version {version} is newer than this planbot")
    return data


def dumps_shard(data: Tables, user_id: int) -> str:
    """Serialise a shard: ``_meta`` first, then each table with one document per line."""
    meta = {"1": {"schema_version": SHARD_SCHEMA_VERSION, "user_id": user_id}}
    tables = {META_TABLE: meta, **{k: v for k, v in data.items() if k != META_TABLE}}
    parts = [f"{_dumps(name)}: {{{_dumps_docs(docs)}}}" for name, docs in tables.items()]
    return "{\n" + ",\n".join(parts) + "\n}\n"


def _dumps_docs(docs: dict[str, Any]) -> str:
    if not docs:
        return ""
    lines = ",\n".join(f"  {_dumps(str(k))}: {_dumps(doc)}" for k, doc in docs.items())
    return f"\n{lines}\n"


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


class FileShardStorage(Storage):
    """A shard in ``path``; every write replaces the file atomically (``bot.atomic``)."""

    def __init__(self, path: Path, user_id: int) -> None:
        self._path = path
        self._user_id = user_id
        self._data: Tables | None = None

    def read(self) -> Tables | None:
        if self._data is None:
            try:
                raw = self._path.read_bytes()
            except FileNotFoundError:
                return None
            self._data = parse_shard(raw, str(self._path))
        return self._data

    def write(self, data: Tables) -> None:
        text = dumps_shard(data, self._user_id)
        self._data = None
        write_atomic(self._path, text.encode("utf-8"))
        self._data = data

    def close(self) -> None:
        self._data = None


class MemoryShardStorage(Storage):
    """A shard kept as serialised text in ``shelf[user_id]``, so nothing is shared by reference."""

    def __init__(self, shelf: dict[int, str], user_id: int) -> None:
        self._shelf = shelf
        self._user_id = user_id
        self._data: Tables | None = None

    def read(self) -> Tables | None:
        if self._data is None:
            text = self._shelf.get(self._user_id)
            if text is None:
                return None
            self._data = parse_shard(text, f"memory:{self._user_id}")
        return self._data

    def write(self, data: Tables) -> None:
        self._data = None
        self._shelf[self._user_id] = dumps_shard(data, self._user_id)
        self._data = data

    def close(self) -> None:
        self._data = None
