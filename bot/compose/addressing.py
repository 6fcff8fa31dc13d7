"""How a plan names its own region and whom it addresses, by level and kind of unit.

A plan is written by one bureau and addressed to the units directly below it
(``../shared/reference/levels.md``). The words follow the unit the gazetteer found:

==============  ==============  ==========================  ===================================
unit            self / scope    subordinate units (subs)    bureau
==============  ==============  ==========================  ===================================
省 / 自治区      我省 / 我区      各市（州） from its units     省教育厅
直辖市           我市            各区（县）                    市教育委员会
地级市 / 自治州  我市 / 我州      各县（市、区） from its units  市教育局 / 州教育局
盟 / 地区        我盟 / 我区      各旗（县、市） …             盟教育局 / 地区教育局
县 / 县级市 / 旗  我县 / 我市 / 我旗  各乡镇（街道）               县教育局 (重庆: 县教育委员会)
市辖区           我区            各街道（乡镇）               区教育局 (北京、重庆: 区教育委员会)
==============  ==============  ==========================  ===================================

The vocabulary below is short administrative terms, not prose; the clauses themselves live in
``snippets/``.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.compose.region import Region
from bot.library.models import Level

__all__ = ["addressing", "default_bureau", "level_char"]


MUNICIPALITIES = frozenset({"北京市", "上海市", "天津市", "重庆市"})
_COMMISSION_DISTRICTS = frozenset({"北京市", "重庆市"})  # their districts and counties: 教育委员会

# The character a unit calls itself by (我州, 全盟), by the dataset's type of unit.
_CHAR: dict[str, str] = {
    "省": "省", "自治区": "区", "直辖市": "市", "地级市": "市", "自治州": "州", "地区": "区",
    "盟": "盟", "县级市": "市", "县": "县", "自治县": "县", "旗": "旗", "自治旗": "旗",
    "林区": "区", "特区": "区", "市辖区": "区",
}
_LEVEL_CHAR: dict[Level, str] = {
    Level.PROVINCE: "省", Level.CITY: "市", Level.COUNTY: "县", Level.DISTRICT: "区",
}
# The name of a unit below, as a list of them says it (各县（市、区）), in the usual order.
_BELOW_CHAR: tuple[tuple[str, str], ...] = (
    ("地级市", "市"), ("自治州", "州"), ("盟", "盟"), ("地区", "地区"),
    ("县", "县"), ("自治县", "县"), ("旗", "旗"), ("自治旗", "旗"),
    ("县级市", "市"), ("市辖区", "区"), ("林区", "区"), ("特区", "区"),
)
_DEFAULT_BELOW: dict[Level, tuple[str, ...]] = {
    Level.PROVINCE: ("市", "州"),
    Level.CITY: ("县", "市", "区"),
}
_TOWNS: dict[Level, str] = {Level.COUNTY: "各乡镇（街道）", Level.DISTRICT: "各街道（乡镇）"}
_CITY_TOWNS = "各镇（街道）"


@dataclass(frozen=True)
class Addressing:
    """The level's words a template may use (see ``bot.compose.context``)."""

    self_ref: str  # 我市
    scope: str  # 全市
    bureau: str  # 清远市教育局
    subs: str  # 各县（市、区）: the units the bureau directs
    sub_bureaus: str  # 各县（市、区）教育局: their education offices (乡镇中心学校 for a county)
    direct_schools: str  # 市直学校: the schools the bureau runs itself (厅直属单位 for a province)
    schools: str  # who carries a school-level task out: 各县（市、区）和市直学校 / 各中小学、幼儿园
    addressees: str  # the 主送 line of a notice: 各县（市、区）教育局，市直学校
    municipality: bool  # in (or one of) 北京、上海、天津、重庆


def level_char(region: Region) -> str:
    """The character the unit calls itself by: 市, 州, 盟, 旗, 县, 区, 省."""
    if region.division in _CHAR:
        return _CHAR[region.division]
    return _LEVEL_CHAR[region.level]


def in_municipality(region: Region) -> bool:
    return region.province in MUNICIPALITIES or region.full_name in MUNICIPALITIES


def default_bureau(region: Region) -> str:
    """The usual bureau name: 教育厅 for a province, 教育委员会 for 北京、上海、天津、重庆 and the
    districts and counties of 北京 and 重庆, 教育局 otherwise."""
    if region.level is Level.PROVINCE:
        suffix = "教育委员会" if in_municipality(region) else "教育厅"
    elif region.province in _COMMISSION_DISTRICTS and region.parent in _COMMISSION_DISTRICTS:
        suffix = "教育委员会"
    else:
        suffix = "教育局"
    return f"{region.full_name}{suffix}"


def subordinates(region: Region) -> str:
    """The units directly below, as a plan lists them: 各县（市、区）, 各市（州）, 各乡镇（街道）.

    A city with no county-level units (东莞, 中山) directs its towns: 各镇（街道）."""
    if region.level in _TOWNS:
        return _TOWNS[region.level]
    if region.level is Level.CITY and region.division and not region.below:
        return _CITY_TOWNS
    names = [char for kind, char in _BELOW_CHAR if kind in region.below]
    names = list(dict.fromkeys(names)) or list(_DEFAULT_BELOW[region.level])
    first = "旗" if region.division == "盟" else "区" if in_municipality(region) else None
    if first in names:
        names.remove(first)
        names.insert(0, first)
    if len(names) == 1:
        return f"各{names[0]}"
    return f"各{names[0]}（{'、'.join(names[1:])}）"


def addressing(region: Region, bureau: str | None = None) -> Addressing:
    """Every level word of the region (``bureau`` overrides the usual bureau name)."""
    char = level_char(region)
    subs = subordinates(region)
    level = region.level
    if level is Level.PROVINCE:
        sub_bureaus = f"{subs}教育局" if not in_municipality(region) else f"{subs}教育行政部门"
        direct = "委直属单位" if in_municipality(region) else "厅直属单位"
        schools = f"{subs}和各高等学校"
        addressees = f"{sub_bureaus}，{direct}，各高等学校"
    elif level is Level.CITY:
        sub_bureaus = f"{subs}教育局"
        direct = f"{char}直学校" if char != "区" else "地直学校"
        schools = f"{subs}和{direct}"
        addressees = f"{sub_bureaus}，{direct}"
    elif level is Level.COUNTY:
        sub_bureaus = f"{subs}中心学校"
        direct = f"{char}直学校"
        schools = "各中小学、幼儿园"
        addressees = f"{sub_bureaus}，{direct}，各中小学、幼儿园"
    else:
        sub_bureaus = subs
        direct = "区属学校"
        schools = "各中小学、幼儿园"
        addressees = f"{subs}，{direct}，各中小学、幼儿园"
    return Addressing(
        self_ref=f"我{char}", scope=f"全{char}", bureau=bureau or default_bureau(region),
        subs=subs, sub_bureaus=sub_bureaus, direct_schools=direct, schools=schools,
        addressees=addressees, municipality=in_municipality(region),
    )
