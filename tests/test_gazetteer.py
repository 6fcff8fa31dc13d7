"""The region gazetteer: what users type → province, name, level, full name (real data)."""

from __future__ import annotations

import importlib.util

import pytest

from bot.compose.context import Region
from bot.compose.gazetteer import (
    MatchStatus,
    RegionMatch,
    region_from_parts,
    resolve_region,
    similar_regions,
)
from bot.library.models import Level


def exact(text: str, level: Level | None = None) -> Region:
    match = resolve_region(text, level)
    assert match.status is MatchStatus.EXACT, match
    assert len(match.candidates) == 1
    return match.candidates[0]


def full_names(match: RegionMatch) -> list[tuple[str, str]]:
    return [(c.province, c.full_name) for c in match.candidates]


# --- the examples users type ----------------------------------------------------------------


@pytest.mark.parametrize("text", ["清远", "清远市", "广东清远", "广东省清远市", " 广东省 清远市 "])
def test_prefecture_city_in_every_spelling(text: str) -> None:
    region = exact(text)
    assert region == Region(
        province="广东省", name="清远", full_name="清远市", level=Level.CITY,
        code="441800", parent=None, division="地级市", below=("市辖区", "县", "自治县", "县级市"),
    )


@pytest.mark.parametrize("text", ["修文县", "修文", "贵州修文", "贵州省修文县", "贵阳修文县"])
def test_county(text: str) -> None:
    region = exact(text)
    assert (region.province, region.parent, region.name, region.full_name) == (
        "贵州省", "贵阳市", "修文", "修文县",
    )
    assert region.level is Level.COUNTY
    assert region.code == "520123"


def test_district_of_a_municipality_has_the_municipality_as_parent() -> None:
    region = exact("北京朝阳区")
    assert (region.province, region.parent, region.full_name, region.level) == (
        "北京市", "北京市", "朝阳区", Level.DISTRICT,
    )
    assert region.code == "110105"


def test_county_level_city_works_at_county_level() -> None:
    region = exact("义乌市")
    assert (region.province, region.parent, region.name, region.level, region.division) == (
        "浙江省", "金华市", "义乌", Level.COUNTY, "县级市",
    )
    assert exact("义乌") == region


def test_autonomous_prefecture() -> None:
    region = exact("恩施土家族苗族自治州")
    assert (region.province, region.name, region.level, region.parent) == (
        "湖北省", "恩施", Level.CITY, None,
    )
    assert exact("恩施州") == region


def test_autonomous_banner_is_a_county() -> None:
    region = exact("鄂伦春自治旗")
    assert (region.province, region.parent, region.name, region.level) == (
        "内蒙古自治区", "呼伦贝尔市", "鄂伦春", Level.COUNTY,
    )


@pytest.mark.parametrize(
    ("text", "full", "name"),
    [("广东省", "广东省", "广东"), ("广东", "广东省", "广东"), ("北京", "北京市", "北京"),
     ("上海市", "上海市", "上海"), ("广西", "广西壮族自治区", "广西"),
     ("新疆维吾尔自治区", "新疆维吾尔自治区", "新疆")],
)
def test_provinces_and_municipalities(text: str, full: str, name: str) -> None:
    region = exact(text)
    assert (region.full_name, region.name, region.province) == (full, name, full)
    assert region.level is Level.PROVINCE
    assert region.parent is None


@pytest.mark.parametrize(
    ("text", "full", "name", "level"),
    [("神农架林区", "神农架林区", "神农架", Level.COUNTY),
     ("六枝特区", "六枝特区", "六枝", Level.COUNTY),
     ("阿拉善盟", "阿拉善盟", "阿拉善", Level.CITY),
     ("大兴安岭地区", "大兴安岭地区", "大兴安岭", Level.CITY),
     ("浦东", "浦东新区", "浦东", Level.DISTRICT),
     ("酉阳", "酉阳土家族苗族自治县", "酉阳", Level.COUNTY),
     ("泾县", "泾县", "泾县", Level.COUNTY)],
)
def test_other_kinds_of_unit(text: str, full: str, name: str, level: Level) -> None:
    region = exact(text)
    assert (region.full_name, region.name, region.level) == (full, name, level)


def test_unit_under_its_province_directly_has_no_parent() -> None:
    region = exact("仙桃")
    assert (region.province, region.full_name, region.parent, region.level) == (
        "湖北省", "仙桃市", None, Level.COUNTY,
    )


# --- ambiguity and narrowing ----------------------------------------------------------------


def test_same_district_name_in_two_provinces_is_ambiguous() -> None:
    match = resolve_region("朝阳区")
    assert match.status is MatchStatus.AMBIGUOUS
    assert full_names(match) == [("北京市", "朝阳区"), ("吉林省", "朝阳区")]
    assert [c.parent for c in match.candidates] == ["北京市", "长春市"]


