"""Engine replies → DingTalk robot messages (``msgKey`` and ``msgParam``), pure functions.

* text: ``sampleMarkdown`` (``title``, ``text``), split on paragraph boundaries within
  :data:`MAX_MARKDOWN` characters;
* buttons: ActionCards, ``sampleActionCard`` (one button: ``singleTitle``/``singleURL``) or
  ``sampleActionCard2`` … ``sampleActionCard5`` (``actionTitleN``/``actionURLN``), at most
  :data:`MAX_CARD_BUTTONS` buttons a card, the last text part on the first card. A button's link
  ``dtmd://dingtalkclient/sendMessage?content=<words>`` makes the client send the button's words
  as the user's message; the engine takes typed button words as presses (``bot.dialogue.typed``).
* documents: ``sampleFile`` (``mediaId``, ``fileName``, ``fileType``) once uploaded.

Robot messages cannot be edited: an ``edit`` reply is sent as a new message; a ``notice`` (a
toast on Telegram) goes above the text.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from bot.adapters.split import split_text
from bot.dialogue.types import Button, Reply

MAX_MARKDOWN = 3000  # characters; DingTalk accepts about 5000, less leaves room for markup
MAX_CARD_BUTTONS = 5
MAX_TITLE = 20
SEND_LINK = "dtmd://dingtalkclient/sendMessage?content="


@dataclass(frozen=True)
class Outgoing:
    key: str
    param: dict[str, Any]


def render(reply: Reply) -> list[Outgoing]:
    """The robot messages for one reply, in order (documents not included: see ``file``)."""
    text = f"{reply.notice}\n\n{reply.text}" if reply.notice and reply.text else (
        reply.text or reply.notice
    )
    parts = split_text(text, MAX_MARKDOWN)
    buttons = [button for row in reply.buttons for button in row]
    if not buttons:
        return [markdown(part) for part in parts]
    last = parts.pop() if parts else ""
    messages = [markdown(part) for part in parts]
    for start in range(0, len(buttons), MAX_CARD_BUTTONS):
        chunk = buttons[start : start + MAX_CARD_BUTTONS]
        body = last if start == 0 and last else " / ".join(button.text for button in chunk)
        messages.append(card(body, chunk))
    return messages


def markdown(text: str) -> Outgoing:
    return Outgoing("sampleMarkdown", {"title": title(text), "text": _lines(text)})


def card(text: str, buttons: list[Button]) -> Outgoing:
    param: dict[str, Any] = {"title": title(text), "text": _lines(text)}
    if len(buttons) == 1:
        param["singleTitle"] = buttons[0].text
        param["singleURL"] = send_link(buttons[0].text)
        return Outgoing("sampleActionCard", param)
    for number, button in enumerate(buttons, start=1):
        param[f"actionTitle{number}"] = button.text
        param[f"actionURL{number}"] = send_link(button.text)
    return Outgoing(f"sampleActionCard{len(buttons)}", param)


def file(media_id: str, filename: str) -> Outgoing:
    kind = PurePath(filename).suffix.lstrip(".").lower() or "file"
    return Outgoing("sampleFile", {"mediaId": media_id, "fileName": filename, "fileType": kind})


def send_link(words: str) -> str:
    """The link that makes the client send ``words`` as the user's message."""
    return SEND_LINK + quote(words, safe="")


def title(text: str) -> str:
    """What the chat list shows: the first non-blank line, clipped."""
    line = next((line.strip() for line in text.splitlines() if line.strip()), "planbot")
    line = line.lstrip("#>*- ").strip() or "planbot"
    return line if len(line) <= MAX_TITLE else line[: MAX_TITLE - 1] + "…"


def _lines(text: str) -> str:
    """Markdown joins single line breaks; two trailing spaces keep each line on its own."""
    return "\n".join(line + "  " if line.strip() else line for line in text.split("\n"))
