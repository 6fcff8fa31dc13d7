"""TinyDB storages for one user's shard: a pair of files written in turn, or a string in memory.

The shard is UTF-8 JSON with ``ensure_ascii=False`` and one document per line, so people can read
it and diffs stay small::

    {
    "_meta": {
      "1": {"schema_version": 1, "user_id": 42}
    },
    "drafts": {
      "1": {"schema_version": 1, "id": "42-Xy3_a-Q9", "name": "...", ...}
    }
    }

On disk it sits in two files, each headed by a line that numbers and checksums the write
(``bot.store.slots``). A storage object lives for one store operation: it reads the shard once
and serves the data to every TinyDB call of that operation (TinyDB reads the whole storage on
each call). The file storage keeps parsed shards in a ``ShardCache``, so a shard is parsed only
when its bytes changed under us, and a write re-encodes only the documents that changed.

The values inside a document handed to TinyDB are shared with the cache: whoever returns them
to a caller copies them first (``copy_json``; ``bot.store.tiny`` does it for every record).
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from bot.store.slots import (
    Slot,
    describe,
    encode_slot,
    holds,
    intact,
    newest_first,
    read_slot,
    shard_bytes,
    slot_paths,
    write_in_place,
)

SHARD_SCHEMA_VERSION = 1
META_TABLE = "_meta"
DEFAULT_CACHE_BYTES = 8 << 20  # of shard files; in memory the parsed shards take 5-10 times that

Tables = dict[str, dict[str, Any]]
# table -> document id -> (a private parsed copy of the document, its JSON line or "")
ShardLines = dict[str, dict[str, tuple[dict[str, Any], str]]]


class ShardCorrupt(Exception):
    """A shard is not UTF-8 JSON of TinyDB's shape (tables of documents)."""

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"{where}: {reason}")
        self.where = where
        self.reason = reason


class ShardBusy(Exception):
    """A read without the write lock met a file being written: read again under the lock (the
    other file may be older than a write that ended before this read began)."""


class ShardTooNew(ShardCorrupt):
    """A shard was written by a newer planbot: readable by it, so never moved aside."""


