"""The curation records in PostgreSQL: the same classes, their storage in the database.

Chosen with the store by ``PLANBOT_DATABASE_URL`` (``LibraryService.open``). Each subclass
replaces only where its records live; what they mean and who may change them stays in the base
class. Tables (``bot.store.postgres`` migrations 2 and 4): ``library_revisions`` (one JSONB revision
per number; the primary key refuses a second revision N), ``library_pending`` (previews waiting
for 确认), ``documents`` (the admin list, one JSONB document), ``audit_log`` and
``usage_events`` (one row each, appended).

Several instances on one database: ``head()`` is one ``max(number)`` query, so a revision
applied on one instance is live on the others at their next event (``LibraryService.refresh``).
Writers of revisions and of the admin list hold an advisory lock in one transaction.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import psycopg
from pydantic import ValidationError

from bot.curation._audit import AuditEntry, AuditLog, Clock, utc_now
from bot.curation._pending import Pending, PendingChanges
from bot.curation._revisions import Revision, RevisionLog, _field, _reason
from bot.curation._roles import AdminRegistry, _AdminFile, _AdminRecord
from bot.curation._stats import SCHEMA_VERSION as USAGE_SCHEMA_VERSION
from bot.curation._stats import UsageEvent, UsageStats, _count_line
from bot.library.loader import LibraryError, Problem
from bot.store.postgres import NS_ADMINS, NS_LIBRARY, Database, as_json

log = logging.getLogger(__name__)
ADMINS_DOC = "admins"


class PgRevisionLog(RevisionLog):
    """Revisions in ``library_revisions``; ``directory`` still names where previews wait."""

    def __init__(self, data_dir: Path, db: Database) -> None:
        super().__init__(data_dir)
        self._db = db

    def head(self) -> int:
        with self._db.operation() as conn:
            row = conn.execute("SELECT coalesce(max(number), 0) FROM library_revisions").fetchone()
        return int(str(row[0])) if row else 0

    @contextmanager
    def locked(self) -> Iterator[None]:
        with self._db.hold(key=(NS_LIBRARY, 0)):
            yield

    def append(self, revision: Revision) -> None:
        if revision.number != self.head() + 1:
            raise ValueError(f"revision {revision.number} does not follow {self.head()}")
        with self._db.operation() as conn:
            conn.execute("INSERT INTO library_revisions (number, doc) VALUES (%s, %s::jsonb)",
                         (revision.number, as_json(revision.model_dump(mode="json"))))
        with self._cache_lock:
            self._cache[revision.number] = revision

    def _numbers(self) -> list[int]:
        with self._db.operation() as conn:
            rows = conn.execute("SELECT number FROM library_revisions ORDER BY number").fetchall()
        return [int(str(row[0])) for row in rows]

    def _read(self, number: int) -> Revision:
        label = self._label(number)
        with self._db.operation() as conn:
            row = conn.execute("SELECT doc FROM library_revisions WHERE number = %s",
                               (number,)).fetchone()
        if row is None:
            raise LibraryError([Problem(label, "", "file", "missing")])
        try:
            revision = Revision.model_validate(row[0])
        except ValidationError as exc:
            raise LibraryError([Problem(label, "", _field(exc), _reason(exc))]) from exc
        if revision.number != number:
            raise LibraryError([Problem(label, "", "number", f"says {revision.number}")])
        return revision

    def _label(self, number: int) -> str:
        return f"library_revisions[{number}]"

    def pending_changes(self, clock: Clock) -> PendingChanges:
        return PgPendingChanges(self.directory, clock, self._db)


class PgPendingChanges(PendingChanges):
    """Previews in ``library_pending``: 确认 may reach another instance than the preview did."""

    def __init__(self, library_dir: Path, clock: Clock, db: Database) -> None:
        super().__init__(library_dir, clock)
        self._db = db

    def discard(self, token: str) -> None:
        with self._db.operation() as conn:
            conn.execute("DELETE FROM library_pending WHERE token = %s", (token,))

    def _write(self, pending: Pending) -> None:
        with self._db.operation() as conn:
            conn.execute(
                "INSERT INTO library_pending (token, created_at, doc) VALUES (%s, %s, %s::jsonb)",
                (pending.token, pending.created_at, as_json(pending.model_dump(mode="json"))),
            )

    def _read(self, token: str) -> Pending | None:
        with self._db.operation() as conn:
            row = conn.execute("SELECT doc FROM library_pending WHERE token = %s",
                               (token,)).fetchone()
        if row is None:
            return None
        try:
            return Pending.model_validate(row[0])
        except ValidationError:
            return None

    def _sweep(self, cutoff: datetime) -> None:
        with self._db.operation() as conn:
            conn.execute("DELETE FROM library_pending WHERE created_at < %s", (cutoff,))


class PgAdminRegistry(AdminRegistry):
    """The admin list as one JSONB document (``documents``, name ``admins``)."""

    def __init__(self, data_dir: Path, owners: frozenset[int], audit: AuditLog, db: Database,
                 clock: Clock = utc_now) -> None:
        super().__init__(data_dir, owners, audit, clock)
        self._db = db

    def _read(self) -> list[_AdminRecord]:
        with self._db.operation() as conn:
            row = conn.execute("SELECT doc FROM documents WHERE name = %s",
                               (ADMINS_DOC,)).fetchone()
        if row is None:
            return []
        try:
            return _AdminFile.model_validate(row[0]).admins
        except ValidationError:
            log.exception("the admin list in the database is unreadable: only the owners are "
                          "admins")
            return []

    def _write(self, records: list[_AdminRecord]) -> None:
        doc = as_json(_AdminFile(admins=records).model_dump(mode="json"))
        with self._db.operation() as conn:
            conn.execute(
                "INSERT INTO documents (name, doc) VALUES (%s, %s::jsonb)"
                " ON CONFLICT (name) DO UPDATE SET doc = excluded.doc", (ADMINS_DOC, doc),
            )

    @contextmanager
    def _locked(self) -> Iterator[None]:
        with self._db.hold(key=(NS_ADMINS, 0)):
            yield


class PgAuditLog(AuditLog):
    """One row per admin action in ``audit_log``."""

    def __init__(self, data_dir: Path, db: Database, clock: Clock = utc_now) -> None:
        super().__init__(data_dir, clock)
        self._db = db

    def _append(self, entry: AuditEntry) -> None:
        with self._db.operation() as conn:
            conn.execute("INSERT INTO audit_log (at, doc) VALUES (%s, %s::jsonb)",
                         (entry.at, as_json(entry.model_dump(mode="json"))))

    def entries(self) -> list[AuditEntry]:
        with self._db.operation() as conn:
            rows = conn.execute("SELECT doc FROM audit_log ORDER BY id").fetchall()
        return [AuditEntry.model_validate(row[0]) for row in rows]


class PgUsageStats(UsageStats):
    """One row per recorded event in ``usage_events``; recording never raises."""

    def __init__(self, data_dir: Path, db: Database, clock: Clock = utc_now) -> None:
        super().__init__(data_dir, clock)
        self._db = db

    def record(self, event: UsageEvent, *ids: str) -> None:
        if not ids:
            return
        at = self._clock()
        doc = {"v": USAGE_SCHEMA_VERSION, "at": at.isoformat(), "event": event.value,
               "ids": list(ids)}
        try:
            with self._db.operation() as conn:
                conn.execute("INSERT INTO usage_events (at, doc) VALUES (%s, %s::jsonb)",
                             (at, as_json(doc)))
        except psycopg.Error:
            log.exception("usage statistics not recorded")

    def counts(self, since: datetime | None = None) -> dict[UsageEvent, Counter[str]]:
        out: dict[UsageEvent, Counter[str]] = {event: Counter() for event in UsageEvent}
        with self._db.operation() as conn:
            rows = conn.execute(
                "SELECT doc FROM usage_events WHERE %s::timestamptz IS NULL OR at >= %s"
                " ORDER BY id", (since, since),
            ).fetchall()
        for (doc,) in rows:
            _count_line(json.dumps(doc), since, out)
        return out
