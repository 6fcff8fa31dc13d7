"""/clause and inline mode: find any standard clause, read it, insert it into a draft."""

from bot.dialogue.clauses._search import feature

__all__ = ["feature"]
