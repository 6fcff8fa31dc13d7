"""Typed errors that carry a message id; adapters pick the words from ``prompts/``."""

from __future__ import annotations

from typing import Any


class PlanbotError(Exception):
    """A user-facing error: ``message_id`` names an entry of ``prompts/errors.yaml``."""

    def __init__(self, message_id: str, **params: Any) -> None:
        super().__init__(message_id)
        self.message_id = message_id
        self.params = params

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message_id!r}, {self.params!r})"


class InputError(PlanbotError):
    """The user gave something we cannot use (unknown topic, year out of range …)."""


class NotFoundError(PlanbotError):
    """The thing asked for does not exist or is not visible to this user."""


class PermissionDenied(PlanbotError):
    """The user may not do this."""


class ConflictError(PlanbotError):
    """The thing changed since the user last saw it."""
