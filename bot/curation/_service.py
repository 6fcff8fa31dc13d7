"""Admins curate the clause library: preview a change, confirm it, and it is live at once.

    service = LibraryService.open(settings)
    service.subscribe(search.rebuild)              # called with the new Library after a change
    service.refresh()                              # per update: other processes' changes
    library = service.library                      # the effective library (base + revisions)

    preview = service.preview_upload(user_id, "preschool.yaml", data)   # or preview_new_clause,
    if preview.problems: ...                       # preview_edit, preview_retire, preview_rollback
    info = service.apply(user_id, preview.token)   # after 确认: a new revision

Every admin method takes the actor first (a chat user id, or an ``Operator`` from the CLI) and
checks the admin list at that moment (``PermissionDenied("not_admin")``); ``ADMIN_ACTIONS``
names them all. A preview is stored under ``<data_dir>/library/pending/<token>.json``
(``bot.curation._pending``) so that a confirmation may arrive in another process; only the
admin who asked for it can apply it, within ``PENDING_TTL``, and only if no other change was
applied meanwhile (``ConflictError("library_changed")``: preview again). Applied changes are
audited with the clauses before and after.

An upload is one topic file (``snippets/README.md``): the clauses it lists are added or replaced
whole, the others stay; ``retired: true`` retires one; topic fields it leaves out keep their
values. Retiring keeps the clause in the library (``library.clause(id)`` finds it, so drafts
that use it still show it) but ``Clause.fits`` is False, so assembly, 添加条款 and search stop
offering it.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.compose.context import Region
from bot.config import Settings
from bot.curation._audit import AuditLog, Clock, utc_now
from bot.curation._candidate import build_library
from bot.curation._changes import (
    ChangePreview,
    ChangeRejected,
    Draft,
    NewClause,
    edited_data,
    new_clause_draft,
    replacement_draft,
    upload_draft,
)
from bot.curation._dump import export_library, topic_yaml
from bot.curation._overlay import EMPTY
from bot.curation._pending import Pending
from bot.curation._preview import check_draft, sample_region
from bot.curation._revisions import Effective, Revision, RevisionAction, RevisionInfo, RevisionLog
from bot.curation._roles import Actor, AdminInfo, AdminRegistry, actor_id, actor_label
from bot.curation._stats import AdminStats, UsageStats, summarise_usage
from bot.curation._upload import parse_upload
from bot.errors import ConflictError, InputError, NotFoundError
from bot.library.library import Library
from bot.library.loader import LibraryError, load_library
from bot.library.models import Clause
from bot.search.misses import Miss
from bot.search.preview import Preview, preview

if TYPE_CHECKING:
    from bot.store.postgres import Database

log = logging.getLogger(__name__)

MAX_AUDITED_CLAUSES = 20  # clauses written out in full in one audit line

# Every method that needs an admin (the test enumerates them, with arguments).
ADMIN_ACTIONS = (
    "list_admins", "add_admin", "remove_admin",
    "preview_upload", "preview_new_clause", "preview_edit", "preview_retire", "preview_restore",
    "preview_rollback", "apply", "discard",
    "add_clause", "edit_clause_text", "retire_clause", "restore_clause", "rollback",
    "history", "render_preview", "topic_file", "stats_summary", "export",
)


class LibraryService:
    """The effective library and every admin action on it. Thread-safe; several processes may
    share one data directory (revisions are written under a file lock)."""

    def __init__(
        self,
        base: Library,
        revisions: RevisionLog,
        admins: AdminRegistry,
        audit: AuditLog,
        usage: UsageStats,
        *,
        snippets_dir: Path,
        sample_region: Region,
        clock: Clock = utc_now,
    ) -> None:
        self.admins = admins
        self.audit = audit
        self.usage = usage
        self.sample_region = sample_region
        self._base = base
        self._log = revisions
        self._snippets_dir = snippets_dir
        self._clock = clock
        self._pending = revisions.pending_changes(clock)
        self._lock = threading.Lock()
        self._subscribers: list[Callable[[Library], None]] = []
        self._generation = 0
        self._effective = Effective(base, 0, EMPTY)
        with self._lock:
            self._catch_up()  # a broken revision log stops the start (LibraryError)

    @classmethod
    def open(cls, settings: Settings, *, clock: Clock = utc_now,
             database: Database | None = None) -> LibraryService:
        """Load the shipped library and the revisions under ``settings.data_dir``, or in the
        database (``database``, else ``settings.database_url`` when set)."""
        base = load_library(settings.snippets_dir)
        if database is None and settings.database_url.get_secret_value():
            from bot.store.postgres import open_database

            database = open_database(settings.database_url.get_secret_value())
        if database is not None:
            return cls._on_database(base, settings, database, clock)
        audit = AuditLog(settings.data_dir, clock)
        return cls(
            base,
            RevisionLog(settings.data_dir),
            AdminRegistry(settings.data_dir, settings.admin_ids, audit, clock),
            audit,
            UsageStats(settings.data_dir, clock),
            snippets_dir=settings.snippets_dir,
            sample_region=sample_region(settings.snippets_dir),
            clock=clock,
        )

    @classmethod
    def _on_database(cls, base: Library, settings: Settings, db: Database, clock: Clock
                     ) -> LibraryService:
        from bot.curation._pg import PgAdminRegistry, PgAuditLog, PgRevisionLog, PgUsageStats

        audit = PgAuditLog(settings.data_dir, db, clock)
        return cls(
            base,
            PgRevisionLog(settings.data_dir, db),
            PgAdminRegistry(settings.data_dir, settings.admin_ids, audit, db, clock),
            audit,
            PgUsageStats(settings.data_dir, db, clock),
            snippets_dir=settings.snippets_dir,
            sample_region=sample_region(settings.snippets_dir),
            clock=clock,
        )

    # -- the current library ----------------------------------------------------------------

    @property
    def library(self) -> Library:
        return self._effective.library

    @property
    def base(self) -> Library:
        """The shipped library (revision 0)."""
        return self._base

    @property
    def revision(self) -> int:
        """The revision the current library is at (0: the shipped library)."""
        return self._effective.revision

    @property
    def generation(self) -> int:
        """Goes up by one every time ``library`` is replaced in this process."""
        return self._generation

    def subscribe(self, callback: Callable[[Library], None]) -> Callable[[], None]:
        """Call ``callback(new_library)`` after every change; returns an unsubscribe function."""
        self._subscribers.append(callback)
        return lambda: self._subscribers.remove(callback)

    def refresh(self) -> bool:
        """Pick up revisions written by other processes (one directory listing when none).

        If they cannot be read or break a rule, the current library stays (logged): a bad
        file written behind the bot's back must not stop the users' drafts."""
        with self._lock:
            try:
                changed = self._catch_up()
            except LibraryError as exc:
                log.error("library revisions not loaded: %s", "; ".join(map(str, exc.problems)))
                return False
        if changed:
            self._notify()
        return changed

    def is_admin(self, user_id: int) -> bool:
        return self.admins.is_admin(user_id)

    def is_owner(self, user_id: int) -> bool:
        return self.admins.is_owner(user_id)

    def newer_wordings(self, since_revision: int) -> dict[str, int]:
        """Clause ids whose wording changed after ``since_revision`` → newest such revision.

        A draft that stores the revision it was made at (``service.revision``, e.g. in its
        ``meta``) can show which of its clauses have a newer wording; its own text never
        changes.
        """
        out: dict[str, int] = {}
        for revision in self._log.revisions(self.revision):
            if revision.number > since_revision:
                for clause_id in (*revision.summary.changed, *revision.summary.restored):
                    out[clause_id] = revision.number
        return out

    # -- admins -----------------------------------------------------------------------------

    def list_admins(self, actor: Actor) -> list[AdminInfo]:
        return self.admins.list_admins(actor)

    def add_admin(self, actor: Actor, user_id: int) -> bool:
        return self.admins.add_admin(actor, user_id)

    def remove_admin(self, actor: Actor, user_id: int) -> bool:
        return self.admins.remove_admin(actor, user_id)

    # -- previews ---------------------------------------------------------------------------

    def preview_upload(
        self, actor: Actor, filename: str, data: bytes, *, action: RevisionAction | None = None
    ) -> ChangePreview:
        """Check an uploaded topic file in full; nothing changes until ``apply``."""
        self._begin(actor)
        parsed = parse_upload(filename, data)
        return self._preview(actor, upload_draft(self.library, parsed,
                                                 action or RevisionAction.UPLOAD))

    def preview_new_clause(
        self, actor: Actor, new: NewClause, *, sample_year: int | None = None
    ) -> ChangePreview:
        self._begin(actor)
        return self._preview(actor, new_clause_draft(self.library, new), sample_year)

    def preview_edit(
        self,
        actor: Actor,
        clause_id: str,
        *,
        text: str | None = None,
        title: str | None = None,
        variant: int = 0,
        sample_year: int | None = None,
    ) -> ChangePreview:
        """New text and/or title of one wording (0: the main one, i: ``variants[i - 1]``)."""
        self._begin(actor)
        data = edited_data(self._clause(clause_id), text, title, variant)
        return self._preview_replacement(actor, RevisionAction.EDIT, clause_id, data, sample_year)

    def preview_retire(self, actor: Actor, clause_id: str) -> ChangePreview:
        """No longer offered (assembly, 添加条款, search); drafts that use it keep it."""
        self._begin(actor)
        data = self._clause(clause_id).model_dump(mode="json") | {"retired": True}
        return self._preview_replacement(actor, RevisionAction.RETIRE, clause_id, data, None)

    def preview_restore(self, actor: Actor, clause_id: str) -> ChangePreview:
        """Offer a retired clause again."""
        self._begin(actor)
        data = self._clause(clause_id).model_dump(mode="json") | {"retired": False}
        return self._preview_replacement(actor, RevisionAction.RESTORE, clause_id, data, None)

    def preview_rollback(self, actor: Actor, number: int) -> ChangePreview:
        """Back to the library as it was after revision ``number`` (0: the shipped library)."""
        self._begin(actor)
        if not 0 <= number <= self.revision:
            raise InputError("revision_unknown", number=number, latest=self.revision)
        changes = self._effective.overlay.changes_to(self._log.overlay_at(number))
        draft = Draft(RevisionAction.ROLLBACK, changes, rollback_to=number)
        return self._preview(actor, draft)

    # -- applying ---------------------------------------------------------------------------

    def apply(self, actor: Actor, token: str) -> RevisionInfo:
        """Apply a previewed change as a new revision, live at once (after 确认)."""
        self.admins.require_admin(actor)
        pending = self._pending.take(actor, token)
        info, before, after = self._commit(actor, pending)
        self._pending.discard(token)
        self._audit_revision(actor, info, before, after)
        self._notify()
        return info

    def discard(self, actor: Actor, token: str) -> None:
        """Forget a preview (取消). Unknown tokens are ignored."""
        self.admins.require_admin(actor)
        with contextlib.suppress(NotFoundError):
            self._pending.take(actor, token)
            self._pending.discard(token)

    def add_clause(self, actor: Actor, new: NewClause) -> RevisionInfo:
        return self._apply_now(actor, self.preview_new_clause(actor, new))

    def edit_clause_text(
        self, actor: Actor, clause_id: str, text: str, *, title: str | None = None,
        variant: int = 0,
    ) -> RevisionInfo:
        preview_ = self.preview_edit(actor, clause_id, text=text, title=title, variant=variant)
        return self._apply_now(actor, preview_)

    def retire_clause(self, actor: Actor, clause_id: str) -> RevisionInfo:
        return self._apply_now(actor, self.preview_retire(actor, clause_id))

    def restore_clause(self, actor: Actor, clause_id: str) -> RevisionInfo:
        return self._apply_now(actor, self.preview_restore(actor, clause_id))

    def rollback(self, actor: Actor, number: int) -> RevisionInfo:
        """One action: a new revision whose library equals the one after revision ``number``."""
        return self._apply_now(actor, self.preview_rollback(actor, number))

    # -- reading ----------------------------------------------------------------------------

    def history(self, actor: Actor, limit: int = 20, offset: int = 0) -> list[RevisionInfo]:
        """Revisions, newest first."""
        self._begin(actor)
        newest = self.revision - offset
        numbers = range(newest, max(0, newest - limit), -1)
        return [self._log.get(n).info() for n in numbers]

    def render_preview(
        self,
        actor: Actor,
        clause_id: str,
        *,
        year: int | None = None,
        variant: int = 0,
        region: Region | None = None,
    ) -> Preview:
        """A clause of the current library rendered for a region (default: the sample region)."""
        self._begin(actor)
        clause = self._clause(clause_id)
        return preview(self.library, clause, region or self.sample_region, year, variant)

    def topic_file(self, actor: Actor, topic_id: str) -> tuple[str, bytes]:
        """The current topic as an uploadable YAML file: (file name, content)."""
        self._begin(actor)
        topic = self.library.topics.get(topic_id)
        if topic is None:
            raise InputError("unknown_topic", topic=topic_id,
                             choices=",".join(sorted(self.library.topics)))
        return f"{topic.id}.yaml", topic_yaml(topic).encode("utf-8")

    def stats_summary(
        self,
        actor: Actor,
        misses: Sequence[Miss] = (),
        *,
        limit: int = 10,
        since: datetime | None = None,
    ) -> AdminStats:
        """/admin_stats: pass ``search_service.misses(limit)`` as ``misses``."""
        self._begin(actor)
        counts = self.usage.counts(since)
        return summarise_usage(counts, self.library, misses, limit, since)

    def export(self, actor: Actor, directory: Path) -> list[Path]:
        """Write the effective library into ``directory``; return the files written from data."""
        self._begin(actor)
        return export_library(self.library, self._base, self._snippets_dir, directory)

    # -- internals --------------------------------------------------------------------------

    def _begin(self, actor: Actor) -> None:
        """Check the admin list now, then catch up with other processes' revisions."""
        self.admins.require_admin(actor)
        self.refresh()

    def _catch_up(self) -> bool:
        """Apply revisions newer than the current one (hold ``_lock``)."""
        head = self._log.head()
        current = self._effective
        if head == current.revision:
            return False
        overlay = current.overlay
        start = current.revision if head > current.revision else 0
        if start == 0:
            overlay = EMPTY
        for revision in self._log.revisions(head)[start:]:
            overlay = overlay.apply(revision.changes)
        library, problems = build_library(self._base, overlay)
        if problems:
            raise LibraryError(problems)
        self._effective = Effective(library, head, overlay)
        self._generation += 1
        return True

    def _notify(self) -> None:
        library = self.library
        for callback in list(self._subscribers):
            try:
                callback(library)
            except Exception:  # a subscriber's failure must not undo an applied change
                log.exception("library subscriber %r failed", callback)

    def _clause(self, clause_id: str) -> Clause:
        clause = self.library.clause(clause_id)
        if clause is None:
            raise NotFoundError("clause_not_found", clause_id=clause_id)
        return clause

    def _preview_replacement(
        self,
        actor: Actor,
        action: RevisionAction,
        clause_id: str,
        data: dict[str, Any],
        sample_year: int | None,
    ) -> ChangePreview:
        draft = replacement_draft(self.library, action, clause_id, data)
        return self._preview(actor, draft, sample_year)

    def _preview(
        self, actor: Actor, draft: Draft, sample_year: int | None = None
    ) -> ChangePreview:
        current = self._effective
        checked = check_draft(self._base, current, draft, self.sample_region, sample_year)
        token = None
        if not checked.problems and not checked.summary.is_empty():
            token = self._pending.save(actor, draft, checked.summary, current.revision)
        return ChangePreview(draft.action, checked.summary, checked.problems, checked.samples,
                             current.revision, token, draft.note, draft.rollback_to)

    def _apply_now(self, actor: Actor, preview_: ChangePreview) -> RevisionInfo:
        if preview_.problems:
            raise ChangeRejected(preview_.problems)
        if preview_.token is None:
            raise InputError("change_nothing")
        return self.apply(actor, preview_.token)

    def _commit(
        self, actor: Actor, pending: Pending
    ) -> tuple[RevisionInfo, Library, Library]:
        with self._log.locked(), self._lock:
            self._catch_up()
            before = self._effective
            if before.revision != pending.base_revision:
                raise ConflictError("library_changed", expected=pending.base_revision,
                                    actual=before.revision)
            overlay = before.overlay.apply(pending.changes)
            library, problems = build_library(self._base, overlay)
            if problems:  # pragma: no cover - checked at preview against the same revision
                raise ChangeRejected(problems)
            revision = Revision(
                number=before.revision + 1, author=actor_label(actor), author_id=actor_id(actor),
                at=self._clock(), action=pending.action, note=pending.note,
                rollback_to=pending.rollback_to, summary=pending.summary,
                changes=pending.changes,
            )
            self._log.append(revision)
            self._effective = Effective(library, revision.number, overlay)
            self._generation += 1
        return revision.info(), before.library, library

    def _audit_revision(
        self, actor: Actor, info: RevisionInfo, before: Library, after: Library
    ) -> None:
        ids = info.summary.clause_ids()
        full = len(ids) <= MAX_AUDITED_CLAUSES

        def state(library: Library, number: int) -> dict[str, Any]:
            out: dict[str, Any] = {"revision": number}
            if full:
                out["clauses"] = {i: _dump(library.clause(i)) for i in ids}
            return out

        self.audit.record(
            actor=actor_label(actor), actor_id=actor_id(actor),
            action=f"library_{info.action.value}", target=f"revision:{info.number}",
            before=state(before, info.number - 1),
            after=state(after, info.number) | {"summary": info.summary.model_dump()},
        )


def _dump(clause: Clause | None) -> dict[str, Any] | None:
    return clause.model_dump(mode="json") if clause is not None else None
