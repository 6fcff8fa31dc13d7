"""Previews waiting for 确认: ``<data_dir>/library/pending/<token>.json``.

A preview is stored so that a confirmation may arrive in another process; only the admin who
asked for it can take it, within ``PENDING_TTL``. Older files are swept when a new one is saved.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from bot.curation._audit import Clock
from bot.curation._changes import Draft
from bot.curation._overlay import Change, ChangeSummary
from bot.curation._revisions import RevisionAction
from bot.curation._roles import Actor, actor_id, actor_label
from bot.errors import NotFoundError
from bot.store.files import remove, remove_older, write_atomic

PENDING_DIR = "pending"  # under <data_dir>/library
PENDING_TTL = timedelta(hours=24)
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class Pending(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: Literal[1] = 1
    token: str
    author: str
    author_id: int | None
    created_at: datetime
    base_revision: int
    action: RevisionAction
    note: str = ""
    rollback_to: int | None = None
    summary: ChangeSummary
    changes: list[Change]


class PendingChanges:
    """The previews of one data directory (``library_dir``: ``<data_dir>/library``)."""

    def __init__(self, library_dir: Path, clock: Clock) -> None:
        self.directory = library_dir / PENDING_DIR
        self._clock = clock

    def save(self, actor: Actor, draft: Draft, summary: ChangeSummary, base_revision: int) -> str:
        """Store the change; the token that confirms it."""
        self._sweep(self._clock() - PENDING_TTL)
        token = secrets.token_urlsafe(16)
        pending = Pending(
            token=token, author=actor_label(actor), author_id=actor_id(actor),
            created_at=self._clock(), base_revision=base_revision, action=draft.action,
            note=draft.note, rollback_to=draft.rollback_to, summary=summary,
            changes=draft.changes,
        )
        self._write(pending)
        return token

    def take(self, actor: Actor, token: str) -> Pending:
        """The change ``actor`` previewed; ``NotFoundError("change_expired")`` otherwise."""
        if not _TOKEN_RE.match(token):
            raise NotFoundError("change_expired")
        pending = self._read(token)
        if pending is None:
            raise NotFoundError("change_expired")
        expired = self._clock() - pending.created_at > PENDING_TTL
        if pending.author != actor_label(actor) or expired:
            raise NotFoundError("change_expired")
        return pending

    def discard(self, token: str) -> None:
        remove(self._path(token))

    # -- where they are kept (``bot.curation._pg`` keeps them in the database) ---------------

    def _write(self, pending: Pending) -> None:
        write_atomic(self._path(pending.token), pending.model_dump_json().encode("utf-8"))

    def _read(self, token: str) -> Pending | None:
        try:
            return Pending.model_validate_json(self._path(token).read_text(encoding="utf-8"))
        except (OSError, ValidationError):
            return None

    def _sweep(self, cutoff: datetime) -> None:
        remove_older(self.directory, "*.json", cutoff)

    def _path(self, token: str) -> Path:
        return self.directory / f"{token}.json"
