"""Owners and admins.

Owners are ``Settings.admin_ids``: always admins, never removable from the chat. Owners add and
remove other admins; those live in ``<data_dir>/admins.json`` (``schema_version``,
``ensure_ascii=False``, written atomically under a ``flock``). The file is read again for every
check, so a removal takes effect at the next action, in every process. An unreadable file
leaves only the owners as admins (it fails closed) and is logged.

An ``Actor`` is a chat user id (checked) or an ``Operator``: a person at the server's command
line, who can edit the files anyway, so the CLI is not checked; only the command line
(``planbot snippets``) makes one.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from bot.curation._audit import AuditLog, Clock, utc_now
from bot.errors import InputError, PermissionDenied
from bot.store.files import exclusive_lock, write_atomic

SCHEMA_VERSION = 1
ADMINS_FILE = "admins.json"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Operator:
    """Someone at the server's command line (``planbot snippets import``)."""

    name: str


Actor = int | Operator


def actor_label(actor: Actor) -> str:
    return f"cli:{actor.name}" if isinstance(actor, Operator) else f"user:{actor}"


def actor_id(actor: Actor) -> int | None:
    return None if isinstance(actor, Operator) else actor


class _AdminRecord(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    user_id: int
    added_by: str
    added_at: datetime


class _AdminFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    schema_version: Literal[1] = 1
    admins: list[_AdminRecord]


@dataclass(frozen=True)
class AdminInfo:
    user_id: int
    owner: bool
    added_by: str | None = None
    added_at: datetime | None = None


class AdminRegistry:
    def __init__(
        self, data_dir: Path, owners: frozenset[int], audit: AuditLog, clock: Clock = utc_now
    ) -> None:
        self.path = data_dir / ADMINS_FILE
        self.owners = owners
        self._audit = audit
        self._clock = clock

    # -- checks (every admin action calls one, every time) -----------------------------------

    def is_owner(self, user_id: int) -> bool:
        return user_id in self.owners

    def is_admin(self, user_id: int) -> bool:
        return user_id in self.owners or any(r.user_id == user_id for r in self._read())

    def require_admin(self, actor: Actor) -> None:
        if isinstance(actor, Operator) or self.is_admin(actor):
            return
        log.warning("refused an admin action to user %s", actor)
        raise PermissionDenied("not_admin")

    def require_owner(self, actor: Actor) -> None:
        if isinstance(actor, Operator) or self.is_owner(actor):
            return
        log.warning("refused an owner action to user %s", actor)
        if self.is_admin(actor):
            raise PermissionDenied("not_owner")
        raise PermissionDenied("not_admin")

    # -- admin actions --------------------------------------------------------------------------

    def list_admins(self, actor: Actor) -> list[AdminInfo]:
        """Owners first, then the admins in the order they were added."""
        self.require_admin(actor)
        owners = [AdminInfo(user_id, owner=True) for user_id in sorted(self.owners)]
        added = [AdminInfo(r.user_id, False, r.added_by, r.added_at) for r in self._read()
                 if r.user_id not in self.owners]
        return owners + added

    def add_admin(self, actor: Actor, user_id: int) -> bool:
        """Make ``user_id`` an admin (owners only); False if they already are one."""
        self.require_owner(actor)
        with self._locked():
            records = self._read()
            if user_id in self.owners or any(r.user_id == user_id for r in records):
                return False
            record = _AdminRecord(user_id=user_id, added_by=actor_label(actor),
                                  added_at=self._clock())
            self._write([*records, record])
        self._audit_change(actor, "admin_add", user_id, records, [*records, record])
        return True

    def remove_admin(self, actor: Actor, user_id: int) -> bool:
        """Take admin rights away (owners only); an owner cannot be removed here."""
        self.require_owner(actor)
        if user_id in self.owners:
            raise InputError("admin_owner_fixed", user_id=user_id)
        with self._locked():
            records = self._read()
            kept = [r for r in records if r.user_id != user_id]
            if len(kept) == len(records):
                return False
            self._write(kept)
        self._audit_change(actor, "admin_remove", user_id, records, kept)
        return True

    # -- storage --------------------------------------------------------------------------------

    def _audit_change(
        self, actor: Actor, action: str, user_id: int,
        before: list[_AdminRecord], after: list[_AdminRecord],
    ) -> None:
        self._audit.record(
            actor=actor_label(actor), actor_id=actor_id(actor), action=action,
            target=f"user:{user_id}",
            before=sorted(r.user_id for r in before), after=sorted(r.user_id for r in after),
        )

    def _read(self) -> list[_AdminRecord]:
        try:
            text = self.path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            return []
        try:
            return _AdminFile.model_validate_json(text).admins
        except ValidationError:
            log.exception("%s is unreadable: only the owners are admins", self.path)
            return []

    def _write(self, records: list[_AdminRecord]) -> None:
        data = _AdminFile(admins=records).model_dump(mode="json")
        text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
        write_atomic(self.path, text.encode("utf-8"))

    @contextmanager
    def _locked(self) -> Iterator[None]:
        with exclusive_lock(self.path.with_name(ADMINS_FILE + ".lock")):
            yield
