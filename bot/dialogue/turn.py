"""One event being handled: what the handlers need (library, store, words) and the session."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from bot.compose.plan import Plan
from bot.dialogue.actions import Code, encode
from bot.dialogue.session import Session
from bot.dialogue.types import Button, Event, EventKind, Reply
from bot.errors import PlanbotError
from bot.export.options import ExportOptions
from bot.library.library import Library
from bot.messages import Messages
from bot.store.base import Store
from bot.store.models import DraftRecord

if TYPE_CHECKING:  # the library service pulls in the search package
    from bot.curation import LibraryService
    from bot.dialogue.router import Router
    from bot.search.service import SearchService

Clock = Callable[[], date]
WordExport = Callable[[Plan, ExportOptions], bytes]
REVISION_MODULUS = 36**4  # four base-36 characters in a button


class Rejected(Exception):
    """A button press that must change nothing: stale, forged or about a vanished draft.

    ``message_id`` names the notice (a short answer to the press, see prompts/dialogue.yaml).
    """

    def __init__(self, message_id: str) -> None:
        super().__init__(message_id)
        self.message_id = message_id


@dataclass(frozen=True)
class Deps:
    """What handlers use. With ``curation`` (the bot), the library is ``curation.library`` as it
    is when an event arrives, so an admin's change is live at once; ``library`` is the one the
    engine started with (tests without a library service)."""

    library: Library
    store: Store
    messages: Messages
    clock: Clock
    word_export: WordExport | None = None
    page_size: int = 8
    curation: LibraryService | None = None
    search: SearchService | None = None

    def current_library(self) -> Library:
        return self.curation.library if self.curation is not None else self.library


class Turn:
    """The handling of one event: ``session`` is a working copy, saved if all goes well."""

    def __init__(self, deps: Deps, event: Event, session: Session, router: Router) -> None:
        self.deps = deps
        self.event = event
        self.session = session
        self.router = router  # the features, to show the current screen again
        self._library = deps.current_library()  # one library for the whole event

    def current_screen(self) -> list[Reply]:
        """What the user is looking at, shown again (the first feature that has a screen)."""
        return self.router.current_screen(self)

    def help_screen(self, step: str) -> list[Reply]:
        """/help: the help about ``step``, then the current screen again."""
        return self.router.help_screen(self, step)

    @property
    def user_id(self) -> int:
        return self.event.user_id

    @property
    def library(self) -> Library:
        return self._library

    @property
    def pressed(self) -> bool:
        return self.event.kind is EventKind.BUTTON

    def say(self, message_id: str, **params: Any) -> str:
        """A short catalogue text (prompts/*.yaml)."""
        return self.deps.messages.text(message_id, **params)

    def screen(self, name: str, **params: Any) -> str:
        """A screen (prompts/screens/<name>.j2)."""
        return self.deps.messages.screen(name, **params)

    def error(self, exc: PlanbotError) -> str:
        return self.deps.messages.error(exc)

    def button(self, text: str, act: Code, *args: str | int) -> Button:
        return Button(text=text, data=encode(self.session.nonce, act, *args))

    def labelled(self, message_id: str, act: Code, *args: str | int, **params: Any) -> Button:
        """A button whose label is a catalogue text."""
        return self.button(self.say(message_id, **params), act, *args)

    def reply(
        self, text: str, buttons: Sequence[Sequence[Button]] = (), *, edit: bool | None = None,
        asks_text: bool = False,
    ) -> Reply:
        """A message; by default a button press replaces the message it was on. ``asks_text``:
        the screen waits for typed text (see :class:`Reply`)."""
        rows = [list(row) for row in buttons if row]
        return Reply(text=text, buttons=rows, edit=self.pressed if edit is None else edit,
                     asks_text=asks_text)

    def draft(self, draft_id: str) -> DraftRecord:
        """The draft if this user may see it; otherwise the press is refused, nothing changes."""
        record = self.deps.store.drafts.get(draft_id)
        if record is None:
            raise Rejected("draft_gone")
        if not record.visible_to(self.user_id):
            raise Rejected("button_invalid")
        return record

    def current(self, draft_id: str, revision: int) -> DraftRecord:
        """The draft as the pressed button saw it; a later revision makes the button stale."""
        record = self.draft(draft_id)
        if revision_tag(record) != revision:
            raise Rejected("button_stale")
        return record


def rows(buttons: Sequence[Button], width: int) -> list[list[Button]]:
    """Buttons laid out ``width`` to a row."""
    return [list(buttons[i : i + width]) for i in range(0, len(buttons), width)]


def revision_tag(record: DraftRecord) -> int:
    """The revision as buttons carry it (bounded, so the data stays short)."""
    return record.revision % REVISION_MODULUS
