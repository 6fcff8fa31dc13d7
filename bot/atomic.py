"""Write a file so that a crash at any instant leaves either the old or the new content.

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
that can accept losing the newest write(s) on power loss (the drafts store: see
``bot.store.shards``) pass ``durable=False``; the default stays ``durable=True``.

Replacing a file frees the blocks of the old one, and on ext4 freeing blocks that are already on
disk took 1-8 ms on our shared VM (the rename itself: 30 µs). A caller that holds the old file
open (it read it) can hand the descriptor to ``close_later``: the rename then only drops a name,
and the old inode is freed when a background thread closes the descriptor.
"""

from __future__ import annotations

import contextlib
import os
import queue
import tempfile
import threading
from pathlib import Path


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


_CLOSE_BACKLOG = 64
_IDLE_EXIT_S = 1.0  # the closing thread ends after this long without work
_to_close: queue.Queue[int] = queue.Queue(maxsize=_CLOSE_BACKLOG)
_closer_lock = threading.Lock()
_closer: threading.Thread | None = None


def close_later(fd: int) -> None:
    """Close ``fd`` in a background thread (at once if 64 are already waiting).

    For descriptors whose close is slow: the last reference to a replaced file, which frees its
    blocks. The process still owns ``fd`` until then; it must not be used again. The thread
    starts on demand and ends after a second without work, so a process that forks workers
    after building the store (``bot.adapters.workers``) has no thread running; a child forked
    while it runs starts afresh and closes its copies of the waiting descriptors itself.
    """
    try:
        _to_close.put_nowait(fd)
    except queue.Full:
        os.close(fd)
        return
    global _closer
    with _closer_lock:
        if _closer is None or not _closer.is_alive():
            _closer = threading.Thread(target=_close_until_idle, name="close_later", daemon=True)
            _closer.start()


def _close_until_idle() -> None:
    global _closer
    while True:
        try:
            fd = _to_close.get(timeout=_IDLE_EXIT_S)
        except queue.Empty:
            with _closer_lock:  # close_later puts before it looks for a thread under this lock
                if _to_close.empty():
                    _closer = None
                    return
            continue
        with contextlib.suppress(OSError):
            os.close(fd)
        _to_close.task_done()


def drain_close_later() -> None:
    """Wait until every descriptor handed to ``close_later`` is closed (tests, benchmarks)."""
    _to_close.join()


def settle_close_later() -> None:
    """Close every waiting descriptor and let the closing thread end (at most about a second):
    for a process about to fork, which must have no other thread running."""
    _to_close.join()
    with _closer_lock:
        thread = _closer
    if thread is not None:
        thread.join(_IDLE_EXIT_S * 2)


def _reset_in_child() -> None:
    global _to_close, _closer_lock, _closer
    waiting = list(_to_close.queue)  # one thread now: the deque can be read without its lock
    _to_close, _closer_lock, _closer = queue.Queue(maxsize=_CLOSE_BACKLOG), threading.Lock(), None
    for fd in waiting:
        with contextlib.suppress(OSError):
            os.close(fd)


os.register_at_fork(after_in_child=_reset_in_child)


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
