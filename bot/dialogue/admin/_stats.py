"""/admin_stats: what users insert, swap away and edit, drafts per topic, searches in vain."""

from __future__ import annotations

from typing import Any

from bot.curation import AdminStats
from bot.dialogue.admin._editor import require_admin
from bot.dialogue.layout import DISPLAY_TZ
from bot.dialogue.turn import Turn
from bot.dialogue.types import Reply
from bot.search.misses import Miss

MISSES_SHOWN = 10


def stats_view(turn: Turn, summary: AdminStats) -> Reply:
    def counts(items: list[Any]) -> list[dict[str, Any]]:
        return [{"id": c.id, "label": c.label, "count": c.count} for c in items]

    def misses(items: list[Miss]) -> list[dict[str, Any]]:
        return [{"query": m.query, "count": m.count,
                 "when": m.last_seen.astimezone(DISPLAY_TZ).strftime("%m-%d")} for m in items]

    text = turn.screen(
        "admin_stats", inserted=counts(summary.inserted), swapped=counts(summary.swapped_away),
        edited=counts(summary.edited), misses=misses(summary.misses),
        drafts=counts(summary.drafts_per_topic), searching=turn.deps.search is not None,
    )
    return turn.reply(text)


def stats(turn: Turn) -> list[Reply]:
    service = require_admin(turn)
    search = turn.deps.search
    misses = search.misses(MISSES_SHOWN) if search is not None else []
    return [stats_view(turn, service.stats_summary(turn.user_id, misses))]
