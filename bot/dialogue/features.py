"""The features of the dialogue, as the engine's router offers events to them (by priority)."""

from __future__ import annotations

from bot.dialogue import admin, checking, clauses, draft, interview, offices, sharing
from bot.dialogue.router import Feature

MENU = ("new", "drafts", "clause")  # the features' commands in the chat's menu, in this order


def features() -> list[Feature]:
    """Every feature, new for each engine (a feature may keep a cache)."""
    return [
        admin.FEATURE, clauses.feature(), checking.FEATURE, draft.INPUT, offices.FEATURE,
        sharing.FEATURE, sharing.POSTING,
        draft.FEATURE, interview.FEATURE,
    ]
