"""A document someone sent, kept while the bot asks what to do with it (检查 or 结转) and, if
needed, for which year: the text read from it, never the file."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from bot.dialogue.state.mode import Mode


class DocumentStep(StrEnum):
    CHOOSE = "choose"  # 检查 or 结转到新年度
    CHECK_YEAR = "check_year"  # the plan's own year, for the check (its title names none)
    ROLL_YEAR = "roll_year"  # the new year, for the roll-forward


class DocumentMode(Mode):
    KEY = "document"
    LAYER = 45  # over the drafts and /clause's question; under an admin's task

    name: str = Field(max_length=200)
    paragraphs: list[str]
    traditional: bool = False
    step: DocumentStep = DocumentStep.CHOOSE
