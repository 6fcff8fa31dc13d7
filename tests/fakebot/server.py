"""A fake Telegram Bot API server on 127.0.0.1, for tests.

python-telegram-bot talks to it over real HTTP::

    with FakeBotApi() as server:
        bot = Bot(server.token, base_url=server.base_url, base_file_url=server.base_file_url)

Every request is checked against the published spec (:mod:`tests.fakebot.spec`); a violating
request is answered with a 400 like Telegram's and recorded in :attr:`FakeBotApi.violations`, so
a test ends with ``assert server.violations == []``. The server keeps the chat as a user sees it
(:class:`ChatMessage`: text, inline keyboard, documents with their bytes, edits, deletions), the
updates queued for ``getUpdates`` and every call (:attr:`FakeBotApi.calls`). A test can make the
next call of a method fail (:meth:`FakeBotApi.fail_next`, e.g. a 429 with ``retry_after``, or a
gateway's 502 with an HTML page instead of the Bot API's JSON), or be served at once but
answered late (:meth:`FakeBotApi.answer_late`: delivered, then no answer within the client's
read timeout). After a 429 with ``retry_after`` the method is refused again, and the early
repeat recorded as a violation, until that many seconds have passed (the spec's
ResponseParameters: "the number of seconds left to wait before the request can be repeated").

Telegram's own refusals are imitated where the bot must cope with them: ``message is not
modified``, ``message to edit not found``, ``chat not found``, an unknown callback query id.
:class:`tests.fakebot.user.SimulatedUser` plays the user's side.

After ``setWebhook`` the server posts the updates to the bot's URL instead of handing them to
``getUpdates`` (which then fails with 409, as Telegram's does): see :mod:`tests.fakebot.webhook`;
:meth:`FakeBotApi.post_to_webhook` sends a request of the test's own (a forged one).

When the bot runs in another process (``planbot telegram`` against :attr:`FakeBotApi.base_url`)
nothing tells the server that an update was handled; ``FakeBotApi(settle=0.2)`` then counts an
update as handled once the bot has answered in its chat (sent, edited or deleted a message, or
answered the callback query) after receiving it and has been quiet in that chat for ``settle``
seconds. Every call is time-stamped (:attr:`ApiCall.at`, ``time.monotonic()``) as is every
update when ``getUpdates`` hands it out (:attr:`FakeBotApi.handed_out`), and
:attr:`FakeBotApi.observers` are called with each call as it is served (benchmarks).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import itertools
import json
import re
import threading
import time
import urllib.parse
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import HTTP
from http import HTTPStatus
from types import TracebackType
from typing import Any

import orjson

from tests.fakebot.spec import BotApiSpec, UploadedFile, load_spec
from tests.fakebot.webhook import Delivery, Webhook, WebhookSender, post

JsonDict = dict[str, Any]
Params = Mapping[str, object]
Files = Mapping[str, UploadedFile]

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup"
    " are exactly the same as a current content and reply markup of the message"
)
QUERY_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid"
WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active;"
    " use deleteWebhook to delete the webhook first"
)


class ApiError(Exception):
    """An error answer: ``{"ok": false, "error_code": …, "description": …}``."""

    def __init__(
        self,
        error_code: int,
        description: str,
        retry_after: int | None = None,
        *,
        gateway: bool = False,
    ) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after
        self.gateway = gateway  # answered by a proxy in front of the Bot API: an HTML page

    def payload(self) -> JsonDict:
        body: JsonDict = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


@dataclass(frozen=True)
class InlineButton:
    text: str
    callback_data: str | None


@dataclass(frozen=True)
class StoredFile:
    file_id: str
    filename: str
    content: bytes
    mime_type: str
    file_path: str

    def as_document(self) -> JsonDict:
        return {
            "file_id": self.file_id,
            "file_unique_id": f"u{self.file_id}",
            "file_name": self.filename,
            "mime_type": self.mime_type,
            "file_size": len(self.content),
        }


@dataclass
class ChatMessage:
    """A message in a chat, as the user currently sees it."""

    chat: JsonDict
    message_id: int
    sender: JsonDict
    text: str = ""
    reply_markup: JsonDict | None = None
    document: StoredFile | None = None
    caption: str = ""
    entities: list[JsonDict] = field(default_factory=list)
    via_bot: JsonDict | None = None  # posted by choosing a bot's inline result
    edits: int = 0
    deleted: bool = False
    date: int = field(default_factory=lambda: int(time.time()))

    @property
    def chat_id(self) -> int:
        return int(self.chat["id"])

    @property
    def from_bot(self) -> bool:
        return bool(self.sender.get("is_bot"))

    @property
    def buttons(self) -> list[list[InlineButton]]:
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [[InlineButton(b["text"], b.get("callback_data")) for b in row] for row in rows]

    @property
    def button_texts(self) -> list[str]:
        return [button.text for row in self.buttons for button in row]

    def has_button(self, text: str) -> bool:
        """Whether a button is labelled ``text`` (``text in button_texts``, without building
        the buttons)."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return any(button["text"] == text for row in rows for button in row)

    def copy(self) -> ChatMessage:
        """A shallow copy, as ``dataclasses.replace(self)`` makes (faster)."""
        copy = object.__new__(ChatMessage)
        copy.__dict__.update(self.__dict__)
        return copy

    def button(self, text: str) -> InlineButton:
        """The button labelled ``text`` (AssertionError naming the labels there are)."""
        for row in (self.reply_markup or {}).get("inline_keyboard", []):
            for button in row:
                if button["text"] == text:
                    return InlineButton(button["text"], button.get("callback_data"))
        raise AssertionError(
            f"no button {text!r} on message {self.message_id}: {self.button_texts}"
        )

    def to_api(self) -> JsonDict:
        message: JsonDict = {
            "message_id": self.message_id,
            "date": self.date,
            "chat": self.chat,
            "from": self.sender,
        }
        if self.text:
            message["text"] = self.text
        if self.entities:
            message["entities" if self.text else "caption_entities"] = self.entities
        if self.caption:
            message["caption"] = self.caption
        if self.document is not None:
            message["document"] = self.document.as_document()
        if self.reply_markup is not None:
            message["reply_markup"] = self.reply_markup
        if self.via_bot is not None:
            message["via_bot"] = self.via_bot
        if self.edits:
            message["edit_date"] = int(time.time())
        return message


