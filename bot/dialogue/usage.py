"""What the dialogue tells the curators (/admin_stats): clauses inserted, swapped away, edited.

    usage.record(turn, UsageEvent.INSERTED, clause.id)   # 添加条款
    usage.record_draft(turn, plan)                       # a new draft, with its topic sections

Counted by the library service (``bot.curation``) when the engine has one; recording never
stops the user's action.
"""

from __future__ import annotations

from bot.compose.plan import Plan
from bot.curation import UsageEvent
from bot.dialogue.turn import Turn

__all__ = ["UsageEvent", "record", "record_draft"]


def record(turn: Turn, event: UsageEvent, *clause_ids: str | None) -> None:
    service = turn.deps.curation
    ids = [i for i in clause_ids if i]
    if service is not None and ids:
        service.usage.record(event, *ids)


def record_draft(turn: Turn, plan: Plan) -> None:
    service = turn.deps.curation
    if service is not None:
        service.usage.record_draft(plan.topic_ids())
