"""The dialogue engine: one event in, the replies out. It knows no transport.

    engine = Engine(library, store, Messages())
    replies = engine.handle(Event(user_id=7, chat_id=7, kind=EventKind.COMMAND, command="new"))

The user's session is loaded from the store on every event and saved after it, under the user's
transaction lock, so another process can serve the next event. A press on a stale or forged
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
from bot.dialogue import (
    admin,
    clauses,
    conflict,
    drafts,
    editing,
    flow,
    posting,
    sharing,
    typed,
)
from bot.dialogue.actions import Act, Action, decode
from bot.dialogue.interview import current_step, target_key
from bot.dialogue.questions import ask
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

COMMANDS = ("new", "drafts", "clause", "back", "skip", "cancel", "help")
MAX_INPUT = 4000
log = logging.getLogger(__name__)
Command = Callable[[Turn], list[Reply]]


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
    ) -> None:
        """With ``curation`` (the bot), every event reads ``curation.library`` as it is then;
        ``library`` is only used without one."""
        self.deps = Deps(library, store, messages, clock, word_export, page_size, curation,
                         search)
        self.data_dir = data_dir
        self.raise_errors = raise_errors  # tests: let a bug surface instead of a polite answer
        self._popular = clauses.Popular()

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
                stored = self._stored(event.user_id)
                replies, changed = self._handle(event, partial(load_session, stored))
                if changed is not None:
                    store.sessions.save(event.user_id, dump_session(changed))
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
            return clauses.inline_answer(self.deps, event, self._popular)
        except Exception:
            log.exception("unexpected error answering an inline query of user %s", event.user_id)
            if self.raise_errors:
                raise
            return InlineAnswer()

    def _stored(self, user_id: int) -> dict[str, Any] | None:
        """The user's stored session data (None: a fresh session)."""
        try:
            return self.deps.store.sessions.load(user_id)
        except PlanbotError as exc:
            log.warning("starting a fresh session for user %s: %r", user_id, exc)
            return None

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
        if not posting.leaves_dialogue(event, action):
            work.bump()
        turn = Turn(self.deps, event, work)
        try:
            return _route(turn, action), work
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
        if self.messages.has(exc.message_id):
            text = self.messages.error(exc)
        else:
            log.error("no message for %s", exc.message_id)
            text = self.messages.text("internal_error")
        if event.kind is EventKind.BUTTON and not isinstance(exc, ConflictError | NotFoundError):
            return [Reply(notice=text)], None
        turn = Turn(self.deps, event, session)
        try:
            screen = current_screen(turn)
        except (PlanbotError, Rejected) as again:
            log.warning("cannot show the current screen again: %s", again.message_id)
            return [Reply(text=text)], None
        replies = [Reply(text=text), *(r.model_copy(update={"edit": False}) for r in screen)]
        return replies, turn.session


def _route(turn: Turn, action: Action | None) -> list[Reply]:
    handled = admin.route(turn, action)  # admins' commands, buttons, files, texts
    if handled is not None:
        return handled
    event = turn.event
    # /clause asked for keywords and the user did something else: /cancel only ends that
    if event.kind is not EventKind.TEXT and clauses.stop_asking(turn) and (
        event.kind is EventKind.COMMAND and _name(event.command) == "cancel"
    ):
        return [Reply(text=turn.say("clause_cancelled")), *current_screen(turn)]
    if event.kind is EventKind.COMMAND:
        name = _name(event.command)
        command = _COMMANDS.get(name)
        if command is None:
            raise InputError("unknown_command", command=name[:30])
        return command(turn)
    if action is not None:
        return _button(turn, action)
    if event.kind is EventKind.TEXT:
        return _text(turn, event.text)
    raise InputError("files_unsupported")


def _name(command: str) -> str:
    return command.strip().lstrip("/").split("@")[0].lower()


def _button(turn: Turn, action: Action) -> list[Reply]:
    session = turn.session
    act = action.act
    if act is Act.BACK:
        return _back(turn)
    if act is Act.CANCEL:
        return _cancel(turn)
    if act is Act.NEW:
        return flow.start(turn)
    if act is Act.RESUME:
        return flow.resume(turn)
    if act in flow.INTERVIEW_ACTS:
        if session.interview is None or session.view is not None or session.pending is not None:
            raise Rejected("button_invalid")
        return flow.on_button(turn, session.interview, action)
    if act in conflict.ACTS:  # about the text the user sent: keeps ``pending`` until handled
        return conflict.on_button(turn, action)
    if act is Act.POST:  # pressed in a group: leaves the user's private dialogue as it is
        return posting.on_button(turn, action)
    session.pending = None
    if act in clauses.HANDLERS:
        return clauses.on_button(turn, action)
    if act in editing.HANDLERS:
        return editing.on_button(turn, action)
    if act in sharing.HANDLERS:
        return sharing.on_button(turn, action)
    return drafts.on_button(turn, action)


