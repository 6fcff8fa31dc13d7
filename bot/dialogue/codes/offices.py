"""The button codes of a section's 牵头科室 and 配合单位 (``bot.dialogue.offices``).

``unit``: 0 牵头科室, 1 配合单位 (``bot.dialogue.state.offices.Unit``, in its order)."""

from __future__ import annotations

from bot.dialogue.actions import Code


class OfficeAct(Code):
    CHOOSE = "oa", True, 3  # draft, revision, section, unit: the picker
    PICK = "ob", True, 4  # draft, revision, section, unit, index in the user's list
    CLEAR = "oc", True, 3  # draft, revision, section, unit: back to 【待填】
