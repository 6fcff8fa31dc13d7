"""What a draft's Word file carries, remembered with the draft: the export's choices (落款和日期,
印发通知 and its 发文字号, 任务分解表) and the bureau's name the user set.

Both live in the draft's meta (``DraftRecord.meta``), so a re-export, a colleague's export and a
copy keep them. The bureau's name is also the plan's (``Plan.bureau``: the 落款, the notice's
issuer, the file's author); a new draft of the same region takes the name the user last set.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

from bot.compose.plan import Plan
from bot.compose.region import Region
from bot.dialogue.turn import Turn
from bot.export.options import ExportOptions
from bot.store.models import DraftRecord

EXPORT_KEY = "export"  # DraftRecord.meta: the export's choices
BUREAU_KEY = "bureau"  # DraftRecord.meta: the bureau's name, as the user set it
TOGGLES = ("sign", "notice", "tasks")  # the on/off choices, in button order
MAX_DOC_NUMBER = 40
MAX_BUREAU = 40


@dataclass(frozen=True)
class Choices:
    sign: bool = False
    notice: bool = False
    tasks: bool = False
    doc_number: str = ""

    @classmethod
    def of(cls, record: DraftRecord) -> Choices:
        saved = record.meta.get(EXPORT_KEY)
        if not isinstance(saved, dict):
            return cls()
        return cls(sign=bool(saved.get("sign")), notice=bool(saved.get("notice")),
                   tasks=bool(saved.get("tasks")), doc_number=str(saved.get("doc_number") or ""))

    def toggled(self, index: int) -> Choices:
        name = TOGGLES[index]
        flipped: dict[str, Any] = {name: not getattr(self, name)}
        return replace(self, **flipped)

    def with_number(self, number: str) -> Choices:
        return replace(self, doc_number=number)

    def meta(self) -> dict[str, Any]:
        return {EXPORT_KEY: asdict(self)}


def export_options(turn: Turn, record: DraftRecord) -> ExportOptions:
    """The Word export's options for the draft as chosen, dated by the engine's clock."""
    choices = Choices.of(record)
    search = turn.deps.search
    return ExportOptions(
        sign=choices.sign, notice=choices.notice, tasks=choices.tasks,
        doc_number=choices.doc_number or None, date=turn.deps.clock(), say=turn.say,
        words=search.analyzer.words if search is not None else None,
    )


def set_bureau(plan: Plan, name: str) -> None:
    """The bureau's new name, in the plan and wherever the text spelt the old one out (the
    title: 修文县教育局2026年工作要点 → 修文县教育和体育局2026年工作要点)."""
    old = plan.bureau
    plan.bureau = name
    if not old or old == name:
        return
    plan.title = plan.title.replace(old, name)
    for section in plan.sections:
        section.heading = section.heading.replace(old, name)
        for item in section.items:
            item.title = item.title.replace(old, name)
            item.text = item.text.replace(old, name)


def remembered_bureau(turn: Turn, region: Region) -> str | None:
    """The bureau's name the user last set on a draft of their own for ``region``."""
    own = [r for r in turn.deps.store.drafts.list_for(turn.user_id)
           if r.owner == turn.user_id and isinstance(r.meta.get(BUREAU_KEY), str)
           and (r.plan.get("region") or {}).get("full_name") == region.full_name]
    if not own:
        return None
    latest = max(own, key=lambda r: r.updated_at)
    return str(latest.meta[BUREAU_KEY])
