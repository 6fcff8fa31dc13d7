"""Messages the dialogue cannot read (a picture, a voice message, a sticker …): one polite answer.

An adapter names what came with :func:`refusal` and shows the error as it shows any
:class:`~bot.errors.PlanbotError` (its words in ``prompts/unsupported.yaml``): nothing reaches
the engine, nothing is stored, the dialogue stays where it was and the user is told what to
send instead. Which of a platform's message types is which kind is the adapter's business.
"""

from __future__ import annotations

from enum import StrEnum

from bot.errors import InputError


class Unsupported(StrEnum):
    PICTURE = "picture"
    VOICE = "voice"
    VIDEO = "video"
    STICKER = "sticker"
    RICH_TEXT = "rich_text"  # text with pictures or formatting (DingTalk's richText)
    OTHER = "message"  # a location, a contact, a poll, a kind of message not known yet


def refusal(kind: Unsupported) -> InputError:
    """The error an adapter shows for a message of ``kind``."""
    return InputError(f"unsupported_{kind.value}")
