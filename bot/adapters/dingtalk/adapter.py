"""A robot message from the stream → an engine event → robot messages back.

Each message (the ``data`` of a ``/v1.0/im/bot/messages/get`` callback) is checked (our robot,
the fields we need), handled once (a ``msgId`` seen before is dropped: DingTalk delivers again
what was not acknowledged), turned into an :class:`~bot.dialogue.types.Event` and run through
the synchronous engine in a worker thread, one message of a chat at a time, in arrival order.
In a group only messages that @-mention the robot (``isInAtList``) are input.

Logs carry our user id and the action, never what the user wrote. A
:class:`~bot.errors.PlanbotError` is shown in its own words, any other error is logged and the
user gets the ``internal_error`` apology, as on Telegram.
"""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections import OrderedDict
from typing import Any

from bot.adapters.dingtalk import render
from bot.adapters.dingtalk.api import DingTalkApi, MaybeSent
from bot.adapters.dingtalk.identity import Identities
from bot.adapters.protocol import DialogueEngine
from bot.adapters.unsupported import Unsupported, refusal
from bot.dialogue.types import Event, EventKind, Reply
from bot.errors import InputError, PlanbotError
from bot.messages import Messages

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 1024 * 1024
SEEN_LIMIT = 10_000  # msgIds remembered against a second delivery
PRIVATE, GROUP = "1", "2"
# the robot message types (msgtype) the dialogue cannot read; any other but text and file: OTHER
UNREADABLE = {"picture": Unsupported.PICTURE, "richText": Unsupported.RICH_TEXT,
              "audio": Unsupported.VOICE, "video": Unsupported.VIDEO}


class DingTalkAdapter:
    def __init__(
        self,
        engine: DialogueEngine,
        messages: Messages,
        api: DingTalkApi,
        identities: Identities,
        robot_code: str,
    ) -> None:
        self.engine = engine
        self.messages = messages
        self.api = api
        self.identities = identities
        self.robot_code = robot_code
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._locks: dict[int, asyncio.Lock] = {}

    def first_time(self, key: str) -> bool:
        """Whether ``key`` (a msgId or a frame's messageId) is new; remembers it."""
        if key in self._seen:
            return False
        self._seen[key] = None
        while len(self._seen) > SEEN_LIMIT:
            self._seen.popitem(last=False)
        return True

    async def on_message(self, data: dict[str, Any]) -> None:
        """Handle one robot message; never raises (a failure is logged and apologised for)."""
        message = _parse(data, self.robot_code)
        if message is None or not self.first_time(f"msg:{message['msgId']}"):
            return
        if message["group"] and not data.get("isInAtList", False):
            return
        user_id = self.identities.user(message["staff"])
        chat_id = self.identities.group(message["conversation"]) if message["group"] else user_id
        lock = self._locks.setdefault(chat_id, asyncio.Lock())
        async with lock:  # FIFO: the messages of a chat in the order they came
            await self._serve(data, message, user_id, chat_id)

    async def _serve(
        self, data: dict[str, Any], message: dict[str, Any], user_id: int, chat_id: int
    ) -> None:
        action = message["kind"]
        try:
            event = await self._event(data, message, user_id, chat_id)
            action = f"/{event.command}" if event.command else action
            logger.info("user=%d action=%s", user_id, action)
            replies = await asyncio.to_thread(self.engine.handle, event)
            for reply in replies:
                await self.show(chat_id, reply)
        except Exception as exc:
            await self._fail(chat_id, user_id, action, exc)

    async def _event(
        self, data: dict[str, Any], message: dict[str, Any], user_id: int, chat_id: int
    ) -> Event:
        base: dict[str, Any] = {"user_id": user_id, "chat_id": chat_id,
                                "user_name": str(data.get("senderNick", ""))}
        if message["kind"] not in ("text", "file"):  # a picture, a voice message …
            raise refusal(UNREADABLE.get(message["kind"], Unsupported.OTHER))
        if message["kind"] == "file":
            content = data.get("content") or {}
            code, name = str(content.get("downloadCode", "")), str(content.get("fileName", ""))
            raw = await self.api.download(self.robot_code, code, MAX_UPLOAD_BYTES)
            _check_size(len(raw))
            return Event(kind=EventKind.FILE, file_name=name, file_bytes=raw, **base)
        text = message["text"]
        if text.startswith("/") and len(text) > 1:
            head, _, rest = text[1:].partition(" ")
            return Event(kind=EventKind.COMMAND, command=head.split("@")[0].lower(),
                         text=rest.strip(), **base)
        return Event(kind=EventKind.TEXT, text=text, **base)

    async def show(self, chat_id: int, reply: Reply) -> None:
        for outgoing in render.render(reply):
            await self.send(chat_id, outgoing)
        for document in reply.documents:
            media_id = await self.api.upload(document.filename, document.content)
            await self.send(chat_id, render.file(media_id, document.filename))
            if document.caption:
                await self.send(chat_id, render.markdown(document.caption))

    async def send(self, chat_id: int, outgoing: render.Outgoing) -> None:
        target = self.identities.key(chat_id)
        if target is None:
            raise LookupError(f"chat {chat_id} is not a DingTalk chat")
        kind, value = target
        try:
            if kind == "group":
                await self.api.send_to_group(self.robot_code, value, outgoing.key, outgoing.param)
            else:
                await self.api.send_to_user(self.robot_code, value, outgoing.key, outgoing.param)
        except MaybeSent:  # logged by the client; taken as delivered, never sent twice
            return

    async def _fail(self, chat_id: int, user_id: int, action: str, exc: Exception) -> None:
        if isinstance(exc, PlanbotError) and self.messages.has(exc.message_id):
            logger.info("user=%d action=%s refused: %s", user_id, action, exc.message_id)
            text = self.messages.error(exc)
        else:
            stack = "".join(traceback.format_tb(exc.__traceback__)).rstrip()
            logger.error("user=%d action=%s failed: %s\n%s", user_id, action,
                         type(exc).__name__, stack)
            text = self.messages.text("internal_error")
        try:
            await self.send(chat_id, render.markdown(text))
        except Exception as again:
            logger.error("user=%d apology failed: %s", user_id, type(again).__name__)


def _parse(data: dict[str, Any], robot_code: str) -> dict[str, Any] | None:
    """The fields we act on, or None for a message that is not for us or not whole."""
    staff = data.get("senderStaffId")
    conversation_type = str(data.get("conversationType", ""))
    conversation = data.get("conversationId")
    msg_id = data.get("msgId")
    kind = data.get("msgtype")
    code = data.get("robotCode")
    whole = all(isinstance(v, str) and v for v in (staff, conversation, msg_id, kind))
    if not whole or conversation_type not in (PRIVATE, GROUP):
        logger.warning("a robot message without the fields we need is ignored")
        return None
    if code is not None and code != robot_code:
        logger.warning("a robot message for another robot is ignored")
        return None
    text = ""
    if kind == "text":
        text = str((data.get("text") or {}).get("content", "")).strip()
        if not text:
            return None
    return {"staff": staff, "conversation": conversation, "msgId": msg_id, "kind": kind,
            "group": conversation_type == GROUP, "text": text}


def _check_size(size: int) -> None:
    if size > MAX_UPLOAD_BYTES:
        raise InputError("file_too_large", size=f"{size / 1024 / 1024:.1f} MB",
                         limit=f"{MAX_UPLOAD_BYTES / 1024 / 1024:.1f} MB")
