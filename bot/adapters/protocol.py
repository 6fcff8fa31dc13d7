"""What an adapter needs from the dialogue engine; ``bot.dialogue.engine.Engine`` provides it."""

from __future__ import annotations

from typing import Protocol

from bot.dialogue.types import Event, InlineAnswer, Reply


class DialogueEngine(Protocol):
    """The transport-neutral engine every adapter drives."""

    def handle(self, event: Event) -> list[Reply]:
        """Handle one event of one user (loads and saves that user's session and drafts).

        Synchronous; safe to call from several threads, the engine serialises per user.
        """
        ...

    def inline(self, event: Event) -> InlineAnswer:
        """Answer an inline query (``EventKind.INLINE``); the user's session is not touched.

        Synchronous; safe to call from several threads.
        """
        ...

    def commands(self) -> list[tuple[str, str]]:
        """The commands for the menu: ``(command without slash, description)``."""
        ...
