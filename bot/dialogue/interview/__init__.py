"""The interview of a new draft: the questions as data and the answers (``_answers``), their
screens and the review (``_questions``), and the interview as the user meets it: typed and
pressed answers, back, skip, the new draft (``_flow``, with the ``FEATURE``)."""

from bot.dialogue.interview._flow import FEATURE

__all__ = ["FEATURE"]
