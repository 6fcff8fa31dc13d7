"""What flows between an adapter and the dialogue engine: plain data, no transport.

An adapter turns an update into an :class:`Event`, calls ``Engine.handle(event)`` and shows
each :class:`Reply` (text, buttons, documents). Button ``data`` is opaque to the adapter: the
engine encodes it compactly (≤ 64 bytes) and checks it when it comes back.

An inline query (``@bot 关键词`` typed in any chat) is an ``INLINE`` event (``text``: the query,
``offset``: the page token the adapter got back); ``Engine.inline(event)`` answers it with an
:class:`InlineAnswer`, without touching the user's session.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

MAX_TEXT = 4096
MAX_BUTTON_DATA = 64


class EventKind(StrEnum):
    COMMAND = "command"  # /new, /back … (``command`` without the slash, ``text`` = arguments)
    TEXT = "text"  # a plain message
    BUTTON = "button"  # a button press (``data`` = the button's data)
    FILE = "file"  # an uploaded document (``file_name``, ``file_bytes``)
    INLINE = "inline"  # an inline query (``text`` = the query, ``offset`` = the page token)


class Event(BaseModel):
    model_config = ConfigDict(frozen=True)

    user_id: int
    chat_id: int
    kind: EventKind
    text: str = ""
    command: str = ""
    data: str = ""
    message_id: int | None = None  # the message a pressed button belongs to
    user_name: str = ""
    bot_username: str = ""  # for links to the bot (t.me/<name>); empty where there is none
    file_name: str = ""
    file_bytes: bytes = b""
    offset: str = ""  # an inline query's page token ("" = the first page)


class Button(BaseModel):
    model_config = ConfigDict(frozen=True)

    text: str
    data: str = Field(max_length=MAX_BUTTON_DATA)


class Document(BaseModel):
    model_config = ConfigDict(frozen=True)

    filename: str
    content: bytes
    caption: str = ""


class Reply(BaseModel):
    """One message to show. ``edit``: replace the message the pressed button was on."""

    model_config = ConfigDict(frozen=True)

    text: str = ""
    buttons: list[list[Button]] = Field(default_factory=list)
    documents: list[Document] = Field(default_factory=list)
    edit: bool = False
    notice: str = ""  # short answer to a button press (callback answer / toast)
    # the screen waits for typed text (a figure, a wording): a typed number is that text, and a
    # transport that numbers its buttons (the terminal) must not read it as a button's number
    asks_text: bool = False


MAX_INLINE_RESULTS = 50


class InlineResult(BaseModel):
    """One result of an inline query: choosing it posts ``text`` in the chat."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(min_length=1, max_length=64)
    title: str
    description: str = ""
    text: str = Field(min_length=1, max_length=MAX_TEXT)


class InlineAnswer(BaseModel):
    """The answer to an inline query; ``next_offset``: the page token of the next page ("" =
    no more)."""

    model_config = ConfigDict(frozen=True)

    results: list[InlineResult] = Field(default_factory=list, max_length=MAX_INLINE_RESULTS)
    next_offset: str = ""
