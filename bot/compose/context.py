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
division       the dataset's type of unit (may be empty)    地级市
subs           the units the bureau directs                 各县（市、区）
sub_bureaus    their education offices                      各县（市、区）教育局
direct_schools the schools the bureau runs itself           市直学校
schools        who carries a school-level task out          各县（市、区）和市直学校
addressees     the 主送 line of a notice                     各县（市、区）教育局，市直学校
municipality   in 北京、上海、天津、重庆 (bool)                  False
=============  ==========================================  ===================

The level words come from ``bot.compose.addressing``.
"""

from __future__ import annotations

from typing import Any

from bot.compose.addressing import addressing, default_bureau
from bot.compose.region import Region
from bot.library.models import Level
from bot.library.templates import BUILTIN_NAMES

__all__ = ["BUILTIN_NAMES", "Region", "default_bureau", "plan_period", "render_context",
           "self_reference"]

# Five-year plan periods (十一五 2006–2010 …); a year maps to the period it falls in.
_PERIODS: list[tuple[int, str]] = [
    (1996, "九五"), (2001, "十五"), (2006, "十一五"), (2011, "十二五"),
    (2016, "十三五"), (2021, "十四五"), (2026, "十五五"), (2031, "十六五"),
]


def self_reference(region: Region) -> tuple[str, str]:
    """(self reference, scope) of a region: 我县/全县, 我州/全州 …"""
    words = addressing(region)
    return words.self_ref, words.scope


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
    words = addressing(region, bureau)
    return {
        "region": region.full_name,
        "region_short": region.name,
        "province": region.province if region.level is not Level.PROVINCE else "",
        "level": region.level.value,
        "division": region.division or "",
        "self_ref": words.self_ref,
        "scope": words.scope,
        "bureau": words.bureau,
        "subs": words.subs,
        "sub_bureaus": words.sub_bureaus,
        "direct_schools": words.direct_schools,
        "schools": words.schools,
        "addressees": words.addressees,
        "municipality": words.municipality,
        "year": year,
        "period": plan_period(year),
        "era": era,
        "kind": kind,
    }