@dataclass(frozen=True)
class ApiCall:
    """One request the bot made, with its decoded parameters."""

    method: str
    params: Params
    files: Files
    error: str = ""
    at: float = 0.0  # time.monotonic() when the request arrived


class FakeBotApi:
    """The server. Thread-safe; use as a context manager or call :meth:`start`/:meth:`stop`."""

    def __init__(
        self,
        *,
        token: str = "123456:TEST-TOKEN",
        spec: BotApiSpec | None = None,
        max_poll_wait: float = 0.5,
        settle: float | None = None,
    ) -> None:
        self.token = token
        self.spec = spec or load_spec()
        self.max_poll_wait = max_poll_wait
        self.settle = settle
        self.bot_user: JsonDict = {
            "id": int(token.split(":")[0]),
            "is_bot": True,
            "first_name": "Planbot",
            "username": "planbot_test_bot",
            "can_join_groups": False,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
        }
        self.violations: list[str] = []
        self.calls: list[ApiCall] = []
        self.refused: list[ApiCall] = []  # the calls answered with an injected error
        self.commands: list[JsonDict] = []
        self.callback_answers: dict[str, JsonDict] = {}
        self.inline_answers: dict[str, list[JsonDict]] = {}
        self.inline_next_offsets: dict[str, str] = {}  # inline query id → next_offset
        self.chat_actions: list[tuple[int, str]] = []
        self.dropped_updates: list[JsonDict] = []
        self.handed_out: dict[int, float] = {}  # update id → when getUpdates last returned it
        self.observers: list[Callable[[ApiCall], None]] = []  # called under the server's lock
        self.webhook: Webhook | None = None  # what setWebhook registered (tests.fakebot.webhook)
        self.deliveries: list[Delivery] = []  # every POST of an update to the webhook
        self._senders: list[WebhookSender] = []  # the current one last
        # "with self._lock" where nobody waits or is woken: Condition's own __enter__ and
        # __exit__ are Python functions wrapping the lock's, a cost on every request
        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        self._updates: list[JsonDict] = []
        self._update_ids = itertools.count(1)
        self._allowed_updates: list[str] = []
        self._processed: set[int] = set()
        self._chats: dict[int, JsonDict] = {}
        self._messages: dict[int, dict[int, ChatMessage]] = defaultdict(dict)
        self._message_ids: dict[int, Iterator[int]] = defaultdict(lambda: itertools.count(1))
        self._activity: dict[int, list[int]] = defaultdict(list)
        self._files: dict[str, StoredFile] = {}
        self._file_ids = itertools.count(1)
        self._failures: dict[str, list[ApiError]] = defaultdict(list)
        self._late: dict[str, list[float]] = defaultdict(list)  # method → answer delays
        self._flood_until: dict[str, float] = {}  # method → when it may be called again
        self._answered_late: set[str] = set()  # callback queries whose answer came late
        self._pending_callbacks: set[str] = set()
        self._update_chats: dict[int, int] = {}
        self._query_chats: dict[str, int] = {}
        self._update_queries: dict[int, str] = {}
        self._last_reply: dict[int, float] = {}  # chat id → when the bot last changed it
        self._closing = False
        self._poll_wakers: list[Callable[[], None]] = []  # long polls waiting for an update
        self._httpd: _HttpServer | None = None
        self._methods: dict[str, Callable[[Params, Files], object]] = {
            "getMe": lambda params, files: self.bot_user,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "close": lambda params, files: True,
            "logOut": lambda params, files: True,
            "getUpdates": self._get_updates,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": lambda params, files: self.commands,
            "deleteMyCommands": self._delete_my_commands,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "sendDocument": self._send_document,
            "sendChatAction": self._send_chat_action,
            "answerInlineQuery": self._answer_inline_query,
            "getFile": self._get_file,
        }

    # -- life cycle -------------------------------------------------------------------------

    def start(self) -> FakeBotApi:
        self._httpd = _HttpServer(self)
        self._httpd.start()
        return self

    def stop(self) -> None:
        with self._lock:
            self._closing = True
            self._cond.notify_all()
            self._wake_pollers()
        for sender in self._senders:
            sender.join(timeout=5)
        if self._httpd is not None:
            self._httpd.stop()

    def __enter__(self) -> FakeBotApi:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._httpd is not None, "server not started"
        return f"http://127.0.0.1:{self._httpd.port}"

    @property
    def base_url(self) -> str:
        """For ``Bot(base_url=…)``: the token is appended by python-telegram-bot."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.url}/file/bot"

    # -- what tests arrange and inspect ---------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        error_code: int = 400,
        description: str = "Bad Request",
        retry_after: int | None = None,
        gateway: bool = False,
    ) -> None:
        """Answer the next call of ``method`` with this error instead of serving it
        (``gateway``: as a proxy in front of the Bot API does, an HTML page, not JSON)."""
        with self._lock:
            error = ApiError(error_code, description, retry_after, gateway=gateway)
            self._failures[method].append(error)

    def answer_late(self, method: str, seconds: float) -> None:
        """Serve the next call of ``method`` at once (the chat shows it) but send the answer
        only after ``seconds``: over HTTP only (not :meth:`handle`)."""
        with self._lock:
            self._late[method].append(seconds)

    def _take_late(self, call: ApiCall) -> float:
        """The delay of this call's answer (0: at once). A callback query answered late may be
        answered again: the bot could not know the first answer arrived."""
        with self._lock:
            delays = self._late.get(call.method)
            if not delays:
                return 0.0
            if call.method == "answerCallbackQuery":
                self._answered_late.add(str(call.params.get("callback_query_id")))
            return delays.pop(0)

    def calls_to(self, method: str) -> list[ApiCall]:
        with self._lock:
            return [call for call in self.calls if call.method == method]

    def messages(self, chat_id: int) -> list[ChatMessage]:
        """Copies of the chat's messages (both sides, deleted ones left out), oldest first."""
        with self._lock:
            chat = self._messages[chat_id].values()
            return [m.copy() for m in chat if not m.deleted]

    def bot_messages(self, chat_id: int) -> list[ChatMessage]:
        with self._lock:
            chat = self._messages[chat_id].values()
            return [m.copy() for m in chat if not m.deleted and m.from_bot]

    def last_bot_message(
        self, chat_id: int, where: Callable[[ChatMessage], bool] | None = None
    ) -> ChatMessage | None:
        """A copy of the newest of the bot's messages in the chat (that ``where`` holds for:
        it sees the message itself, under the server's lock), or None."""
        with self._lock:
            for message in reversed(self._messages[chat_id].values()):
                if message.from_bot and not message.deleted and (where is None or where(message)):
                    return message.copy()
            return None

    def activity_mark(self, chat_id: int) -> int:
        """A bookmark in the chat's log of bot sends, edits and deletions."""
        with self._lock:
            return len(self._activity[chat_id])

    def changed_since(self, chat_id: int, mark: int) -> list[ChatMessage]:
        """Bot messages sent or edited after ``mark``, in order of first change."""
        with self._lock:
            ids = dict.fromkeys(self._activity[chat_id][mark:])
            chat = self._messages[chat_id]
            return [chat[i].copy() for i in ids if not chat[i].deleted]

    def unconfirmed_updates(self) -> list[int]:
        """Updates the bot has not confirmed yet (a getUpdates ``offset``): handed out again."""
        with self._lock:
            return [int(u["update_id"]) for u in self._updates]

    def unanswered_callback_queries(self) -> list[str]:
        with self._lock:
            return sorted(self._pending_callbacks)

    # -- the user's side (see SimulatedUser) ------------------------------------------------

    def register_chat(self, chat: JsonDict) -> None:
        with self._lock:
            self._chats[int(chat["id"])] = chat

    def add_user_message(self, chat_id: int, sender: JsonDict, **content: Any) -> ChatMessage:
        """Record a message the user sends (``text``, ``entities``, ``document``, ``caption``)."""
        with self._lock:
            chat = self._chats[chat_id]
            message = ChatMessage(chat, next(self._message_ids[chat_id]), sender, **content)
            self._messages[chat_id][message.message_id] = message
            return message.copy()

    def add_file(self, content: bytes, filename: str, mime_type: str) -> StoredFile:
        """Store a file as Telegram would (``getFile`` and download serve it)."""
        with self._lock:
            number = next(self._file_ids)
            suffix = filename.rpartition(".")[2] if "." in filename else "bin"
            stored = StoredFile(
                f"F{number}", filename, content, mime_type, f"documents/file_{number}.{suffix}"
            )
            self._files[stored.file_id] = stored
            return stored

    def enqueue_update(self, kind: str, payload: JsonDict) -> int:
        """Queue an update of ``kind`` (``message``, ``callback_query`` …); its update_id."""
        with self._lock:
            update_id = next(self._update_ids)
            chat = payload.get("chat") or payload.get("message", {}).get("chat")
            if chat is not None:
                self._update_chats[update_id] = int(chat["id"])
            if kind == "callback_query":
                self._pending_callbacks.add(str(payload["id"]))
                self._update_queries[update_id] = str(payload["id"])
                if chat is not None:
                    self._query_chats[str(payload["id"])] = int(chat["id"])
            self._updates.append({"update_id": update_id, kind: payload})
            self._cond.notify_all()
            self._wake_pollers()
            return update_id

    def mark_processed(self, update_id: int) -> None:
        """Called by the test harness when the application has handled an update."""
        with self._lock:
            self._processed.add(update_id)
            self._cond.notify_all()

    def wait_processed(self, update_id: int, timeout: float) -> bool:
        """Wait until the update is handled: marked by the harness, or (with ``settle``) answered
        and quiet since."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                wait = self._unsettled(update_id)
                remaining = deadline - time.monotonic()
                if wait <= 0:
                    return True
                if remaining <= 0:
                    return False
                self._cond.wait(min(wait, remaining))

    def _unsettled(self, update_id: int) -> float:
        """0 if the update counts as handled, else how long to wait before asking again."""
        if update_id in self._processed:
            return 0.0
        if self.settle is None:
            return 3600.0  # only mark_processed() or a new request can change that
        handed = self.handed_out.get(update_id)
        chat_id = self._update_chats.get(update_id)
        last = self._last_reply.get(chat_id) if chat_id is not None else None
        if handed is None or last is None or last < handed:
            return 3600.0
        if self._update_queries.get(update_id) in self._pending_callbacks:
            return 3600.0
        return max(0.0, last + self.settle - time.monotonic())

    def call_soon(self, callback: Callable[..., object], *args: object, delay: float = 0.0) -> None:
        """Have ``callback(*args)`` run on the server's thread, after ``delay`` seconds (from any
        thread). Benchmarks drive their users so: the users then need no thread of their own
        vying with the server's for the GIL. The callback runs between requests and must not
        block; an exception in it is logged by asyncio and lost, so catch it."""
        assert self._httpd is not None, "server not started"
        self._httpd.call_later(delay, callback, *args)

    def wait_for(self, predicate: Callable[[], bool], timeout: float) -> bool:
        """Wait until ``predicate()`` (evaluated under the server's lock) holds."""
        with self._lock:
            return self._cond.wait_for(predicate, timeout)

    # -- serving requests -----------------------------------------------------------------

    def handle(
        self, token: str, method: str, params: Params, files: Files, *, plain: bool = False
    ) -> tuple[int, JsonDict]:
        """Serve one API call: ``(HTTP status, JSON body)``; ``getUpdates`` waits in this thread.
        ``plain``: the values are strings or decoded JSON, as :func:`_parse_body` makes them (see
        :meth:`BotApiSpec.check`)."""
        call, refusal = self._receive(token, method, params, files, plain=plain)
        return self._answer(call, refusal, lambda: self._serve(call.method, params, files))

    def _receive(
        self, token: str, method: str, params: Params, files: Files, *, plain: bool
    ) -> tuple[ApiCall, ApiError | None]:
        """Check and record a call; the error to answer it with instead of serving it, if any."""
        name = self.spec.method_name(method)
        errors = self.spec.check(method, params, files, plain=plain)
        if token != self.token:
            errors.insert(0, f"{name or method}: wrong bot token")
        with self._lock:
            call = ApiCall(
                name or method, dict(params), dict(files), "; ".join(errors), time.monotonic()
            )
            self.calls.append(call)
            self.violations.extend(errors)
            failures = self._failures.get(call.method)
            injected = failures.pop(0) if failures else None
            injected = self._flood_control(call.method, injected)
            if injected is not None:
                self.refused.append(call)
        if token != self.token:
            return call, ApiError(401, "Unauthorized")
        if name is None:
            return call, ApiError(404, "Not Found")
        if errors:
            return call, ApiError(400, "Bad Request: " + errors[0])
        if name == "getUpdates" and self.webhook is not None:
            return call, ApiError(409, WEBHOOK_ACTIVE)
        return call, injected

    def _flood_control(self, method: str, injected: ApiError | None) -> ApiError | None:
        """Under the lock: a call before an earlier ``retry_after`` ran out is refused again
        (and recorded as a violation); an injected 429 starts the wait."""
        now = time.monotonic()
        until = self._flood_until.get(method, 0.0)
        if now < until:
            left = until - now
            self.violations.append(f"{method}: repeated {left:.1f} s before retry_after ran out")
            return ApiError(429, "Too Many Requests: retry after", max(1, round(left)))
        if injected is not None and injected.retry_after is not None:
            self._flood_until[method] = now + injected.retry_after
        return injected

    def _answer(
        self, call: ApiCall, refusal: ApiError | None, serve: Callable[[], object]
    ) -> tuple[int, JsonDict]:
        """The answer to a received call (``refusal``, or what ``serve()`` returns or raises);
        then the observers see the call."""
        try:
            if refusal is not None:
                raise refusal
            return 200, {"ok": True, "result": serve()}
        except ApiError as error:
            return error.error_code, error.payload()
        finally:
            with self._lock:
                for observe in self.observers:
                    observe(call)

    def _serve(self, name: str, params: Params, files: Files) -> object:
        serve = self._methods.get(name)
        if serve is None:
            with self._lock:
                self.violations.append(f"{name}: not implemented by the fake server")
            raise ApiError(501, f"Not Implemented: {name}")
        if name == "getUpdates":
            return serve(params, files)  # waits without holding the lock
        with self._lock:
            result = serve(params, files)
            self._cond.notify_all()
            return result

    def download(self, token: str, file_path: str) -> bytes | None:
        with self._lock:
            if token != self.token:
                self.violations.append(f"download {file_path}: wrong bot token")
                return None
            for stored in self._files.values():
                if stored.file_path == file_path:
                    return stored.content
            return None

    def record_crash(self, description: str) -> None:
        with self._lock:
            self.violations.append(f"fake server error: {description}")

    # -- methods ------------------------------------------------------------------------------

    def _get_updates(self, params: Params, files: Files) -> list[JsonDict]:
        limit, wait = self._open_poll(params)
        with self._lock:
            self._cond.wait_for(self._poll_ready, wait)
            return self._hand_out(limit)

    def _open_poll(self, params: Params) -> tuple[int, float]:
        """getUpdates before it waits: confirms what ``offset`` confirms; ``(limit, wait)``."""
        offset = _int(params.get("offset", 0))
        limit = _int(params.get("limit", 100))
        wait = min(float(_int(params.get("timeout", 0))), self.max_poll_wait)
        with self._lock:
            if "allowed_updates" in params:
                self._allowed_updates = list(_json(params["allowed_updates"]) or [])
            self._confirm(offset)
        return limit, wait

    def _poll_ready(self) -> bool:
        """Whether a waiting getUpdates may answer (called under the lock)."""
        return bool(self._updates) or self._closing

    def _wake_on_update(self, wake: Callable[[], None]) -> bool:
        """Have ``wake()`` called (under the lock, once) when an update is queued or the server
        closes; False, and no call, if getUpdates may answer at once."""
        with self._lock:
            if self._poll_ready():
                return False
            self._poll_wakers.append(wake)
            return True

    def _forget_waker(self, wake: Callable[[], None]) -> None:
        with self._lock:
            if wake in self._poll_wakers:
                self._poll_wakers.remove(wake)

    def _wake_pollers(self) -> None:
        wakers, self._poll_wakers = self._poll_wakers, []
        for wake in wakers:
            wake()

    def _hand_out(self, limit: int) -> list[JsonDict]:
        """What getUpdates answers: the pending updates, each stamped as handed out now."""
        with self._lock:
            now = time.monotonic()
            updates = self._updates[:limit]
            for update in updates:
                self.handed_out[update["update_id"]] = now
            return updates

    def _confirm(self, offset: int) -> None:
        if offset < 0:
            self._updates = self._updates[offset:]
        elif offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        allowed = set(self._allowed_updates)
        for update in [u for u in self._updates if allowed and not allowed & u.keys()]:
            self._updates.remove(update)
            self.dropped_updates.append(update)
            self._processed.add(update["update_id"])

    def _set_webhook(self, params: Params, files: Files) -> bool:
        url = str(params["url"])
        if not url:
            return self._delete_webhook(params, files)
        if not url.startswith(("https://", "http://127.0.0.1:")):  # loopback: tests only
            raise ApiError(400, "Bad Request: bad webhook: HTTPS url must be provided for webhook")
        allowed = list(_json(params.get("allowed_updates")) or [])
        webhook = Webhook(url, str(params.get("secret_token", "")),
                          _int(params.get("max_connections", 40)), allowed)
        if params.get("drop_pending_updates") in (True, "true"):
            self._updates.clear()
        self._allowed_updates = allowed
        self._replace_sender(webhook)
        return True

    def _delete_webhook(self, params: Params, files: Files) -> bool:
        if params.get("drop_pending_updates") in (True, "true"):
            self._updates.clear()
        self._replace_sender(None)
        return True

    def _replace_sender(self, webhook: Webhook | None) -> None:
        """Stop posting to the old webhook (if any), start posting to ``webhook`` (under the
        lock: the senders wait for it)."""
        if self._senders:
            self._senders[-1].stop()
        self.webhook = webhook
        if webhook is not None:
            sender = WebhookSender(self, webhook)
            self._senders.append(sender)
            sender.start()

    def _get_webhook_info(self, params: Params, files: Files) -> JsonDict:
        if self.webhook is None:
            return {"url": "", "has_custom_certificate": False,
                    "pending_update_count": len(self._updates)}
        return self.webhook.info(len(self._updates))

    def post_to_webhook(self, update: JsonDict, *, secret_token: str | None) -> int:
        """POST ``update`` to the registered webhook as anyone could (a forged request: no
        secret header with ``None``, or a wrong one); the HTTP status. Nothing is recorded or
        queued."""
        with self._lock:
            assert self.webhook is not None, "no webhook registered"
            url = self.webhook.url
        return post(url, orjson.dumps(update), secret_token)

    def _set_my_commands(self, params: Params, files: Files) -> bool:
        self.commands = list(_json(params["commands"]))
        return True

    def _delete_my_commands(self, params: Params, files: Files) -> bool:
        self.commands = []
        return True

    def _send_message(self, params: Params, files: Files) -> JsonDict:
        message = self._new_bot_message(params, text=str(params["text"]))
        return message.to_api()

    def _send_document(self, params: Params, files: Files) -> JsonDict:
        document = params["document"]
        if isinstance(document, str):
            document = files.get(document.removeprefix("attach://")) or self._files.get(document)
        if document is None:
            raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        if isinstance(document, UploadedFile):
            document = self.add_file(document.content, document.filename, document.content_type)
        assert isinstance(document, StoredFile)
        caption = str(params.get("caption", ""))
        return self._new_bot_message(params, document=document, caption=caption).to_api()

    def _new_bot_message(self, params: Params, **content: Any) -> ChatMessage:
        chat_id = _int(params["chat_id"])
        chat = self._chats.get(chat_id)
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        message = ChatMessage(
            chat,
            next(self._message_ids[chat_id]),
            self.bot_user,
            reply_markup=_json(params.get("reply_markup")),
            **content,
        )
        self._messages[chat_id][message.message_id] = message
        self._activity[chat_id].append(message.message_id)
        self._last_reply[chat_id] = time.monotonic()
        return message

    def _bot_message(self, params: Params) -> ChatMessage:
        chat_id = _int(params.get("chat_id", 0))
        message = self._messages[chat_id].get(_int(params.get("message_id", 0)))
        if message is None or message.deleted or not message.from_bot:
            raise ApiError(400, "Bad Request: message to edit not found")
        return message

    def _edit_message_text(self, params: Params, files: Files) -> JsonDict:
        message = self._bot_message(params)
        if message.document is not None:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        return self._edit(message, str(params["text"]), _json(params.get("reply_markup")))

    def _edit_message_reply_markup(self, params: Params, files: Files) -> JsonDict:
        message = self._bot_message(params)
        return self._edit(message, message.text, _json(params.get("reply_markup")))

    def _edit(self, message: ChatMessage, text: str, markup: JsonDict | None) -> JsonDict:
        if not (markup or {}).get("inline_keyboard"):
            markup = None
        if text == message.text and markup == message.reply_markup:
            raise ApiError(400, NOT_MODIFIED)
        message.text, message.reply_markup = text, markup
        message.edits += 1
        self._activity[message.chat_id].append(message.message_id)
        self._last_reply[message.chat_id] = time.monotonic()
        return message.to_api()

    def _delete_message(self, params: Params, files: Files) -> bool:
        chat_id = _int(params["chat_id"])
        message = self._messages[chat_id].get(_int(params["message_id"]))
        if message is None or message.deleted:
            raise ApiError(400, "Bad Request: message to delete not found")
        message.deleted = True
        self._activity[chat_id].append(message.message_id)
        self._last_reply[chat_id] = time.monotonic()
        return True

    def _answer_callback_query(self, params: Params, files: Files) -> bool:
        query_id = str(params["callback_query_id"])
        if query_id in self.callback_answers and query_id not in self._answered_late:
            self.violations.append(f"answerCallbackQuery: query {query_id} answered twice")
        if query_id not in self._pending_callbacks:
            raise ApiError(400, QUERY_INVALID)
        self._pending_callbacks.discard(query_id)
        if query_id in self._query_chats:
            self._last_reply[self._query_chats[query_id]] = time.monotonic()
        self.callback_answers[query_id] = {
            "text": str(params.get("text", "")),
            "show_alert": params.get("show_alert") in (True, "true"),
        }
        return True

    def _send_chat_action(self, params: Params, files: Files) -> bool:
        self.chat_actions.append((_int(params["chat_id"]), str(params["action"])))
        return True

    def _answer_inline_query(self, params: Params, files: Files) -> bool:
        query_id = str(params["inline_query_id"])
        self.inline_next_offsets[query_id] = str(params.get("next_offset", ""))
        self.inline_answers[query_id] = list(_json(params["results"]))
        return True

    def _get_file(self, params: Params, files: Files) -> JsonDict:
        stored = self._files.get(str(params["file_id"]))
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        return {
            "file_id": stored.file_id,
            "file_unique_id": f"u{stored.file_id}",
            "file_size": len(stored.content),
            "file_path": stored.file_path,
        }


def _int(value: object) -> int:
    return int(str(value))


def _json(value: object) -> Any:
    """A form value that carries JSON (already decoded if the request body was JSON)."""
    return json.loads(value) if isinstance(value, str) else value


# -- HTTP ---------------------------------------------------------------------------------------


class _HttpServer:
    """The HTTP side: a small HTTP/1.1 server on 127.0.0.1, in a thread with its own event loop.

    This process shares the machine with the bot, so a request must cost it little: each one is
    parsed and answered in its connection's callbacks on the loop (no task, no framework per
    request), and a long-polling ``getUpdates`` holds no thread: it is answered from a timer or
    from the wake-up :meth:`FakeBotApi.enqueue_update` sends, whichever comes first. Connections
    are kept alive; bodies come with a Content-Length or chunked (``Expect: 100-continue`` is
    honoured); a request waits for the one before it on its connection. A client that goes away
    before sending its whole body never made its call.
    """

    def __init__(self, api: FakeBotApi) -> None:
        self.api = api
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="fake-bot-api", daemon=True)
        self._ready = threading.Event()
        self._failed: BaseException | None = None
        self._connections: set[_Connection] = set()

    def start(self) -> None:
        self._thread.start()
        self._ready.wait()
        if self._failed is not None:
            raise self._failed

    def stop(self) -> None:
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=5)

    def on_loop(self) -> bool:
        """Whether this is the server's thread."""
        return threading.get_ident() == self._thread.ident

    def call_later(self, delay: float, callback: Callable[..., object], *args: object) -> None:
        loop = self._loop
        if not self.on_loop():
            loop.call_soon_threadsafe(loop.call_later, delay, callback, *args)
        elif delay > 0:
            loop.call_later(delay, callback, *args)
        else:
            loop.call_soon(callback, *args)

    def _run(self) -> None:
        loop = self._loop
        asyncio.set_event_loop(loop)
        try:
            server = loop.run_until_complete(
                loop.create_server(lambda: _Connection(self), "127.0.0.1", 0)
            )
            self.port = int(server.sockets[0].getsockname()[1])
        except BaseException as exc:
            self._failed = exc
            self._ready.set()
            return
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            server.close()
            for connection in list(self._connections):
                connection.close()
            loop.run_until_complete(asyncio.sleep(0))  # the transports finish closing
            loop.close()

    def serve(self, connection: _Connection, request: _Request) -> None:
        """Answer ``request`` now, or (a long poll) once it may answer."""
        try:
            self._serve(connection, request)
        except Exception as exc:  # a bug of the fake server: the test reports it
            self.api.record_crash(repr(exc))
            connection.respond(500, b"fake server error", _TEXT, request.keep_alive)

    def _serve(self, connection: _Connection, request: _Request) -> None:
        path = request.path  # percent-decoded (PTB quotes ":" in file paths)
        if request.method == "GET" and path.startswith("/file/bot"):
            token, _, file_path = path.removeprefix("/file/bot").partition("/")
            content = self.api.download(token, file_path)
            if content is None:
                connection.respond(404, b"Not Found", _TEXT, request.keep_alive)
            else:
                connection.respond(200, content, _OCTETS, request.keep_alive)
            return
        if request.method == "POST":
            params, files = _parse_body(request.content_type, request.body)
        else:
            params, files = dict(urllib.parse.parse_qsl(request.query, keep_blank_values=True)), {}
        token, _, method = path.removeprefix("/bot").partition("/")
        api = self.api
        call, refusal = api._receive(token, method, params, files, plain=True)
        if refusal is None and call.method == "getUpdates":
            limit, wait = api._open_poll(params)
            poll = _LongPoll(self, connection, request, call, limit)
            if wait > 0 and api._wake_on_update(poll.wake):
                connection.busy = True
                poll.timer = self._loop.call_later(wait, poll.finish)
            else:
                poll.finish()
            return
        status, answer = api._answer(call, refusal, lambda: api._serve(call.method, params, files))
        if refusal is not None and refusal.gateway:
            page = f"<html><body><h1>{status} {_PHRASES.get(status, '')}</h1></body></html>"
            connection.respond(status, page.encode(), _HTML, request.keep_alive)
            return
        late = api._take_late(call) if refusal is None else 0.0
        if late > 0:  # served (the chat shows it); the answer comes after ``late`` seconds
            connection.busy = True
            body = orjson.dumps(answer)
            self._loop.call_later(late, _answer_late, connection, status, body, request.keep_alive)
            return
        connection.respond(status, orjson.dumps(answer), _JSON, request.keep_alive)