def test_bare_name_shared_by_city_county_and_districts_is_ambiguous() -> None:
    match = resolve_region("朝阳")
    assert match.status is MatchStatus.AMBIGUOUS
    assert {(c.full_name, c.level, c.parent) for c in match.candidates} == {
        ("朝阳区", Level.DISTRICT, "北京市"),
        ("朝阳区", Level.DISTRICT, "长春市"),
        ("朝阳市", Level.CITY, None),
        ("朝阳县", Level.COUNTY, "朝阳市"),
    }
    codes = [c.code or "" for c in match.candidates]
    assert codes == sorted(codes)


@pytest.mark.parametrize(
    ("text", "parent"),
    [("吉林朝阳区", "长春市"), ("长春朝阳区", "长春市"), ("北京朝阳区", "北京市"),
     ("北京市朝阳区", "北京市")],
)
def test_province_or_prefecture_in_front_narrows(text: str, parent: str) -> None:
    assert exact(text).parent == parent


def test_province_narrows_but_can_leave_several() -> None:
    match = resolve_region("辽宁朝阳")
    assert match.status is MatchStatus.AMBIGUOUS
    assert [c.full_name for c in match.candidates] == ["朝阳市", "朝阳县"]


def test_typed_suffix_picks_between_city_and_county() -> None:
    assert exact("朝阳市").level is Level.CITY
    assert exact("朝阳县").level is Level.COUNTY
    assert exact("朝阳县").parent == "朝阳市"


def test_prefecture_and_county_level_city_of_one_name() -> None:
    match = resolve_region("恩施")
    assert match.status is MatchStatus.AMBIGUOUS
    assert [c.full_name for c in match.candidates] == ["恩施土家族苗族自治州", "恩施市"]
    assert exact("恩施市").parent == "恩施土家族苗族自治州"


def test_province_and_city_of_one_name() -> None:
    match = resolve_region("吉林")
    assert match.status is MatchStatus.AMBIGUOUS
    assert [(c.full_name, c.level) for c in match.candidates] == [
        ("吉林省", Level.PROVINCE), ("吉林市", Level.CITY),
    ]
    assert exact("吉林市").level is Level.CITY


def test_name_that_starts_like_a_province_is_not_cut() -> None:
    region = exact("海南藏族自治州")
    assert (region.province, region.name) == ("青海省", "海南")


# --- explicit level ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "full", "parent"),
    [(Level.CITY, "朝阳市", None), (Level.COUNTY, "朝阳县", "朝阳市")],
)
def test_explicit_level_filters(level: Level, full: str, parent: str | None) -> None:
    region = exact("朝阳", level)
    assert (region.full_name, region.parent, region.level) == (full, parent, level)


def test_explicit_level_can_leave_several() -> None:
    match = resolve_region("朝阳", Level.DISTRICT)
    assert match.status is MatchStatus.AMBIGUOUS
    assert [c.parent for c in match.candidates] == ["北京市", "长春市"]


def test_explicit_level_no_unit_has_gives_a_region_of_that_level() -> None:
    match = resolve_region("清远", Level.COUNTY)
    assert match.status is MatchStatus.UNKNOWN
    assert match.candidates == (
        Region(province="广东省", name="清远", full_name="清远县", level=Level.COUNTY),
    )


# --- unknown names ----------------------------------------------------------------------------


def test_unknown_name_with_suffix_is_built_from_the_suffix() -> None:
    match = resolve_region("新城县")
    assert match.status is MatchStatus.UNKNOWN
    assert match.candidates == (
        Region(province="", name="新城", full_name="新城县", level=Level.COUNTY),
    )


def test_unknown_name_keeps_a_province_typed_in_front() -> None:
    match = resolve_region("广东新城县")
    assert match.status is MatchStatus.UNKNOWN
    assert [(c.province, c.full_name) for c in match.candidates] == [("广东省", "新城县")]


def test_unknown_name_without_suffix_or_level_has_no_candidate() -> None:
    match = resolve_region("星月湾")
    assert match == RegionMatch(MatchStatus.UNKNOWN, (), "星月湾")


def test_unknown_name_with_explicit_level() -> None:
    match = resolve_region("星月湾", Level.DISTRICT)
    assert match.status is MatchStatus.UNKNOWN
    assert [(c.full_name, c.name, c.level) for c in match.candidates] == [
        ("星月湾区", "星月湾", Level.DISTRICT),
    ]


@pytest.mark.parametrize("text", ["", "   ", "，。"])
def test_empty_input(text: str) -> None:
    match = resolve_region(text)
    assert match.status is MatchStatus.UNKNOWN
    assert match.candidates == ()


def test_text_that_is_not_a_name_gets_no_built_candidate() -> None:
    assert resolve_region("hello县").candidates == ()


def test_very_long_input_is_unknown() -> None:
    match = resolve_region("清" * 5000)
    assert match.status is MatchStatus.UNKNOWN
    assert match.candidates == ()


