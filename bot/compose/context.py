"""Who and when a plan is for: region, level, year, and the era wording of that year.

The render context is what every clause template may use without declaring it:

=============  ==========================================  ===================
name           meaning                                     example (清远市, 2019)
=============  ==========================================  ===================
region         full name of the region                     清远市
region_short   name without the level suffix               清远
province       province (empty for a province itself)       广东省
level          province / city / county / district         city
self_ref       how the plan refers to its own region        我市
scope          the whole region                             全市
bureau         issuing bureau                               清远市教育局
year           plan year                                    2019
period         five-year plan period of the year            十三五
era            the year's standard wording (see _eras.yaml)  era.spirit …
kind           plan kind                                    工作要点
=============  ==========================================  ===================
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from bot.library.models import Level

_SELF: dict[Level, tuple[str, str]] = {
    Level.PROVINCE: ("我省", "全省"),
    Level.CITY: ("我市", "全市"),
    Level.COUNTY: ("我县", "全县"),
    Level.DISTRICT: ("我区", "全区"),
}

# Five-year plan periods (十一五 2006–2010 …); a year maps to the period it falls in.
_PERIODS: list[tuple[int, str]] = [
    (1996, "九五"), (2001, "十五"), (2006, "十一五"), (2011, "十二五"),
    (2016, "十三五"), (2021, "十四五"), (2026, "十五五"), (2031, "十六五"),
]


class Region(BaseModel):
    """A resolved region. ``name`` is the short name (清远), ``full_name`` the official one."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    province: str
    name: str
    full_name: str
    level: Level
    code: str | None = None
    parent: str | None = None

    def label(self) -> str:
        """How to show the region to a user choosing among candidates (广东省 清远市)."""
        parts = [self.province, self.parent or "", self.full_name]
        return " ".join(p for p in dict.fromkeys(parts) if p)


def self_reference(level: Level) -> tuple[str, str]:
    """(self reference, scope) for a level: 我县/全县 …"""
    return _SELF[level]


def default_bureau(region: Region) -> str:
    """The usual bureau name: 教育厅 for a province, 教育局 otherwise."""
    suffix = "教育厅" if region.level is Level.PROVINCE else "教育局"
    return f"{region.full_name}{suffix}"


def plan_period(year: int) -> str:
    """Five-year plan period a year belongs to (2019 → 十三五)."""
    current = _PERIODS[0][1]
    for start, name in _PERIODS:
        if year >= start:
            current = name
    return current


def render_context(
    region: Region,
    year: int,
    era: dict[str, str],
    *,
    kind: str,
    bureau: str | None = None,
) -> dict[str, Any]:
    """The built-in names every template may use (see the module docstring)."""
    self_ref, scope = self_reference(region.level)
    return {
        "region": region.full_name,
        "region_short": region.name,
        "province": region.province if region.level is not Level.PROVINCE else "",
        "level": region.level.value,
        "self_ref": self_ref,
        "scope": scope,
        "bureau": bureau or default_bureau(region),
        "year": year,
        "period": plan_period(year),
        "era": era,
        "kind": kind,
    }