def _answer_late(connection: _Connection, status: int, body: bytes, keep_alive: bool) -> None:
    """The late answer (to nobody if the client gave up), then what came in meanwhile."""
    connection.respond(status, body, _JSON, keep_alive)
    connection.resume()


class _LongPoll:
    """A getUpdates waiting for updates, on the server's loop."""

    def __init__(
        self, http: _HttpServer, connection: _Connection, request: _Request, call: ApiCall,
        limit: int,
    ) -> None:
        self.http = http
        self.connection = connection
        self.request = request
        self.call = call
        self.limit = limit
        self.timer: asyncio.TimerHandle | None = None
        self.done = False

    def wake(self) -> None:
        """An update was queued or the server closes (any thread, under the server's lock)."""
        if self.http.on_loop():  # a user driven from the server's loop (FakeBotApi.call_soon)
            self.http._loop.call_soon(self.finish)
            return
        with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits any more
            self.http._loop.call_soon_threadsafe(self.finish)

    def finish(self) -> None:
        """Answer with the updates there are (on the loop; the first call does)."""
        if self.done:
            return
        self.done = True
        if self.timer is not None:
            self.timer.cancel()
        api, connection, request = self.http.api, self.connection, self.request
        api._forget_waker(self.wake)
        try:
            status, answer = api._answer(self.call, None, lambda: api._hand_out(self.limit))
            connection.respond(status, orjson.dumps(answer), _JSON, request.keep_alive)
        except Exception as exc:  # a bug of the fake server
            api.record_crash(repr(exc))
            connection.respond(500, b"fake server error", _TEXT, request.keep_alive)
        finally:
            if connection.busy:  # it waited: serve what came in meanwhile
                connection.resume()


