"""Every file the bot writes goes through here (or through the store's own modules).

Files under the data directory (drafts and sessions aside, which are the store's own) are
written by the parts that own them (the library revisions, the admin list, the audit and usage
logs, search misses, the segmentation cache …), always with these helpers: nothing outside
``bot/store/`` opens a file for writing, renames, deletes or locks one.

Write a file so that a crash at any instant leaves either the old or the new content.

``write_atomic`` writes a temporary file in the target's directory, fsyncs it, then renames it
over the target (``os.replace``). What each step buys:

- **fsync of the temporary file, before the rename: needed for atomicity.** Without it a power
  loss can persist the rename (metadata) before the data, leaving the name pointing at an empty
  or partial file. With it, whichever directory entry survives names complete content.
- **The rename: the atomic switch.** Other processes see the old or the new file, never a mix;
  a process killed at any instant leaves the old file (plus a stray ``.*.tmp``, swept later).
- **fsync of the directory, after the rename: only durability of this newest write.** Without
  it a power loss (not a process crash: the kernel already has the rename) may undo the rename,
  so the file holds the *previous* complete content: the last good state before this write,
  never a torn one. On journaling file systems (ext4, XFS) renames reach the disk in the order
  they were made, and any later fsync on the file system commits them, so what survives is a
  prefix of the writes; POSIX itself promises that ordering only with the directory fsync.

The directory fsync is a second journal commit and costs about as much as the first, so callers
that can accept losing the newest write(s) on power loss pass ``durable=False``; the default
stays ``durable=True``.

Creating the temporary file and freeing the replaced one are costly on ext4 (on our VMs about
0.5 ms of kernel CPU a write): files written many times a second (the drafts store) use
``bot.store.slots`` instead, which overwrites one of two files in place.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

__all__ = [
    "append_atomic",
    "copy_file",
    "ensure_dir",
    "exclusive_lock",
    "fsync_dir",
    "remove",
    "remove_older",
    "set_aside",
    "write_atomic",
]


def write_atomic(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Temporary file in the same directory, fsync, ``os.replace``; with ``durable``, fsync of the
    directory too (the parent directory is created if missing)."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        try:
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    if durable:
        fsync_dir(path.parent)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def fsync_dir(directory: Path) -> None:
    """Make a rename or a new file in ``directory`` durable."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def append_atomic(path: Path, data: bytes) -> None:
    """Append ``data`` (one record, e.g. a JSON line) with one ``write`` on an ``O_APPEND``
    descriptor, then fsync: records from several threads or processes never interleave."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        written = os.write(fd, data)
        if written != len(data):  # pragma: no cover - only on a full disk
            raise OSError(f"short write to {path}: {written} of {len(data)} bytes")
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def exclusive_lock(path: Path, thread_lock: threading.Lock | None = None) -> Iterator[None]:
    """Hold ``flock(path)`` (created if missing, with its directory): excludes other processes;
    ``thread_lock`` (held around it) excludes this process's other threads too. Not
    re-entrant: never nest two on one file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with thread_lock if thread_lock is not None else contextlib.nullcontext():
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the flock


def remove(path: Path) -> None:
    """Delete a file; one that is already gone is fine."""
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def remove_older(directory: Path, pattern: str, cutoff: datetime) -> None:
    """Delete the files of ``directory`` matching ``pattern`` last modified before ``cutoff``
    (files that cannot be looked at or deleted are left)."""
    for path in directory.glob(pattern):
        with contextlib.suppress(OSError):
            if path.stat().st_mtime < cutoff.timestamp():
                path.unlink()


def set_aside(path: Path, suffix: str = ".bad") -> None:
    """Rename an unreadable file out of the way (``<name>.bad``) so a new one can start."""
    with contextlib.suppress(OSError):
        os.replace(path, path.with_name(path.name + suffix))


def ensure_dir(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)


def copy_file(source: Path, target: Path) -> None:
    """Copy a file byte for byte (its directory created if missing)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
