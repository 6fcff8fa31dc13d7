"""The interview's button codes.

A member is its two letters and its shape (``bot.dialogue.actions.Code``): whether a draft
id follows, how many numbers; the comment says what they are.
"""

from __future__ import annotations

from bot.dialogue.actions import Code


class InterviewAct(Code):
    """The interview's buttons (and 新建 / 继续 that start or resume it)."""

    REGION_PICK = "rp", False, 1  # candidate index
    REGION_LEVEL = "rl", False, 1  # level index
    REGION_SIMILAR = "ri", False, 1  # index among the known regions offered for an unknown name
    YEAR = "yr", False, 1  # year
    YEAR_OTHER = "yo"
    KIND = "kd", False, 1  # kind index
    TOPIC = "tt", False, 1  # topic index
    TOPIC_PAGE = "tg", False, 1  # page
    TOPIC_ALL = "ta"
    TOPICS_DONE = "tf"
    SKIP = "sk"
    SKIP_ALL = "sa"
    KEEP = "kp"
    STYLE = "st", False, 1  # style index
    CHANGE = "ch", False, 1  # review entry index
    GENERATE = "gn"
    TARGET_PICK = "tp", False, 1  # from the review: the target (index) to change
    NEW = "nw"
    RESUME = "rs"