# --- merged and abolished units follow the data -----------------------------------------------


def test_laiwu_is_a_district_of_jinan_since_2019() -> None:
    region = exact("莱芜")
    assert (region.province, region.parent, region.full_name, region.level) == (
        "山东省", "济南市", "莱芜区", Level.DISTRICT,
    )


def test_abolished_laiwu_city_is_unknown_but_kept_as_typed() -> None:
    match = resolve_region("莱芜市")
    assert match.status is MatchStatus.UNKNOWN
    assert [(c.province, c.full_name, c.level, c.code) for c in match.candidates] == [
        ("山东省", "莱芜市", Level.CITY, None),
    ]


def test_data_knows_2024_counties() -> None:
    region = exact("和安县")
    assert (region.province, region.parent) == ("新疆维吾尔自治区", "和田地区")


def test_merged_district_is_gone() -> None:
    # 2021: 三明市梅列区 merged into 三元区.
    assert resolve_region("三明梅列区").status is MatchStatus.UNKNOWN
    assert exact("三明三元区").code == "350404"


# --- placeholders -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "label", "level"),
    [("某县", "【待填：县名】", Level.COUNTY), ("某市", "【待填：市名】", Level.CITY),
     ("XX县", "【待填：县名】", Level.COUNTY), ("×× 区", "【待填：区名】", Level.DISTRICT),
     ("*市", "【待填：市名】", Level.CITY), ("ＸＸ区", "【待填：区名】", Level.DISTRICT)],
)
def test_placeholder(text: str, label: str, level: Level) -> None:
    match = resolve_region(text)
    assert match.status is MatchStatus.PLACEHOLDER
    assert match.candidates == (Region(province="", name=label, full_name=label, level=level),)


def test_placeholder_without_suffix_needs_a_level() -> None:
    assert resolve_region("某某").status is MatchStatus.UNKNOWN
    match = resolve_region("某某", Level.COUNTY)
    assert match.status is MatchStatus.PLACEHOLDER
    assert match.candidates[0].full_name == "【待填：县名】"


def test_placeholder_keeps_a_province_typed_in_front() -> None:
    match = resolve_region("广东省某县")
    assert match.status is MatchStatus.PLACEHOLDER
    assert match.candidates[0].province == "广东省"


# --- normalisation ----------------------------------------------------------------------------


def test_full_width_and_punctuation_are_ignored() -> None:
    assert exact("广东·清远！").full_name == "清远市"


@pytest.mark.skipif(importlib.util.find_spec("opencc") is None, reason="opencc not installed")
def test_traditional_characters() -> None:
    assert exact("廣東清遠").full_name == "清远市"


def test_simplified_name_opencc_would_change_is_found_as_typed() -> None:
    assert exact("乾县").province == "陕西省"


def test_query_is_the_normalised_text() -> None:
    assert resolve_region(" 广东省 清远市 ").query == "广东省清远市"


# --- region_from_parts ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "level", "full", "short"),
    [("新城", Level.COUNTY, "新城县", "新城"), ("新城县", Level.COUNTY, "新城县", "新城"),
     ("新城", Level.DISTRICT, "新城区", "新城"), ("新城", Level.CITY, "新城市", "新城"),
     ("新城县", Level.CITY, "新城市", "新城"), ("新城州", Level.CITY, "新城州", "新城")],
)
def test_region_from_parts(name: str, level: Level, full: str, short: str) -> None:
    region = region_from_parts(name, level, province="广东")
    assert (region.full_name, region.name, region.level) == (full, short, level)
    assert region.province == "广东省"
    assert region.code is None
    assert region.parent is None


def test_region_from_parts_province() -> None:
    region = region_from_parts("新城", Level.PROVINCE)
    assert (region.full_name, region.province) == ("新城省", "新城省")


def test_region_from_parts_needs_a_name() -> None:
    with pytest.raises(ValueError, match="name"):
        region_from_parts(" ", Level.COUNTY)


def test_match_is_immutable() -> None:
    match = resolve_region("清远")
    with pytest.raises(AttributeError):
        match.status = MatchStatus.UNKNOWN  # type: ignore[misc]


def test_region_from_parts_takes_a_province_written_in_front() -> None:
    region = region_from_parts("广东新城", Level.COUNTY)
    assert (region.province, region.name, region.full_name) == ("广东省", "新城", "新城县")
    assert region_from_parts("吉林新区", Level.DISTRICT).full_name == "吉林新区"


def test_similar_regions_are_the_name_at_other_levels() -> None:
    assert [r.full_name for r in similar_regions("清远县")] == ["清远市"]
    assert [r.full_name for r in similar_regions("广东清远县")] == ["清远市"]
    assert [r.parent for r in similar_regions("新城县")] == ["呼和浩特市", "西安市"]
    assert similar_regions("桃花源县") == () and similar_regions("清远") == ()  # no suffix typed
