"""A shard kept in two files written in turn, in place: crash-safe writes that create no file.

A user's shard lives in ``<user_id>.json`` and ``<user_id>.b.json``. A write goes into the file
that does *not* hold the current state, over its old bytes (``pwrite``, ``ftruncate``,
``fdatasync``), so the current state is never touched while the new one is written. The first
line of each file numbers the write and checksums the rest::

    {"_slot": {"seq": 18, "crc32": 2174353517},
    "_meta": {
      "1": {"schema_version": 1, "user_id": 42}
    },
    "drafts": {
      ...
    }
    }

The whole file is still one JSON object (``json.loads``, ``jq``), and the rest after the first
line is the shard as ``bot.store.storage`` lays it out. The current state is the file with the
higher ``seq`` whose checksum matches; a file whose checksum fails is a write that a crash cut
short, and the other file holds the state before it.

- **Atomic.** A crash at any instant (process killed, power lost) leaves the file being written
  torn and the other one whole: the reader takes the whole one, which is the last good state.
  The next write goes into the torn file again.
- **Durable on return.** ``fdatasync`` puts the new bytes and the file's length on disk before
  the write returns. The second file, when created, also gets the directory fsynced, so the
  whole file can never be the one a power loss takes away. (The very first write of a new user
  skips that: a power loss within seconds of it can lose it, and there is nothing older.)
- **Readers take no lock.** A reader that meets the file being written sees a bad checksum and
  takes the other file, the state just before the write: a consistent snapshot, as a rename
  would give. (If it meets two writes in a row it sees two bad files; ``bot.store.shards`` then
  reads again under the write lock.)
- **Why not a temporary file and a rename.** On the ext4 VMs we run on, creating a file costs
  150-330 µs of kernel CPU, and the rename and freeing of the replaced inode add more: about
  0.5 ms of CPU per write, a tenth of a busy bot's CPU per update. Overwriting in place with
  ``fdatasync`` costs about 70 µs and is durable as well (``python -m benchmarks store``).

A file without the ``_slot`` line in the first place is a shard written by an earlier planbot
(one file, replaced by rename, so always whole): it counts as write number 0. The second place
always has the line; one without it is torn. To repair a shard by hand, delete ``.b.json`` and
write the shard without the first line to ``<user_id>.json``.
"""

from __future__ import annotations

import os
import re
import zlib
from pathlib import Path
from typing import Final, NamedTuple

from bot.store.files import fsync_dir

SECOND_SUFFIX: Final = ".b.json"
_HEADER: Final = re.compile(rb'\{"_slot": \{"seq": (\d{1,19}), "crc32": (\d{1,10})\},\n')
_HEADER_START: Final = b'{"_slot": '
_SHARD_START: Final = b"{\n"
_fdatasync = getattr(os, "fdatasync", os.fsync)


class Slot(NamedTuple):
    """What one file of the pair holds."""

    seq: int  # the write's number; 0 for a file from before the pair
    crc: int | None  # the checksum of ``raw[start:]`` it claims; None for a file from before
    start: int  # where the shard's JSON (after ``{`` and the newline) begins in ``raw``


def slot_paths(first: Path) -> tuple[Path, Path]:
    """The two files of the shard whose first file is ``first`` (``<user_id>.json``)."""
    return first, first.with_name(first.name.removesuffix(".json") + SECOND_SUFFIX)


def read_slot(path: Path) -> bytes | None:
    """The file's bytes, or None if there is no such file."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    try:
        chunks = []
        while chunk := os.read(fd, max(os.fstat(fd).st_size, 1 << 16)):
            chunks.append(chunk)
    finally:
        os.close(fd)
    return b"".join(chunks)


def describe(raw: bytes, index: int) -> Slot | None:
    """The slot ``raw`` (read from file ``index`` of the pair) claims to be; None if it is not
    one (a torn first line, or no first line in the second file). The checksum is not checked
    here: see ``intact``."""
    if raw.startswith(_HEADER_START):
        match = _HEADER.match(raw)
        if match is None:
            return None
        return Slot(int(match[1]), int(match[2]), match.end())
    if index == 0:  # written by an earlier planbot: whole, the oldest state there can be
        return Slot(0, None, 0)
    return None


def newest_first(raws: list[bytes | None]) -> list[tuple[Slot, int, bytes]]:
    """The files that claim to be slots (with their index in the pair), highest ``seq`` first."""
    found = [
        (slot, index, raw)
        for index, raw in enumerate(raws)
        if raw is not None and (slot := describe(raw, index)) is not None
    ]
    found.sort(key=lambda entry: entry[0].seq, reverse=True)
    return found


def current(first: Path) -> tuple[Path, bytes] | None:
    """The file of the pair that holds the current state, and the shard's JSON in it; None if
    neither file is whole (or there is none). For people and tests: the store caches."""
    paths = slot_paths(first)
    for slot, index, raw in newest_first([read_slot(path) for path in paths]):
        if intact(raw, slot):
            return paths[index], shard_bytes(raw, slot)
    return None


def intact(raw: bytes, slot: Slot) -> bool:
    """Whether the bytes after the first line are those the first line's checksum names."""
    return slot.crc is None or zlib.crc32(memoryview(raw)[slot.start :]) == slot.crc


def holds(raw: bytes, slot: Slot, shard: bytes) -> bool:
    """Whether the file ``raw`` (described as ``slot``) holds exactly ``shard``."""
    if slot.crc is None:
        return raw == shard
    return memoryview(raw)[slot.start :] == memoryview(shard)[len(_SHARD_START) :]


def shard_bytes(raw: bytes, slot: Slot) -> bytes:
    """The shard's JSON as ``bot.store.storage`` lays it out (without the ``_slot`` line)."""
    return raw if slot.crc is None else _SHARD_START + raw[slot.start :]


def encode_slot(seq: int, shard: bytes) -> bytes:
    """The bytes of write number ``seq`` of ``shard`` (which starts with ``{`` and a newline)."""
    if not shard.startswith(_SHARD_START):
        raise ValueError("a shard must start with '{' and a newline")
    rest = memoryview(shard)[len(_SHARD_START) :]
    return b'{"_slot": {"seq": %d, "crc32": %d},\n' % (seq, zlib.crc32(rest)) + rest


def write_in_place(path: Path, data: bytes, *, first: bool = False) -> None:
    """Overwrite ``path`` with ``data`` and put the bytes on disk before returning. A file that
    does not exist yet is created and its directory entry made durable too, except for the
    ``first`` file of a new shard: its name gets to disk with the second file's (or within the
    file system's commit interval), since nothing older depends on it."""
    created = False
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o600)
        created = True
    try:
        view = memoryview(data)
        offset = 0
        while offset < len(data):
            offset += os.pwrite(fd, view[offset:], offset)
        os.ftruncate(fd, len(data))
        _fdatasync(fd)
    finally:
        os.close(fd)
    if created and not first:
        fsync_dir(path.parent)