def _text(turn: Turn, text: str) -> list[Reply]:
    if len(text) > MAX_INPUT:
        raise InputError("text_too_long", limit=MAX_INPUT, length=len(text))
    session = turn.session
    if clauses.asking(turn):
        return clauses.on_text(turn, text)
    pressed = _typed_button(turn, text)
    if pressed is not None:
        return _button(turn, pressed)
    if session.pending is not None:
        return conflict.on_input(turn, text)
    if session.view is not None:
        raise InputError("use_buttons")
    if session.interview is not None:
        return flow.on_text(turn, session.interview, text)
    return [Reply(text=turn.say("idle_hint"))]


def _typed_button(turn: Turn, text: str) -> Action | None:
    """The button of the screen the user is looking at that ``text`` names (``dialogue.typed``);
    where text is asked for, only by the button's whole words."""
    if not typed.could_name(text):
        return None
    pending = turn.session.pending is not None
    try:  # the input prompt as it is (current_screen drops a pending input it cannot show)
        screen = [conflict.prompt(turn)] if pending else current_screen(turn)
    except (PlanbotError, Rejected):
        return None
    data = typed.pick(screen, text, parts=not pending)
    return decode(data) if data is not None else None


def current_screen(turn: Turn) -> list[Reply]:
    """What the user is looking at, shown again: an input prompt, a draft screen, a question."""
    session = turn.session
    shown = admin.current(turn)
    if shown:
        return shown
    if clauses.asking(turn):
        return [Reply(text=turn.say("clause_ask"))]
    if session.pending is not None:
        try:
            return [conflict.prompt(turn)]
        except Rejected:
            session.pending = None
    if session.view is not None:
        return [sharing.show(turn)]
    if session.interview is not None:
        return [ask(turn, session.interview)]
    return []


def _start(turn: Turn) -> list[Reply]:
    if turn.event.text.strip():  # a deep link: /start <token>
        return sharing.open_link(turn)
    return [Reply(text=turn.screen("start")), *current_screen(turn)]


def _open(turn: Turn) -> list[Reply]:
    if not turn.event.text.strip():
        return [Reply(text=turn.say("open_usage"))]
    return sharing.open_link(turn)


def _help(turn: Turn) -> list[Reply]:
    session = turn.session
    step = ""
    if session.pending is not None:
        step = f"input_{session.pending.kind.value}"
    elif session.view is not None:
        step = session.view.screen.value
    elif session.interview is not None:
        current = current_step(session.interview, turn.library)
        step = "target" if target_key(current) else current
    return [Reply(text=turn.screen("help", step=step)), *current_screen(turn)]


def _drafts(turn: Turn) -> list[Reply]:
    turn.session.pending = None
    return [drafts.drafts_list(turn)]


def _back(turn: Turn) -> list[Reply]:
    session = turn.session
    if session.pending is not None:
        session.pending = None
        return current_screen(turn)
    if session.view is not None:
        shown = sharing.up(turn)
        if shown is not None:
            return [shown]
        if session.interview is not None:
            return flow.resume(turn)
        return [Reply(text=turn.say("top_level")), drafts.show(turn)]
    if session.interview is not None:
        return flow.back(turn, session.interview)
    return [Reply(text=turn.say("idle_hint"))]


def _skip(turn: Turn) -> list[Reply]:
    session = turn.session
    if session.pending is not None:
        session.pending = None
        return [Reply(text=turn.say("input_skipped")), *current_screen(turn)]
    if session.interview is not None and session.view is None:
        return flow.skip(turn, session.interview)
    raise InputError("nothing_to_skip")


def _cancel(turn: Turn) -> list[Reply]:
    session = turn.session
    if session.pending is not None:
        session.pending = None
        return [Reply(text=turn.say("input_cancelled")), *current_screen(turn)]
    if session.view is not None:
        session.view = None
        return [Reply(text=turn.say("draft_closed")), *current_screen(turn)]
    if session.interview is not None:
        session.interview = None
        return [Reply(text=turn.say("interview_cancelled"))]
    return [Reply(text=turn.say("nothing_to_cancel"))]


_COMMANDS: dict[str, Command] = {
    "start": _start,
    "new": flow.start,
    "drafts": _drafts,
    "back": _back,
    "skip": _skip,
    "cancel": _cancel,
    "help": _help,
    "clause": clauses.command,
    "open": _open,
    "post": posting.post,
}


def _one_edit(replies: list[Reply]) -> list[Reply]:
    """At most one reply replaces the pressed message; a file is always a new message."""
    out: list[Reply] = []
    edited = False
    for reply in replies:
        edit = reply.edit and not edited and not reply.documents
        edited = edited or edit
        out.append(reply if edit == reply.edit else reply.model_copy(update={"edit": edit}))
    return out
