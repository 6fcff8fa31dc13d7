"""The 牵头科室 / 配合单位 of a section being chosen (a mode), and the user's short lists of them
(a note kept beside the stack, so the next draft offers them again)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from bot.dialogue.state.mode import Mode, Part

MAX_KEPT = 12  # names kept per list, the last used first


class Unit(StrEnum):
    """Which of a section's fields: the office that leads its tasks, or the units that help."""

    LEAD = "lead"  # 牵头科室
    PARTNERS = "partners"  # 配合单位


class OfficeChoice(Mode):
    """The picker of a section's ``unit`` is shown; a typed text is a new name for it.

    ``section_id`` finds the section again if the draft changed meanwhile."""

    KEY = "office"
    LAYER = 35  # over the draft's screens; a text the bot waits for, like ``Pending``

    unit: Unit
    draft_id: str
    section: int = Field(ge=0)
    section_id: str


class Offices(Part):
    """The names this user gave, per unit, the last used first."""

    lead: list[str] = Field(default_factory=list, max_length=MAX_KEPT)
    partners: list[str] = Field(default_factory=list, max_length=MAX_KEPT)

    def of(self, unit: Unit) -> list[str]:
        return self.lead if unit is Unit.LEAD else self.partners

    def remember(self, unit: Unit, name: str) -> None:
        kept = [name, *(n for n in self.of(unit) if n != name)][:MAX_KEPT]
        setattr(self, unit.value, kept)
