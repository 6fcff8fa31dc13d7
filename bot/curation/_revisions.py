"""Library revisions, stored with the data: ``<data_dir>/library/revisions/NNNNNN.json``.

Every applied change is one revision file (JSON, ``ensure_ascii=False``, ``schema_version``),
written atomically and never changed again. A revision holds its author, time, action and a
summary, and its ``changes`` (``bot.curation._overlay.Change``): full clauses to upsert, clauses
to revert to the shipped text, topic metadata. The effective library is the shipped
``snippets/`` plus revisions 1..N applied in order; revision 0 is the shipped library itself.

Writers hold ``<data_dir>/library/.lock`` (``flock``: threads and processes), read the newest
number, and write N + 1; readers need no lock (a file appears whole or not at all).

    library = load_effective_library(settings)      # what the bot and the CLI use
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.config import Settings
from bot.curation._candidate import build_library
from bot.curation._overlay import EMPTY, Change, ChangeSummary, Overlay
from bot.library.library import Library
from bot.library.loader import LibraryError, Problem, load_library
from bot.store.files import exclusive_lock, write_atomic

if TYPE_CHECKING:
    from bot.curation._audit import Clock
    from bot.curation._pending import PendingChanges

SCHEMA_VERSION = 1
LIBRARY_DIR = "library"  # under the data directory
REVISIONS_DIR = "revisions"
_NAME_RE = re.compile(r"^(\d{6,})\.json$")


class RevisionAction(StrEnum):
    ADD = "add"
    EDIT = "edit"
    RETIRE = "retire"
    RESTORE = "restore"
    UPLOAD = "upload"
    IMPORT = "import"
    ROLLBACK = "rollback"


class RevisionInfo(BaseModel):
    """A revision without its changes: what history shows."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    number: Annotated[int, Field(ge=1)]
    author: str  # "user:<id>" for a chat user, "cli:<name>" for the command line
    author_id: int | None = None
    at: datetime
    action: RevisionAction
    note: str = ""  # the uploaded file's name, …
    rollback_to: int | None = None
    summary: ChangeSummary


class Revision(RevisionInfo):
    schema_version: Literal[1] = 1
    changes: list[Change]

    def info(self) -> RevisionInfo:
        return RevisionInfo.model_validate(self.model_dump(exclude={"schema_version", "changes"}))


class RevisionLog:
    """The revision files of one data directory. Parsed files are cached (they never change)."""

    def __init__(self, data_dir: Path) -> None:
        self.directory = data_dir / LIBRARY_DIR
        self._revisions_dir = self.directory / REVISIONS_DIR
        self._cache: dict[int, Revision] = {}
        self._cache_lock = threading.Lock()
        self._thread_lock = threading.Lock()  # not re-entrant: never nest locked()

    def head(self) -> int:
        """The newest revision number (0: no revision, the shipped library)."""
        numbers = self._numbers()
        return numbers[-1] if numbers else 0

    def revisions(self, upto: int | None = None) -> list[Revision]:
        """Revisions 1..upto (default: all), oldest first; LibraryError if one is unreadable."""
        numbers = [n for n in self._numbers() if upto is None or n <= upto]
        if numbers != list(range(1, len(numbers) + 1)):
            missing = sorted(set(range(1, (numbers or [0])[-1] + 1)) - set(numbers))
            raise LibraryError([Problem(self._label(missing[0]), "", "file", "missing")])
        return [self.get(n) for n in numbers]

    def get(self, number: int) -> Revision:
        with self._cache_lock:
            cached = self._cache.get(number)
        if cached is not None:
            return cached
        revision = self._read(number)
        with self._cache_lock:
            self._cache[number] = revision
        return revision

    def pending_changes(self, clock: Clock) -> PendingChanges:
        """Where previews wait for 确认, beside the revisions."""
        from bot.curation._pending import PendingChanges

        return PendingChanges(self.directory, clock)

    def overlay_at(self, number: int | None = None) -> Overlay:
        """The overlay after revisions 1..number (default: all)."""
        overlay = EMPTY
        for revision in self.revisions(number):
            overlay = overlay.apply(revision.changes)
        return overlay

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Exclude other writers, in this process and in others."""
        with exclusive_lock(self.directory / ".lock", self._thread_lock):
            yield

    def append(self, revision: Revision) -> None:
        """Write the next revision; hold ``locked()`` around reading the head and this."""
        if revision.number != self.head() + 1:
            raise ValueError(f"revision {revision.number} does not follow {self.head()}")
        data = json.dumps(revision.model_dump(mode="json"), ensure_ascii=False, indent=1)
        write_atomic(self._path(revision.number), (data + "\n").encode("utf-8"))
        with self._cache_lock:
            self._cache[revision.number] = revision

    def _numbers(self) -> list[int]:
        try:
            names = os.listdir(self._revisions_dir)
        except FileNotFoundError:
            return []
        return sorted(int(m.group(1)) for m in map(_NAME_RE.match, names) if m)

    def _read(self, number: int) -> Revision:
        label = self._label(number)
        try:
            raw = json.loads(self._path(number).read_text(encoding="utf-8"))
            revision = Revision.model_validate(raw)
        except (OSError, ValueError) as exc:
            problems = [Problem(label, "", _field(exc), _reason(exc))]
            raise LibraryError(problems) from exc
        if revision.number != number:
            raise LibraryError([Problem(label, "", "number", f"says {revision.number}")])
        return revision

    def _path(self, number: int) -> Path:
        return self._revisions_dir / f"{number:06d}.json"

    def _label(self, number: int) -> str:
        return f"{LIBRARY_DIR}/{REVISIONS_DIR}/{number:06d}.json"


def _field(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return ".".join(map(str, exc.errors()[0]["loc"])) or "file"
    return "file"


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return str(exc.errors()[0]["msg"])
    return str(exc)


@dataclass(frozen=True)
class Effective:
    """The effective library at a revision, with what it was built from."""

    library: Library
    revision: int
    overlay: Overlay


def effective_at(base: Library, log: RevisionLog, number: int | None = None) -> Effective:
    """Base + revisions 1..number; LibraryError if the result breaks a rule."""
    revision = log.head() if number is None else number
    overlay = log.overlay_at(revision)
    library, problems = build_library(base, overlay)
    if problems:
        raise LibraryError(problems)
    return Effective(library, revision, overlay)


def load_effective_library(settings: Settings) -> Library:
    """The library every command and the bot use: shipped ``snippets/`` + the admins' revisions."""
    base = load_library(settings.snippets_dir)
    url = settings.database_url.get_secret_value()
    if not url:
        return effective_at(base, RevisionLog(settings.data_dir)).library
    from bot.curation._pg import PgRevisionLog
    from bot.store.postgres import open_database

    db = open_database(url, max_size=1)
    try:
        return effective_at(base, PgRevisionLog(settings.data_dir, db)).library
    finally:
        db.close()
