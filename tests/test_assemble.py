"""Whole plans: era wording, self reference by level, targets, placeholders, order."""

from __future__ import annotations

import pytest

from bot.compose.assemble import PlanRequest, assemble_plan, default_order
from bot.compose.context import Region
from bot.compose.lint import lint_plan
from bot.compose.plan import Plan, SectionRole
from bot.library.library import Library
from bot.library.models import ClauseKind, Level

CITY = Region(province="广东省", name="清远", full_name="清远市", level=Level.CITY)
COUNTY = Region(province="贵州省", name="修文", full_name="修文县", level=Level.COUNTY)
DISTRICT = Region(province="北京市", name="朝阳", full_name="朝阳区", level=Level.DISTRICT)


def _plan(library: Library, year: int, region: Region = CITY, **kw: object) -> Plan:
    topics = [t.id for t in library.priority_topics()]
    request = PlanRequest(region=region, year=year, topics=default_order(topics), **kw)  # type: ignore[arg-type]
    return assemble_plan(request, library)


def _text(plan: Plan) -> str:
    return "\n".join(plan.texts())


def test_2019_plan_wording(library: Library) -> None:
    text = _text(_plan(library, 2019))
    assert "十九大" in text and "习近平新时代中国特色社会主义思想" in text
    assert "二十大" not in text and "科学发展观" not in text


def test_2012_plan_wording(library: Library) -> None:
    text = _text(_plan(library, 2012))
    assert "科学发展观" in text
    assert "习近平新时代" not in text


def test_2025_plan_wording(library: Library) -> None:
    text = _text(_plan(library, 2025))
    assert "二十大" in text and "全国教育大会" in text


@pytest.mark.parametrize("year", range(2012, 2031))
def test_every_year_passes_the_era_lint(library: Library, year: int) -> None:
    for region in (CITY, COUNTY, DISTRICT):
        plan = _plan(library, year, region)
        assert lint_plan(plan, library.lint) == [], (year, region.full_name)
        text = _text(plan)
        if year < 2019:
            assert "德智体美劳" not in text
        else:
            assert "德智体美全面发展" not in text
        for leftover in ("20XX", "XX县", "*市", "{{", "}}"):
            assert leftover not in text


@pytest.mark.parametrize(
    ("region", "own", "others"),
    [
        (CITY, ("全市", "我市"), ("全县", "我县", "全区", "我区")),
        (COUNTY, ("全县", "我县"), ("我市", "全区", "我区")),
        (DISTRICT, ("全区", "我区"), ("我市", "全县", "我县")),
    ],
)
def test_self_reference_by_level(
    library: Library, region: Region, own: tuple[str, ...], others: tuple[str, ...]
) -> None:
    text = _text(_plan(library, 2024, region))
    assert own[0] in text
    for wrong in others:
        assert wrong not in text, wrong


def test_title_and_structure(library: Library) -> None:
    plan = _plan(library, 2019)
    assert plan.title == "清远市教育局2019年工作要点"
    roles = [s.role for s in plan.sections]
    assert roles[0] is SectionRole.GENERAL and roles[-1] is SectionRole.CLOSING
    assert SectionRole.TARGETS not in roles  # no targets given
    assert plan.sections[1].id == "party"
    assert all(item.clause_id for s in plan.sections for item in s.items)


def test_work_plan_kind_nests_priorities(library: Library) -> None:
    plan = _plan(library, 2021, COUNTY, kind="工作计划")
    assert plan.title == "修文县教育局2021年工作计划"
    group = next(s for s in plan.sections if s.role is SectionRole.GROUP)
    assert group.heading == "主要工作"
    assert all(s.level == 2 for s in plan.sections if s.role is SectionRole.TOPIC)


def test_targets_fill_placeholders_and_make_a_targets_section(library: Library) -> None:
    var, spec = next((k, v) for k, v in library.vars.items() if v.type.value == "percent")
    given = _plan(library, 2024, targets={var: "95"})
    assert spec.label not in given.placeholders()
    targets = next(s for s in given.sections if s.role is SectionRole.TARGETS)
    assert any("95%" in item.text for item in targets.items)
    assert given.targets == {var: "95"}


def test_placeholders_are_listed(library: Library) -> None:
    plan = _plan(library, 2024)
    text = _text(plan)
    for label in plan.placeholders():
        assert f"【待填：{label}】" in text


def test_bureau_override(library: Library) -> None:
    plan = _plan(library, 2024, COUNTY, bureau="修文县教育和体育局")
    assert plan.title == "修文县教育和体育局2024年工作要点"


def test_years_past_known_wording_say_so(library: Library) -> None:
    plan = _plan(library, 2029)
    assert [n.id for n in plan.notes] == ["era_extrapolated"]
    assert plan.notes[0].params["latest"] == library.eras.latest_year
    assert _plan(library, 2019).notes == []


def test_years_before_known_wording_leave_a_placeholder(library: Library) -> None:
    plan = _plan(library, 2008)
    assert plan.notes[0].id == "era_unknown"
    assert plan.placeholders()[0] == "总体要求"


def test_default_order_puts_party_first() -> None:
    assert default_order(["preschool", "party", "preschool", "safety"]) == [
        "party",
        "preschool",
        "safety",
    ]


def test_topics_without_clauses_for_the_level_are_reported(library: Library) -> None:
    province = Region(province="广东省", name="广东", full_name="广东省", level=Level.PROVINCE)
    plan = _plan(library, 2024, province)
    uncovered = [n for n in plan.notes if n.id == "topics_uncovered"]
    bare = [  # priorities with no default task for a province (fewer as the library grows)
        t.name
        for t in library.priority_topics()
        if not any(c.default for c in library.fitting(t.id, ClauseKind.TASK, 2024, Level.PROVINCE))
    ]
    if bare:
        assert uncovered and str(uncovered[0].params["topics"]) == "、".join(bare)
    else:
        assert not uncovered
    assert "党的建设" not in str(uncovered[0].params["topics"] if uncovered else "")
    assert plan.title == "广东省教育厅2024年工作要点"
    assert "全省" in _text(plan)


def test_safeguards_respect_default(library: Library) -> None:
    plan = _plan(library, 2024)
    section = next(s for s in plan.sections if s.role is SectionRole.SAFEGUARDS)
    for item in section.items:
        clause = library.clause(item.clause_id or "")
        assert clause is not None and clause.default
