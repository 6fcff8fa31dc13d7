"""A resolved administrative region (what the gazetteer finds, what a plan is for)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from bot.library.models import Level

__all__ = ["Region"]



class Region(BaseModel):
    """A resolved region. ``name`` is the short name (清远), ``full_name`` the official one."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    province: str
    name: str
    full_name: str
    level: Level
    code: str | None = None
    parent: str | None = None
    # the dataset's type of the unit (地级市, 自治州, 盟, 县级市, 旗, 市辖区 …) and the types of the
    # units directly below it (for whom the plan addresses: 各县（市、区）…); empty when unknown
    division: str | None = None
    below: tuple[str, ...] = ()

    def label(self) -> str:
        """How to show the region to a user choosing among candidates (广东省 清远市)."""
        parts = [self.province, self.parent or "", self.full_name]
        return " ".join(p for p in dict.fromkeys(parts) if p)
