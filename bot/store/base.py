"""The storage interface: every implementation passes the same test suite."""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot.store.models import DraftRecord, ShareKind, ShareRecord

__all__ = ["DraftStore", "SessionStore", "ShareStore", "Store"]



class DraftStore(Protocol):
    """Drafts, sharded by owner. Access control is the caller's, helped by ``list_for``."""

    def create(
        self, owner: int, name: str, plan: dict[str, Any], meta: dict[str, Any] | None = None
    ) -> DraftRecord:
        """Store a new draft with revision 0."""
        ...

    def get(self, draft_id: str) -> DraftRecord | None:
        """The draft, or ``None`` if there is none with this id."""
        ...

    def put(self, record: DraftRecord, *, expected_revision: int | None = None) -> DraftRecord:
        """Replace name, plan and meta; return the stored record (revision + 1, updated_at now).

        Raises ``ConflictError("draft_conflict")`` if ``expected_revision`` is given and differs
        from the stored revision, ``NotFoundError("draft_not_found")`` if the draft is gone.
        """
        ...

    def delete(self, draft_id: str) -> bool:
        """Remove the draft; ``False`` if there was none."""
        ...

    def list_for(self, user_id: int) -> list[DraftRecord]:
        """Drafts the user owns or collaborates on, most recently updated first."""
        ...

    def add_collaborator(self, draft_id: str, user_id: int) -> None:
        """Let ``user_id`` see the draft (idempotent). ``NotFoundError`` if there is no draft."""
        ...

    def remove_collaborator(self, draft_id: str, user_id: int) -> None:
        """Stop sharing the draft with ``user_id`` (idempotent)."""
        ...


class SessionStore(Protocol):
    """One dialogue session per user, as plain JSON data."""

    def load(self, user_id: int) -> dict[str, Any] | None: ...

    def save(self, user_id: int, data: dict[str, Any]) -> None: ...

    def clear(self, user_id: int) -> None: ...


class ShareStore(Protocol):
    """Links to drafts; every implementation passes the same test suite."""

    def now(self) -> datetime:
        """The store's clock (expiry is measured by it)."""
        ...

    def create(
        self, draft_id: str, kind: ShareKind, created_by: int, ttl: timedelta | None
    ) -> tuple[str, ShareRecord]:
        """A new link, live for ``ttl`` (``None``: until revoked); the token and the record."""
        ...

    def find(self, token: str) -> ShareRecord | None:
        """The live link the token opens; ``None`` for unknown, revoked and expired alike."""
        ...

    def get(self, hashed: str) -> ShareRecord | None:
        """The live link with this hash, or ``None``."""
        ...

    def for_draft(self, draft_id: str) -> list[ShareRecord]:
        """The draft's live links, oldest first (expired ones are dropped on the way)."""
        ...

    def set_expiry(self, hashed: str, ttl: timedelta | None) -> ShareRecord | None:
        """Make a live link expire ``ttl`` from now (``None``: never); ``None`` if it is gone."""
        ...

    def revoke(self, hashed: str) -> bool:
        """The link opens nothing from now on; ``False`` if it was not live."""
        ...

    def revoke_all(self, draft_id: str) -> int:
        """Forget every link and name of a draft (the draft is deleted); how many links."""
        ...

    def opened(self, hashed: str, user_id: int, name: str) -> None:
        """Remember that ``user_id`` (called ``name``) opened the link."""
        ...

    def remember_name(self, draft_id: str, user_id: int, name: str) -> None:
        """Remember what to call ``user_id`` on the draft's access screen."""
        ...

    def names(self, draft_id: str) -> dict[int, str]:
        """Names of the people who shared or opened the draft's links."""
        ...


class Store(Protocol):
    """Drafts, sessions, share links, and the per-user lock that serialises a caller's updates."""

    @property
    def drafts(self) -> DraftStore: ...

    @property
    def sessions(self) -> SessionStore: ...

    @property
    def shares(self) -> ShareStore: ...

    def transaction(self, user_id: int) -> AbstractContextManager[None]:
        """Hold the user's lock: re-entrant in one thread, excludes other threads and processes.

        A thread may hold one user's transaction at a time (holding two could deadlock). It
        excludes threads and processes, not coroutines of one thread: do not ``await`` inside it
        (the engine is synchronous; an async adapter runs it whole, or in a worker thread).
        Store operations never take it themselves; each of them is atomic on its own.
        """
        ...
