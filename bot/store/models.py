"""What the store keeps: draft records and share links, and the ids that name them.

A draft id starts with its owner's user id (``"42-Xy3_a-Q9"``), so finding a draft opens one
shard only: the owner's.
"""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = [
    "DRAFT_SCHEMA_VERSION", "LINK_ID_HEX", "SESSION_SCHEMA_VERSION", "SHARE_SCHEMA_VERSION",
    "DraftRecord", "DraftShares", "ShareDoc", "ShareKind", "ShareRecord", "link_id_of",
    "new_draft_id", "owner_of", "utc_now",
]


DRAFT_SCHEMA_VERSION = 1
SESSION_SCHEMA_VERSION = 1
SHARE_SCHEMA_VERSION = 1
LINK_ID_HEX = 8  # a link's id in buttons: the first 32 bits of its hash
_DRAFT_ID = re.compile(r"(-?[0-9]{1,20})-([A-Za-z0-9_-]{8})")


def new_draft_id(owner: int) -> str:
    """A fresh id for a draft of ``owner``: the owner, a dash and 8 url-safe characters."""
    return f"{owner}-{secrets.token_urlsafe(6)}"


def owner_of(draft_id: str) -> int | None:
    """The owner encoded in a draft id, or ``None`` if the id is not one of ours."""
    match = _DRAFT_ID.fullmatch(draft_id)
    return int(match.group(1)) if match else None


def utc_now() -> datetime:
    return datetime.now(UTC)


class DraftRecord(BaseModel):
    """One stored draft: a plan (``Plan.model_dump(mode="json")``) and its bookkeeping.

    ``revision`` counts the puts; ``collaborators`` are managed by the store's
    ``add_collaborator``/``remove_collaborator`` only, never by ``put``.
    """

    model_config = ConfigDict(extra="forbid")

    schema_version: int = DRAFT_SCHEMA_VERSION
    id: str
    owner: int
    name: str
    created_at: AwareDatetime
    updated_at: AwareDatetime
    revision: int = Field(default=0, ge=0)
    plan: dict[str, Any]
    collaborators: list[int] = Field(default_factory=list)
    meta: dict[str, Any] = Field(default_factory=dict)

    @field_validator("schema_version")
    @classmethod
    def _known_version(cls, value: int) -> int:
        if not 1 <= value <= DRAFT_SCHEMA_VERSION:
            raise ValueError(f"unsupported draft schema_version {value}")
        return value

    @field_validator("created_at", "updated_at")
    @classmethod
    def _as_utc(cls, value: datetime) -> datetime:
        return value.astimezone(UTC)

    @model_validator(mode="after")
    def _id_names_owner(self) -> Self:
        if owner_of(self.id) != self.owner:
            raise ValueError(f"draft id {self.id!r} does not belong to user {self.owner}")
        return self

    def visible_to(self, user_id: int) -> bool:
        """The owner and the collaborators may see the draft."""
        return user_id == self.owner or user_id in self.collaborators


class ShareKind(StrEnum):
    VIEW = "view"  # read-only: overview, preview, export
    COPY = "copy"  # the colleague gets a copy of their own
    EDIT = "edit"  # the colleague becomes a collaborator


def link_id_of(hashed: str) -> int:
    return int(hashed[:LINK_ID_HEX], 16)


class ShareDoc(BaseModel):
    model_config = ConfigDict(extra="forbid")

    schema_version: int = SHARE_SCHEMA_VERSION


class ShareRecord(ShareDoc):
    """One link. ``expires_at`` ``None``: until revoked."""

    token_hash: str = Field(pattern=r"^[0-9a-f]{64}$")
    draft_id: str
    kind: ShareKind
    created_by: int
    created_at: AwareDatetime
    expires_at: AwareDatetime | None = None
    opened_by: list[int] = Field(default_factory=list)

    @property
    def link_id(self) -> int:
        return link_id_of(self.token_hash)

    def live_at(self, now: datetime) -> bool:
        return self.expires_at is None or now < self.expires_at


class DraftShares(ShareDoc):
    """One draft's live links (hashes, oldest first) and the names of people who used them."""

    draft_id: str
    links: list[str] = Field(default_factory=list)
    names: dict[int, str] = Field(default_factory=dict)
