"""Self reference, bureau names and addressees follow the level and the kind of unit."""

from __future__ import annotations

import pytest

from bot.compose.addressing import addressing
from bot.compose.assemble import PlanRequest, assemble_plan
from bot.compose.gazetteer import resolve_region
from bot.compose.region import Region
from bot.library.library import Library


def _unit(name: str) -> Region:
    match = resolve_region(name)
    assert match.candidates, name
    return match.candidates[0]


@pytest.mark.parametrize(
    ("name", "self_ref", "scope", "bureau"),
    [
        ("恩施州", "我州", "全州", "恩施土家族苗族自治州教育局"),
        ("大兴安岭地区", "我区", "全区", "大兴安岭地区教育局"),
        ("锡林郭勒盟", "我盟", "全盟", "锡林郭勒盟教育局"),
        ("鄂伦春自治旗", "我旗", "全旗", "鄂伦春自治旗教育局"),
        ("准格尔旗", "我旗", "全旗", "准格尔旗教育局"),
        ("酉阳土家族苗族自治县", "我县", "全县", "酉阳土家族苗族自治县教育委员会"),
        ("长阳土家族自治县", "我县", "全县", "长阳土家族自治县教育局"),
        ("海淀区", "我区", "全区", "海淀区教育委员会"),
        ("渝中区", "我区", "全区", "渝中区教育委员会"),
        ("浦东新区", "我区", "全区", "浦东新区教育局"),
        ("和平区", "我区", "全区", "和平区教育局"),  # 天津 (the first of several 和平区)
        ("义乌市", "我市", "全市", "义乌市教育局"),
        ("北京市", "我市", "全市", "北京市教育委员会"),
        ("内蒙古自治区", "我区", "全区", "内蒙古自治区教育厅"),
        ("四川省", "我省", "全省", "四川省教育厅"),
    ],
)
def test_self_reference_and_bureau_by_kind_of_unit(
    name: str, self_ref: str, scope: str, bureau: str
) -> None:
    words = addressing(_unit(name))
    assert (words.self_ref, words.scope, words.bureau) == (self_ref, scope, bureau)


@pytest.mark.parametrize(
    ("name", "subs", "direct"),
    [
        ("清远市", "各县（市、区）", "市直学校"),
        ("深圳市", "各区", "市直学校"),
        ("东莞市", "各镇（街道）", "市直学校"),
        ("恩施州", "各县（市）", "州直学校"),
        ("锡林郭勒盟", "各旗（县、市）", "盟直学校"),
        ("修文县", "各乡镇（街道）", "县直学校"),
        ("天河区", "各街道（乡镇）", "区属学校"),
        ("四川省", "各市（州）", "厅直属单位"),
        ("重庆市", "各区（县）", "委直属单位"),
    ],
)
def test_whom_the_bureau_addresses(name: str, subs: str, direct: str) -> None:
    words = addressing(_unit(name))
    assert (words.subs, words.direct_schools) == (subs, direct)
    assert subs in words.addressees and direct in words.addressees


def test_an_autonomous_prefecture_plan_says_quanzhou_not_quanshi(library: Library) -> None:
    request = PlanRequest(region=_unit("恩施州"), year=2023, topics=["party", "preschool"])
    text = "\n".join(assemble_plan(request, library).texts())
    assert "全州" in text and "全市" not in text and "我市" not in text
    assert text.startswith("恩施土家族苗族自治州教育局2023年工作要点")


def test_a_bureau_name_stays_overridable(library: Library) -> None:
    request = PlanRequest(region=_unit("海淀区"), year=2024, topics=["party"], bureau="海淀区教委")
    assert assemble_plan(request, library).title == "海淀区教委2024年工作要点"
