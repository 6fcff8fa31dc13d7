"""The change list in words (``prompts/checking.yaml`` ``roll_<code>``), for the chat, the CLI
and the file exported beside the draft."""

from __future__ import annotations

from collections.abc import Callable

from bot.roll.changes import Change
from bot.roll.forward import RollResult

__all__ = ["change_line", "change_lines", "roll_summary"]

Say = Callable[..., str]


def change_line(change: Change, say: Say) -> str:
    params = {"count": 1, "year": "", "reason": "", "field": "", **change.params}
    return say(f"roll_{change.code}", at=say("roll_at", place=change.place),
               before=change.before, after=change.after, **params)


def change_lines(result: RollResult, say: Say, limit: int | None = None) -> tuple[list[str], int]:
    shown = result.changes if limit is None else result.changes[:limit]
    return [change_line(c, say) for c in shown], len(result.changes) - len(shown)


def roll_summary(result: RollResult, say: Say, source: str, shown: int) -> str:
    plan = result.plan
    figures = sum(1 for c in result.changes if c.code == "figure")
    reviews = sum(1 for s in plan.sections for i in s.items if i.review)
    return say("roll_summary", from_year=result.from_year, source=source, year=plan.year,
               title=plan.title, sections=result.counts[0], items=result.counts[1],
               figures=figures, reviews=reviews, more=shown < len(result.changes), shown=shown)
