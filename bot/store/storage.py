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
import threading
from collections import OrderedDict
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
        data = json.loads(text.decode("utf-8-sig") if isinstance(text, bytes) else text)
    except ValueError as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
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
    out = ["{\n"]
    for t, (name, docs) in enumerate(tables.items()):
        out.append(f",\n{_encode(name)}: {{" if t else f"{_encode(name)}: {{")
        for d, (doc_id, doc) in enumerate(docs.items()):
            out.extend((",\n  " if d else "\n  ", _encode(str(doc_id)), ": ", _encode(doc)))
        out.append("\n}" if docs else "}")
    out.append("\n}\n")
    return "".join(out)


_encode = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode


def copy_tables(data: Tables) -> Tables:
    """A copy of parsed JSON sharing only the immutable leaves (faster than parsing again)."""
    return _copy_dict(data)


def _copy_dict(value: dict[str, Any]) -> dict[str, Any]:
    return {
        k: _copy_dict(v) if type(v) is dict else _copy_list(v) if type(v) is list else v
        for k, v in value.items()
    }


def _copy_list(value: list[Any]) -> list[Any]:
    return [
        _copy_dict(v) if type(v) is dict else _copy_list(v) if type(v) is list else v
        for v in value
    ]


class ShardCache:
    """Parsed shards by file, used only while the file holds exactly the bytes they came from.

    Comparing the bytes (a read from the page cache and a memcmp) is cheaper than parsing them and,
    unlike a (mtime, size) key, cannot be fooled by another process writing within one clock tick.
    Entries are never handed out or stored by reference: callers get and give copies.
    """

    def __init__(self, capacity: int = 64) -> None:
        self._capacity = capacity
        self._entries: OrderedDict[str, tuple[bytes, Tables]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str, raw: bytes) -> Tables | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] != raw:
                return None
            self._entries.move_to_end(key)
            parsed = entry[1]
        return copy_tables(parsed)

    def put(self, key: str, raw: bytes, data: Tables) -> None:
        entry = (raw, copy_tables(data))
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self._capacity:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)


class FileShardStorage(Storage):
    """A shard in ``path``; every write replaces the file atomically (``bot.atomic``)."""

    def __init__(self, path: Path, user_id: int, cache: ShardCache | None = None) -> None:
        self._path = path
        self._user_id = user_id
        self._cache = cache
        self._data: Tables | None = None

    def read(self) -> Tables | None:
        if self._data is None:
            try:
                raw = self._path.read_bytes()
            except FileNotFoundError:
                return None
            key = str(self._path)
            cached = self._cache.get(key, raw) if self._cache else None
            self._data = cached if cached is not None else parse_shard(raw, key)
            if cached is None and self._cache:
                self._cache.put(key, raw, self._data)
        return self._data

    def write(self, data: Tables) -> None:
        raw = dumps_shard(data, self._user_id).encode("utf-8")
        self._data = None
        write_atomic(self._path, raw)
        self._data = data
        if self._cache:
            self._cache.put(str(self._path), raw, data)

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
