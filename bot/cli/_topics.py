"""Topics named on the command line (``--topics``, ``--topic``): one resolver for both."""

from __future__ import annotations

from collections.abc import Sequence

from bot.errors import InputError
from bot.library.models import Topic
from bot.library.topic_names import match_topic

__all__ = ["resolve_topic", "topic_choices"]


def topic_choices(topics: Sequence[Topic]) -> str:
    return ",".join(f"{t.id}({t.name})" for t in topics)


def resolve_topic(word: str, topics: Sequence[Topic]) -> str:
    """The id ``word`` names among ``topics``; InputError when it names none or several."""
    found = match_topic(word, topics)
    if not found:
        raise InputError("unknown_topic", topic=word, choices=topic_choices(topics))
    if len(found) > 1:
        names = {t.id: t.name for t in topics}
        raise InputError("ambiguous_topic", topic=word,
                         choices=",".join(f"{i}({names[i]})" for i in found))
    return found[0]
