"""Topics named the way people name them: by id, full name, a short name or a keyword.

Usage::

    from bot.library.topic_names import match_topic, split_names
    match_topic("学前", topics)        # ("preschool",)
    match_topic("双减", topics)        # ("compulsory", "private"): ambiguous, ask
    split_names("教师队伍建设、安全稳定")  # ["教师队伍建设", "安全稳定"]

A word is matched in steps and the first step that finds anything wins, so a full name is
never ambiguous with a short one:

1. the id or the full name;
2. the names that begin with the word (学前 → 学前教育);
3. the names that contain it (德育 → 德育和思政);
4. the topics that list it as a keyword (双减).

Steps 2 to 4 need two characters at least, so 育 finds nothing. The dialogue,
``planbot draft --topics`` and ``planbot search --topic`` all resolve names here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from bot.library.models import Topic

MIN_SHORT = 2
_SEPARATORS = re.compile(r"[、，,；;\s]+")

_Rule = Callable[[str, Topic], bool]
_RULES: tuple[_Rule, ...] = (
    lambda word, t: word in (t.id, t.name),
    lambda word, t: t.name.startswith(word),
    lambda word, t: word in t.name,
    lambda word, t: word in t.keywords,
)


def split_names(text: str) -> list[str]:
    """The names in a typed list (separated by 、，,；; or spaces), without blanks."""
    return [word for word in _SEPARATORS.split(text) if word]


def match_topic(word: str, topics: Sequence[Topic]) -> tuple[str, ...]:
    """The ids ``word`` may mean among ``topics``, in their order: none when unknown, one when
    found, several when the word is ambiguous (the caller asks which)."""
    word = word.strip()
    if not word:
        return ()
    for index, rule in enumerate(_RULES):
        if index and len(word) < MIN_SHORT:
            break
        found = tuple(t.id for t in topics if rule(word, t))
        if found:
            return found
    return ()