def _decode(raw: bytes, where: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ShardCorrupt(where, f"not UTF-8 JSON ({exc})") from exc


def parse_shard(text: bytes | str, where: str) -> Tables:
    """Parse and check the shape of a shard; ``ShardCorrupt`` says what is wrong."""
    try:
        data = json.loads(_decode(text, where) if isinstance(text, bytes) else text)
    except ValueError as exc:  # JSONDecodeError is a ValueError
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
    return _assemble(_lines(data, user_id, None), user_id)


def _lines(data: Tables, user_id: int, known: ShardLines | None) -> ShardLines:
    """Each document's line: taken from ``known`` when the document is untouched (``_same``),
    encoded otherwise."""
    out: ShardLines = {}
    for name, docs in data.items():
        if name == META_TABLE:
            continue
        before = known.get(name, {}) if known is not None else {}
        table: dict[str, tuple[dict[str, Any], str]] = {}
        for doc_id, doc in docs.items():
            key = str(doc_id)
            old = before.get(key)
            if old is not None and _same(old[0], doc):
                table[key] = old if old[1] else (old[0], _encode(doc))
            else:
                line = _encode(doc)
                table[key] = (json.loads(line), line)  # a private copy, exactly as written
        out[name] = table
    return out


def _same(before: dict[str, Any], doc: dict[str, Any]) -> bool:
    """Whether ``doc`` holds the very values of ``before`` (identity, about 1 µs a document).

    A document handed to TinyDB is a new dict over the cached values (``_hand_out``); TinyDB and
    ``bot.store.tiny`` change documents only by setting top-level keys, never by changing a value
    in place, so identical values mean an unchanged document. Unlike ``==`` this never takes
    ``1`` for ``True`` or ``1.0``, which would keep a stale line.
    """
    return len(before) == len(doc) and all(doc.get(k, _GONE) is v for k, v in before.items())


_GONE = object()


def _assemble(lines: ShardLines, user_id: int) -> str:
    meta = _encode({"schema_version": SHARD_SCHEMA_VERSION, "user_id": user_id})
    out = ["{\n", _encode(META_TABLE), ': {\n  "1": ', meta, "\n}"]
    for name, docs in lines.items():
        out.append(f",\n{_encode(name)}: {{")
        out.append(",".join(f"\n  {_encode(doc_id)}: {line}" for doc_id, (_, line) in docs.items()))
        out.append("\n}" if docs else "}")
    out.append("\n}\n")
    return "".join(out)


_encode = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode


def _from_parsed(data: Tables, text: str, user_id: int) -> ShardLines:
    """The documents of a shard just parsed, with their lines when the file is in our layout
    (so the first write after a parse re-encodes only what changed), else with no lines yet."""
    known: ShardLines = {
        name: {str(k): (doc, "") for k, doc in docs.items()}
        for name, docs in data.items()
        if name != META_TABLE
    }
    return _recover_lines(known, text, user_id) or known


def _recover_lines(known: ShardLines, text: str, user_id: int) -> ShardLines | None:
    """Each document's line, cut from ``text``; ``None`` unless putting the lines together again
    gives back ``text`` exactly (another layout, an old or foreign writer)."""
    rows = iter(text.split("\n"))
    out: ShardLines = {}
    for name, docs in known.items():
        header = f"{_encode(name)}: {{"
        if next((r for r in rows if r.startswith(header)), None) is None:
            return None
        table: dict[str, tuple[dict[str, Any], str]] = {}
        for doc_id, (doc, _) in docs.items():
            prefix, row = f"  {_encode(doc_id)}: ", next(rows, "")
            if not row.startswith(prefix):
                return None
            table[doc_id] = (doc, row[len(prefix) :].removesuffix(","))
        out[name] = table
    return out if _assemble(out, user_id) == text else None


def _hand_out(lines: ShardLines) -> Tables:
    """Tables for one operation: a new dict for every table and document over shared values.

    TinyDB changes documents only at their top level (``dict.update``, our ``_overwrite``), so
    this is enough to keep the cached copies intact. Values reachable from a document (a plan's
    sections) are shared: they must never be changed in place, and ``bot.store.tiny`` copies
    every document it returns to a caller.
    """
    return {name: {k: dict(doc) for k, (doc, _) in docs.items()} for name, docs in lines.items()}


def copy_json(value: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of parsed JSON that shares only the immutable leaves."""
    return {
        k: copy_json(v) if type(v) is dict else _copy_list(v) if type(v) is list else v
        for k, v in value.items()
    }


def _copy_list(value: list[Any]) -> list[Any]:
    return [
        copy_json(v) if type(v) is dict else _copy_list(v) if type(v) is list else v for v in value
    ]


class ShardCache:
    """Parsed shards (with each document's JSON line) by file, used only while the file holds
    exactly the bytes they came from.

    Reading the file and comparing the bytes costs about 10 µs for a 60 KB shard from the page
    cache, a twentieth of parsing it, and unlike a ``stat`` key (inode, size, mtime) it cannot
    be fooled: the files are overwritten in place, and where timestamps are coarse a write by
    another process within one clock tick keeps the mtime.
    Cached documents are private: callers get new dicts over them and never change shared values.

    The cache is bounded by the bytes of the files it holds (the parsed documents take several
    times that in memory), not by a count: a count small enough for the largest shards would
    make a busy bot with a few hundred users in the middle of a draft parse every shard on every
    update, which is what a cache of 64 did in ``benchmarks chat``.
    """

    def __init__(self, max_bytes: int = DEFAULT_CACHE_BYTES) -> None:
        self._max_bytes = max_bytes
        self._bytes = 0
        self._entries: OrderedDict[str, tuple[bytes, ShardLines]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str, raw: bytes) -> ShardLines | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] != raw:
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def put(self, key: str, raw: bytes, lines: ShardLines) -> None:
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= len(old[0])
            if len(raw) > self._max_bytes:
                return
            self._entries[key] = (raw, lines)
            self._bytes += len(raw)
            while self._bytes > self._max_bytes:
                _, (dropped, _) = self._entries.popitem(last=False)
                self._bytes -= len(dropped)

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size_bytes(self) -> int:
        return self._bytes


class FileShardStorage(Storage):
    """A shard in a pair of files written in turn (``bot.store.slots``): the current state is
    never overwritten, so a crash at any instant leaves it whole.

    A write re-encodes only the documents that changed; the others keep their cached lines. A
    write of the shard the current file holds already is skipped.
    """

    def __init__(
        self, path: Path, user_id: int, cache: ShardCache | None = None, *, locked: bool = True
    ) -> None:
        self._paths = slot_paths(path)
        self._locked = locked  # whether the caller holds the user's write lock
        self._user_id = user_id
        self._cache = cache
        self._lines: ShardLines | None = None
        self._data: Tables | None = None
        self._current: tuple[int, bytes, Slot] | None = None  # the current file: index, bytes
        self._read_done = False

    def read(self) -> Tables | None:
        if not self._read_done:
            self._lines = self._read_current()
            self._data = _hand_out(self._lines) if self._lines is not None else None
            self._read_done = True
        return self._data

    def write(self, data: Tables) -> None:
        if not self._read_done:
            self.read()  # which file is current, and its write number
        lines = _lines(data, self._user_id, self._lines)
        shard = _assemble(lines, self._user_id).encode("utf-8")
        self._data = self._lines = None
        current = self._current
        if current is None or not holds(current[1], current[2], shard):
            index, seq = (1 - current[0], current[2].seq + 1) if current is not None else (0, 1)
            raw = encode_slot(seq, shard)
            write_in_place(self._paths[index], raw, first=current is None)
            slot = describe(raw, index)
            assert slot is not None  # as just encoded
            self._current = (index, raw, slot)
            if self._cache is not None:
                self._cache.put(str(self._paths[0]), raw, lines)
        self._lines = lines
        self._data = _hand_out(lines)

    def close(self) -> None:
        self._data = self._lines = self._current = None
        self._read_done = False

    def _read_current(self) -> ShardLines | None:
        """The lines of the newest intact file; None if there is no shard yet.

        Without the lock, a file that is not whole may be a write under way, and then the other
        file can hold a state older than one this reader already saw: ``ShardBusy``. With the
        lock, it is a write a crash cut short, and the other file holds the last good state.
        """
        raws = [read_slot(path) for path in self._paths]
        slots = newest_first(raws)
        if not self._locked and len(slots) < sum(raw is not None for raw in raws):
            raise ShardBusy(str(self._paths[0]))  # a file whose first line is torn
        key = str(self._paths[0])  # one cache entry per shard: the current file's bytes
        for slot, index, raw in slots:
            lines = self._cache.get(key, raw) if self._cache is not None else None
            if lines is None:
                if not intact(raw, slot):
                    if not self._locked:
                        raise ShardBusy(key)
                    continue  # cut short by a crash: the other file is whole
                where = str(self._paths[index])
                text = _decode(shard_bytes(raw, slot), where)
                lines = _from_parsed(parse_shard(text, where), text, self._user_id)
                if self._cache is not None:
                    self._cache.put(key, raw, lines)
            self._current = (index, raw, slot)
            return lines
        if any(raw is not None for raw in raws):
            raise ShardCorrupt(str(self._paths[0]), "neither file of the shard is whole")
        return None


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
