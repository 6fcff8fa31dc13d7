"""A simulated Telegram user: sends texts, commands and files, presses buttons, reads replies.

Every action queues an update on the fake server and returns at once;
:meth:`SimulatedUser.wait_for_reply` blocks until the application has handled the latest update
(the harness in :mod:`tests.fakebot.harness` reports that) and returns what the bot sent or
edited in this chat meanwhile::

    user = bot.user(42)
    user.command("new")
    reply = user.wait_for_reply()
    user.press("学前教育")            # a button on the newest message that has it
    assert "学前" in user.wait_for_reply().text

Against a bot in another process (``FakeBotApi(settle=…)``), ``wait_for_reply(containing=…)``
first waits for the text the test expects, then for the bot to go quiet.
"""

from __future__ import annotations

import itertools
import time

from tests.fakebot.server import ChatMessage, FakeBotApi, JsonDict

DEFAULT_TIMEOUT = 5.0


class SimulatedUser:
    """One user in a private chat with the bot (chat id = user id)."""

    def __init__(
        self,
        server: FakeBotApi,
        user_id: int,
        *,
        first_name: str = "Tester",
        language_code: str = "zh-hans",
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self.server = server
        self.user_id = user_id
        self.timeout = timeout
        self.chat: JsonDict = {"id": user_id, "type": "private", "first_name": first_name}
        self.sender: JsonDict = {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name,
            "language_code": language_code,
        }
        self._query_numbers = itertools.count(1)
        self._last_update: int | None = None
        self._mark = 0
        server.register_chat(self.chat)

    @property
    def chat_id(self) -> int:
        return self.user_id

    @property
    def last_update_id(self) -> int | None:
        """The update of the user's latest action."""
        return self._last_update

    # -- actions ------------------------------------------------------------------------------

    def send_text(self, text: str) -> int:
        """Send a plain message; returns the update id."""
        return self._send(text=text)

    def command(self, name: str, args: str = "") -> int:
        """Send ``/name args`` as Telegram does (a bot_command entity at offset 0)."""
        text = f"/{name} {args}" if args else f"/{name}"
        entity = {"type": "bot_command", "offset": 0, "length": len(name) + 1}
        return self._send(text=text, entities=[entity])

    def upload(
        self,
        filename: str,
        content: bytes,
        *,
        mime_type: str = "application/octet-stream",
        caption: str = "",
    ) -> int:
        """Send a document; the bot can fetch it with getFile and download it."""
        stored = self.server.add_file(content, filename, mime_type)
        return self._send(document=stored, caption=caption)

    def send_content(self, **content: object) -> int:
        """A message with other content (``photo=[PhotoSize …]``, ``sticker={…}``, ``voice``);
        its update id. The fields are checked by nobody: give them as the spec's types say."""
        message = self.server.add_user_message(self.chat_id, self.sender).to_api()
        message.pop("text", None)
        return self._act("message", {**message, **content})

    def press(self, button_text: str, *, message: ChatMessage | None = None) -> str:
        """Press the button labelled ``button_text`` (on ``message``, default: the newest bot
        message that has it); returns the callback query id."""
        message = message or self._message_with_button(button_text)
        data = message.button(button_text).callback_data
        assert data is not None, f"button {button_text!r} has no callback_data"
        return self.press_data(data, message=message)

    def press_data(self, data: str, *, message: ChatMessage | None = None) -> str:
        """A callback query with any ``data`` (a stale or forged button), on ``message``
        (default: the bot's last message)."""
        message = message or self.last_message
        query_id = f"{self.user_id}-{next(self._query_numbers)}"
        payload = {
            "id": query_id,
            "from": self.sender,
            "chat_instance": str(self.chat_id),
            "data": data,
            "message": message.to_api(),
        }
        self._act("callback_query", payload)
        return query_id

    def inline_query(self, query: str, *, offset: str = "", chat_type: str = "sender") -> str:
        """Type ``@bot query`` in a chat (an inline query); returns the query's id. Read the
        bot's answer with :meth:`wait_for_inline_answer`."""
        query_id = f"inline-{self.user_id}-{next(self._query_numbers)}"
        payload = {"id": query_id, "from": self.sender, "query": query, "offset": offset,
                   "chat_type": chat_type}
        self._act("inline_query", payload)
        return query_id

    def send_via_bot(self, text: str) -> int:
        """Post ``text`` as choosing an inline result does (the message is ``via_bot``)."""
        return self._send(text=text, via_bot=self.server.bot_user)

    # -- reading ------------------------------------------------------------------------------

    def wait_for_inline_answer(
        self, query_id: str, timeout: float | None = None
    ) -> tuple[list[JsonDict], str]:
        """The results the bot gave an inline query (answerInlineQuery) and its next_offset."""
        limit = self.timeout if timeout is None else timeout
        if not self.server.wait_for(lambda: query_id in self.server.inline_answers, limit):
            raise AssertionError(f"inline query {query_id} not answered within {limit} s")
        return self.server.inline_answers[query_id], self.server.inline_next_offsets[query_id]

    @property
    def messages(self) -> list[ChatMessage]:
        """The bot's messages in this chat as they are now, oldest first."""
        return self.server.bot_messages(self.chat_id)

    @property
    def last_message(self) -> ChatMessage:
        message = self.server.last_bot_message(self.chat_id)
        assert message is not None, "the bot has sent nothing in this chat"
        return message

    def wait_for_replies(
        self, timeout: float | None = None, *, containing: str | None = None
    ) -> list[ChatMessage]:
        """Wait until the last action is handled (and, with ``containing``, until a message
        sent or edited since holds that text); the bot messages sent or edited since."""
        assert self._last_update is not None, "the user has done nothing yet"
        limit = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        if containing is not None and not self.server.wait_for(
            lambda: any(containing in m.text for m in self.changed()), limit
        ):
            texts = [m.text[:80] for m in self.changed()]
            raise AssertionError(f"no reply with {containing!r} within {limit} s: {texts}")
        if not self.server.wait_processed(self._last_update, deadline - time.monotonic()):
            raise AssertionError(
                f"update {self._last_update} not handled within {limit} s"
                " (is the application running, e.g. under tests.fakebot.harness.running_bot?)"
            )
        return self.changed()

    def wait_for_reply(
        self, timeout: float | None = None, *, containing: str | None = None
    ) -> ChatMessage:
        """The last message the bot sent or edited in answer to the last action."""
        replies = self.wait_for_replies(timeout, containing=containing)
        assert replies, "the bot did not answer"
        return replies[-1]

    def changed(self) -> list[ChatMessage]:
        """The bot messages sent or edited in this chat since the last action, without waiting."""
        return self.server.changed_since(self.chat_id, self._mark)

    # -- internals ----------------------------------------------------------------------------

    def _send(self, **content: object) -> int:
        message = self.server.add_user_message(self.chat_id, self.sender, **content)
        return self._act("message", message.to_api())

    def _act(self, kind: str, payload: JsonDict) -> int:
        self._mark = self.server.activity_mark(self.chat_id)
        self._last_update = self.server.enqueue_update(kind, payload)
        return self._last_update

    def _message_with_button(self, text: str) -> ChatMessage:
        message = self.server.last_bot_message(self.chat_id, lambda m: m.has_button(text))
        if message is not None:
            return message
        labels = [message.button_texts for message in self.messages if message.buttons]
        raise AssertionError(f"no message has a button {text!r}; buttons: {labels}")