_JSON = "application/json"
_TEXT = "text/plain; charset=utf-8"
_HTML = "text/html"
_OCTETS = "application/octet-stream"
_CLOSE = "Connection: close\r\n"
_READ_SIZE = 64 * 2**10
_MAX_HEAD = 64 * 2**10
_MAX_BODY = 64 * 2**20
_HEX = re.compile(rb"[0-9A-Fa-f]+")
_TOKEN = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
_HEADER_NAMES = re.compile(rf"{_TOKEN}(?:\n{_TOKEN})*")  # one a line
_PHRASES = {status.value: status.phrase for status in HTTPStatus}
_HEADS: dict[str, tuple[Any, ...]] = {}  # see _read_head
_HEADS_KEPT = 4096


class _BadRequest(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


@dataclass(slots=True)
class _Request:
    """A request's line, the headers that matter here and (once it is all in) its body."""

    method: str
    path: str  # percent-decoded
    query: str
    content_type: str
    length: int  # of the body, unless chunked
    chunked: bool
    keep_alive: bool
    expect_continue: bool
    body: bytes = b""


_HEAD_FIELDS = [f.name for f in dataclasses.fields(_Request) if f.name != "body"]


class _Connection(asyncio.BufferedProtocol):
    """One client connection: reads requests one after another and answers each in turn.

    Reads go into one buffer for the connection's life (a plain Protocol gets a fresh 256 KiB
    ``bytes`` per read: an mmap, page faults and an munmap, half the sys time of a request)."""

    def __init__(self, http: _HttpServer) -> None:
        self.http = http
        self.transport: asyncio.Transport | None = None
        self.busy = False  # a long poll is waiting: later requests wait for it
        self._read = memoryview(bytearray(_READ_SIZE))
        self._buffer = bytearray()
        self._head: _Request | None = None  # the request being read, once its head is in
        self._continued = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.http._connections.add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        self.http._connections.discard(self)

    def get_buffer(self, sizehint: int) -> memoryview:
        return self._read

    def buffer_updated(self, nbytes: int) -> None:
        self._buffer += self._read[:nbytes]
        self.resume()

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()
            self.transport = None

    def resume(self) -> None:
        """Serve the requests that are in, unless one is waiting."""
        self.busy = False
        while not self.busy and self.transport is not None:
            try:
                request = self._next_request()
            except _BadRequest as bad:
                phrase = _PHRASES[bad.status].encode()
                self.respond(bad.status, phrase, _TEXT, keep_alive=False)
                return
            if request is None:
                return
            self.http.serve(self, request)

    def respond(self, status: int, body: bytes, content_type: str, keep_alive: bool) -> None:
        transport = self.transport
        if transport is None:  # the client went away
            return
        head = (
            f"HTTP/1.1 {status} {_PHRASES.get(status, 'Unknown')}\r\n"
            f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
            f"{'' if keep_alive else _CLOSE}\r\n"
        )
        transport.write(head.encode("ascii") + body)
        if not keep_alive:
            self.close()

    def _next_request(self) -> _Request | None:
        """The next whole request in the buffer (taken out of it), or None until it is in."""
        buffer = self._buffer
        if self._head is None:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(buffer) > _MAX_HEAD:
                    raise _BadRequest(431)
                return None
            self._head = _read_head(buffer[: end + 2].decode("latin-1"))
            del buffer[: end + 4]
            self._continued = False
        request = self._head
        if request.chunked:
            whole = _dechunk(buffer)
        elif len(buffer) >= request.length:
            whole = bytes(buffer[: request.length]), request.length
        else:
            whole = None
        if whole is None:
            if request.expect_continue and not self._continued and self.transport is not None:
                self.transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")
                self._continued = True
            return None
        request.body, used = whole
        del buffer[:used]
        self._head = None
        return request


def _read_head(head: str) -> _Request:
    """:func:`_parse_head`, remembered: a client sends the same few heads again and again (the
    same method, headers and, often, body length)."""
    fields = _HEADS.get(head)
    if fields is None:
        request = _parse_head(head)
        fields = tuple(getattr(request, name) for name in _HEAD_FIELDS)
        if len(_HEADS) >= _HEADS_KEPT:
            _HEADS.clear()
        _HEADS[head] = fields
    return _Request(*fields)


def _parse_head(head: str) -> _Request:
    """The request line and the header lines, each ending in CRLF (400 unless HTTP/1.x)."""
    lines = head.split("\r\n")
    if len(lines) - 1 != head.count("\n") or len(lines) - 1 != head.count("\r"):
        raise _BadRequest(400)  # a bare CR or LF
    parts = lines[0].split(" ")
    if len(parts) != 3 or parts[2] not in ("HTTP/1.1", "HTTP/1.0") or not parts[1]:
        raise _BadRequest(400)
    method, target, version = parts
    headers: dict[str, str] = {}
    names = []
    for line in lines[1:-1]:
        name, colon, value = line.partition(":")
        if not colon:
            raise _BadRequest(400)
        names.append(name)
        name, value = name.lower(), value.strip(" \t")
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    if names and not _HEADER_NAMES.fullmatch("\n".join(names)):
        raise _BadRequest(400)
    chunked = "transfer-encoding" in headers
    if chunked and (
        headers["transfer-encoding"].lower() != "chunked" or "content-length" in headers
    ):
        raise _BadRequest(400)
    length_text = headers.get("content-length", "0")
    if not (length_text.isascii() and length_text.isdigit()):
        raise _BadRequest(400)
    length = int(length_text)
    if length > _MAX_BODY:
        raise _BadRequest(413)
    connection = headers.get("connection", "").lower()
    # HTTP/1.1 keeps the connection unless told not to; HTTP/1.0 only if told to
    keep_alive = "close" not in connection if version == "HTTP/1.1" else "keep-alive" in connection
    if not target.startswith("/"):  # absolute form
        target = urllib.parse.urlsplit(target).path or "/"
    path, _, query = target.partition("?")
    return _Request(
        method,
        urllib.parse.unquote(path),
        query,
        headers.get("content-type", ""),
        length,
        chunked,
        keep_alive,
        headers.get("expect", "").lower() == "100-continue",
    )


def _dechunk(buffer: bytearray) -> tuple[bytes, int] | None:
    """A chunked body at the start of ``buffer`` and how many bytes it takes there; None until
    it is all in (trailers are read and ignored)."""
    body = bytearray()
    pos = 0
    while True:
        eol = buffer.find(b"\r\n", pos)
        if eol < 0:
            if len(buffer) - pos > 1024:
                raise _BadRequest(400)
            return None
        size_text = bytes(buffer[pos:eol]).partition(b";")[0].strip()
        if not _HEX.fullmatch(size_text):
            raise _BadRequest(400)
        size = int(size_text, 16)
        pos = eol + 2
        if size == 0:
            if buffer[pos : pos + 2] == b"\r\n":
                return bytes(body), pos + 2
            end = buffer.find(b"\r\n\r\n", pos)
            return None if end < 0 else (bytes(body), end + 4)
        if len(buffer) < pos + size + 2:
            return None
        if buffer[pos + size : pos + size + 2] != b"\r\n":
            raise _BadRequest(400)
        body += buffer[pos : pos + size]
        if len(body) > _MAX_BODY:
            raise _BadRequest(413)
        pos += size + 2


def _parse_body(
    content_type: str, body: bytes
) -> tuple[dict[str, object], dict[str, UploadedFile]]:
    """Parameters and file parts of a JSON, url-encoded or multipart/form-data body."""
    if content_type.startswith("application/json"):
        return dict(orjson.loads(body or b"{}")), {}
    if content_type.startswith("multipart/form-data"):
        return _parse_multipart(content_type, body)
    text = body.decode("utf-8")
    return dict(urllib.parse.parse_qsl(text, keep_blank_values=True)), {}


def _parse_multipart(
    content_type: str, body: bytes
) -> tuple[dict[str, object], dict[str, UploadedFile]]:
    envelope = f"Content-Type: {content_type}\r\n\r\n".encode() + body
    parsed = BytesParser(EmailMessage, policy=HTTP).parsebytes(envelope)
    params: dict[str, object] = {}
    files: dict[str, UploadedFile] = {}
    for part in parsed.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        assert isinstance(name, str) and isinstance(payload, bytes), "malformed multipart part"
        filename = part.get_filename()
        if filename is None:
            params[name] = payload.decode("utf-8")
        else:
            upload = UploadedFile(filename, payload, part.get_content_type())
            params[name] = files[name] = upload
    return params, files
