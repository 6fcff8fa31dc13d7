"""The dialogue engine: one event in, the replies out. It knows no transport.

    engine = Engine(library, store, Messages())
    replies = engine.handle(Event(user_id=7, chat_id=7, kind=EventKind.COMMAND, command="new"))

The user's session is loaded from the store on every event and saved after it, under the user's
transaction lock, so another process can serve the next event. In between, the router offers the
event to the features by priority (``bot.dialogue.router``, ``bot.dialogue.features``); the
engine names none of them. A press on a stale or forged
button changes nothing and gets a short notice; a ``PlanbotError`` becomes the message from
``prompts/`` and loses nothing; anything else is logged and answered politely.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.compose import gazetteer, render
from bot.dialogue import typed
from bot.dialogue.actions import decode
from bot.dialogue.features import MENU, features
from bot.dialogue.router import Feature, Router
from bot.dialogue.session import Session, dump_session, load_session
from bot.dialogue.turn import Clock, Deps, Rejected, Turn, WordExport
from bot.dialogue.types import Event, EventKind, InlineAnswer, Reply
from bot.errors import ConflictError, InputError, NotFoundError, PlanbotError
from bot.library.library import Library
from bot.messages import Messages
from bot.store.base import Store

if TYPE_CHECKING:
    from bot.curation import LibraryService
    from bot.search.service import SearchService

COMMANDS = (*MENU, "back", "skip", "cancel", "help")
_TOLD = frozenset({"store_corrupt", "store_schema_newer"})  # a store failure the user hears of
MAX_INPUT = 4000
# what reaches a question the bot asked about a draft, which has its own limits (an item's text,
# a name): a text longer than one item is offered to be split into items at its paragraphs
MAX_PASTE = 20_000
log = logging.getLogger(__name__)


class Engine:
    """Satisfies ``bot.adapters.protocol.DialogueEngine``: ``handle``, ``inline``, ``commands``."""

    def __init__(
        self,
        library: Library,
        store: Store,
        messages: Messages,
        *,
        clock: Clock = date.today,
        word_export: WordExport | None = None,
        page_size: int = 8,
        data_dir: Path | None = None,
        raise_errors: bool = False,
        curation: LibraryService | None = None,
        search: SearchService | None = None,
        router: Router | None = None,
    ) -> None:
        """With ``curation`` (the bot), every event reads ``curation.library`` as it is then;
        ``library`` is only used without one."""
        self.deps = Deps(library, store, messages, clock, word_export, page_size, curation,
                         search)
        self.data_dir = data_dir
        self.raise_errors = raise_errors  # tests: let a bug surface instead of a polite answer
        self.router = router or Router([*features(), *_STEPS])

    @property
    def messages(self) -> Messages:
        return self.deps.messages

    def warm_up(self) -> None:
        """Do now what the first updates after a start would otherwise wait for: read the
        message catalogue, compile every message, screen and library template, index the
        gazetteer. A bot that forks workers calls it before the fork, so they share the result.
        (About 0.4 s; every worker's first users waited up to that long, behind each other.)"""
        self.messages.warm_up()
        render.warm_up(self.deps.current_library().template_sources())
        gazetteer.preload()

    def commands(self) -> list[tuple[str, str]]:
        """The commands to show in the chat's menu: (name, description)."""
        return [(name, self.messages.text(f"cmd_{name}")) for name in COMMANDS]

    def handle(self, event: Event) -> list[Reply]:
        store = self.deps.store
        try:
            if self.deps.curation is not None:
                self.deps.curation.refresh()  # admins' changes made in other processes
            with store.transaction(event.user_id):
                stored, damaged = self._stored(event.user_id)
                replies, changed = self._handle(event, partial(load_session, stored))
                if changed is not None:
                    store.sessions.save(event.user_id, dump_session(changed))
            replies = [*damaged, *replies]
        except Exception:  # a bug or a broken disk: the session is not saved; say sorry
            log.exception("unexpected error handling %s for user %s", event.kind, event.user_id)
            if self.raise_errors:
                raise
            return [Reply(text=self.messages.text("internal_error"))]
        return _one_edit(replies)

    def inline(self, event: Event) -> InlineAnswer:
        """An inline query (``EventKind.INLINE``): clauses found, rendered for the neutral
        region. The user's session is neither read nor changed; on any error, no results."""
        try:
            if self.deps.curation is not None:
                self.deps.curation.refresh()
            return self.router.inline(self.deps, event)
        except Exception:
            log.exception("unexpected error answering an inline query of user %s", event.user_id)
            if self.raise_errors:
                raise
            return InlineAnswer()

    def _stored(self, user_id: int) -> tuple[dict[str, Any] | None, list[Reply]]:
        """The user's stored session data (None: a fresh session), and what to tell the user
        first if it could not be read: the store's files were moved aside (``store_corrupt``,
        raised once: this event says so, the next is as usual) or cannot be read (every time)."""
        try:
            return self.deps.store.sessions.load(user_id), []
        except PlanbotError as exc:
            log.warning("starting a fresh session for user %s: %s", user_id, exc.message_id)
            if exc.message_id not in _TOLD:  # a session record that does not validate: dropped
                return None, []
            return None, [Reply(text=self.messages.error(exc))]

    def _handle(
        self, event: Event, stored: Callable[[], Session]
    ) -> tuple[list[Reply], Session | None]:
        """``stored()`` gives the session as stored, a new object at every call: the turn
        changes one freely, an error shows the screen of another (cheaper than a deep copy)."""
        work = stored()
        action = None
        if event.kind is EventKind.BUTTON:
            action = decode(event.data)
            if action is None:
                return [self._notice("button_invalid")], None
            if action.nonce != work.nonce:
                return [self._notice("button_stale")], None
        if not self.router.leaves_dialogue(event, action):
            work.bump()
        turn = Turn(self.deps, event, work, self.router)
        try:
            return self.router.route(turn, action), work
        except Rejected as exc:
            if event.kind is EventKind.BUTTON:
                return [self._notice(exc.message_id)], None
            return [Reply(text=self.messages.text(exc.message_id))], None
        except PlanbotError as exc:
            return self._failed(event, stored(), exc)

    def _notice(self, message_id: str) -> Reply:
        return Reply(notice=self.messages.text(message_id))

    def _failed(
        self, event: Event, session: Session, exc: PlanbotError
    ) -> tuple[list[Reply], Session | None]:
        """The error's message, and the screen the user was on (as it was: nothing changed)."""
        log.info("user %s: %s", event.user_id, exc.message_id)  # never the user's text
        if exc.message_id == "store_corrupt" and exc.params.get("user_id") != event.user_id:
            text = self.messages.text("store_record_invalid")  # a shared draft's owner's files
        elif self.messages.has(exc.message_id):
            text = self.messages.error(exc)
        else:
            log.error("no message for %s", exc.message_id)
            text = self.messages.text("internal_error")
        if event.kind is EventKind.BUTTON and not isinstance(exc, ConflictError | NotFoundError):
            return [Reply(notice=text)], None
        turn = Turn(self.deps, event, session, self.router)
        try:
            screen = turn.current_screen()
        except (PlanbotError, Rejected) as again:
            log.warning("cannot show the current screen again: %s", again.message_id)
            return [Reply(text=text)], None
        replies = [Reply(text=text), *(r.model_copy(update={"edit": False}) for r in screen)]
        return replies, turn.session


def _too_long(turn: Turn, text: str) -> None:
    """A text longer than ``MAX_INPUT`` is refused (after admins' tasks, which take longer),
    or than ``MAX_PASTE`` where the bot asked for a text about a draft (its own limit says)."""
    limit = MAX_PASTE if turn.session.pending is not None else MAX_INPUT
    if len(text) > limit:
        raise InputError("text_too_long", limit=limit, length=len(text))


def _typed_button(turn: Turn, text: str) -> list[Reply] | None:
    """Typed words that name a button of the screen the user is looking at press it
    (``dialogue.typed``); where text is asked for, only the button's whole words."""
    if not typed.could_name(text):
        return None
    try:
        screen, parts = turn.router.words(turn)
    except (PlanbotError, Rejected):
        return None
    data = typed.pick(screen, text, parts=parts)
    action = decode(data) if data is not None else None
    return turn.router.press(turn, action) if action is not None else None


# The engine's own steps among the features: the length of a text is checked after admins'
# tasks, and typed words press a button after /clause's question for keywords took its text.
_STEPS = (
    Feature(name="text limit", priority=15, text=lambda turn, text: _too_long(turn, text)),
    Feature(name="typed words", priority=25, text=_typed_button),
)


def _one_edit(replies: list[Reply]) -> list[Reply]:
    """At most one reply replaces the pressed message; a file is always a new message."""
    out: list[Reply] = []
    edited = False
    for reply in replies:
        edit = reply.edit and not edited and not reply.documents
        edited = edited or edit
        out.append(reply if edit == reply.edit else reply.model_copy(update={"edit": edit}))
    return out
