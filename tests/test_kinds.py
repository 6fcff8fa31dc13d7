"""Plan kinds as data: special-purpose plans with fixed sections, their content and their checks."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from bot.cli import main
from bot.compose.assemble import PlanRequest, assemble_plan
from bot.compose.context import Region
from bot.compose.lint import lint_plan
from bot.compose.plan import Plan, SectionRole
from bot.errors import InputError
from bot.library.kinds import PlanKind
from bot.library.library import Library
from bot.library.loader import LibraryError, Problem, load_library
from bot.library.models import ClauseKind, Level

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ROOT / "snippets"
CITY = Region(province="广东省", name="清远", full_name="清远市", level=Level.CITY)
COUNTY = Region(province="贵州省", name="修文", full_name="修文县", level=Level.COUNTY)
DISTRICT = Region(province="北京市", name="朝阳", full_name="朝阳区", level=Level.DISTRICT)
REGIONS = (CITY, COUNTY, DISTRICT)
SPECIAL = ("talent_plan", "safety_plan", "summer_plan")
LEFTOVER = re.compile(r"\{\{|\}\}|\{%|%\}|None|Undefined|【待填：】|，，|。。|，。")
OWN = {
    Level.CITY: ("全市", "我市"),
    Level.COUNTY: ("全县", "我县"),
    Level.DISTRICT: ("全区", "我区"),
}


def _request(
    library: Library, kind_id: str, region: Region, year: int, **kw: object
) -> PlanRequest:
    kind = library.kinds[kind_id]
    topics = [t.id for t in library.priority_topics()] if kind.asks_priorities else []
    data = {"region": region, "year": year, "kind": kind_id, "topics": topics, **kw}
    return PlanRequest.model_validate(data)


def _plan(library: Library, kind_id: str, region: Region, year: int, **kw: object) -> Plan:
    return assemble_plan(_request(library, kind_id, region, year, **kw), library)


def _text(plan: Plan) -> str:
    return "\n".join(plan.texts())


# ── the shipped kinds ─────────────────────────────────────────────────────────


def test_special_kinds_are_shipped(library: Library) -> None:
    names = {k.name for k in library.kinds.values()}
    assert {"工作要点", "工作计划", "人才工作计划", "学校安全工作计划", "暑期工作安排"} <= names
    assert list(library.kinds)[:2] == ["work_points", "work_plan"]  # the annual plans first
    for kind_id in SPECIAL:
        kind = library.kinds[kind_id]
        assert not kind.asks_priorities and kind.fixed_topics and kind.always_targets()


def test_special_kind_topics_are_not_priorities(library: Library) -> None:
    priorities = {t.id for t in library.priority_topics()}
    for kind_id in SPECIAL:
        kind = library.kinds[kind_id]
        own = {s.topic for s in kind.sections if s.topic} | set(kind.fixed_topics)
        assert not own & priorities, kind_id


@pytest.mark.parametrize("kind_id", [*SPECIAL, "work_points", "work_plan"])
@pytest.mark.parametrize("year", [2012, 2019, 2025])
@pytest.mark.parametrize("region", [CITY, COUNTY], ids=["city", "county"])
def test_every_kind_assembles_clean(
    library: Library, kind_id: str, year: int, region: Region
) -> None:
    plan = _plan(library, kind_id, region, year)
    assert lint_plan(plan, library.lint) == []
    text = _text(plan)
    assert not LEFTOVER.search(text), LEFTOVER.search(text)
    assert all(item.text.strip() for s in plan.sections for item in s.items)
    assert all(s.heading or s.role is SectionRole.CLOSING for s in plan.sections)
    if year == 2012:
        assert "科学发展观" in text and "十七大" in text and "习近平" not in text
    elif year == 2019:
        assert "十九大" in text and "习近平新时代中国特色社会主义思想" in text
        assert "二十大" not in text and "科学发展观" not in text
    else:
        assert "二十大" in text and "十九届" not in text and "科学发展观" not in text
    own_scope, _ = OWN[region.level]
    assert own_scope in text
    others = [w for level, pair in OWN.items() if level is not region.level for w in pair]
    assert not [w for w in others if w in text]


@pytest.mark.parametrize("year", range(2012, 2031))
def test_special_kinds_pass_the_era_lint_every_year(library: Library, year: int) -> None:
    for kind_id in SPECIAL:
        for region in REGIONS:
            plan = _plan(library, kind_id, region, year)
            assert lint_plan(plan, library.lint) == [], (kind_id, year, region.full_name)
            text = _text(plan)
            assert not LEFTOVER.search(text), (kind_id, year, LEFTOVER.search(text))
            general = plan.sections[0]
            assert general.role is SectionRole.GENERAL and general.items[0].clause_id


@pytest.mark.parametrize("year", range(2012, 2031))
def test_every_fixed_section_has_a_heading_and_four_tasks(library: Library, year: int) -> None:
    for kind_id in SPECIAL:
        kind = library.kinds[kind_id]
        for level in (Level.CITY, Level.COUNTY, Level.DISTRICT):
            for spec in kind.sections:
                if spec.topic:
                    role_kind = {
                        SectionRole.GENERAL: ClauseKind.GENERAL,
                        SectionRole.SAFEGUARDS: ClauseKind.SAFEGUARD,
                        SectionRole.CLOSING: ClauseKind.CLOSING,
                    }[spec.role]
                    found = library.fitting(spec.topic, role_kind, year, level)
                    assert found, (kind_id, spec.topic, role_kind, year, level)
            for topic in kind.fixed_topics:
                headings = library.fitting(topic, ClauseKind.HEADING, year, level)
                tasks = [
                    c for c in library.fitting(topic, ClauseKind.TASK, year, level) if c.default
                ]
                assert headings, (topic, year, level)
                assert len(tasks) >= 4, (topic, year, level, len(tasks))


def test_main_clauses_of_special_kinds_have_another_wording(library: Library) -> None:
    main_kinds = {ClauseKind.HEADING, ClauseKind.GENERAL, ClauseKind.TASK, ClauseKind.TARGET,
                  ClauseKind.SAFEGUARD, ClauseKind.CLOSING}
    for kind_id in SPECIAL:
        kind = library.kinds[kind_id]
        topics = {s.topic for s in kind.sections if s.topic} | set(kind.fixed_topics)
        for topic in topics:
            for clause in library.topics[topic].clauses:
                if clause.kind in main_kinds:
                    assert clause.variants, clause.id


def test_special_kind_plan_structure(library: Library) -> None:
    plan = _plan(library, "talent_plan", COUNTY, 2025)
    assert plan.title == "修文县教育局2025年人才工作计划"
    assert plan.kind == "talent_plan" and plan.kind_name == "人才工作计划"
    roles = [s.role for s in plan.sections]
    assert roles[:3] == [SectionRole.GENERAL, SectionRole.TARGETS, SectionRole.GROUP]
    assert roles[-2:] == [SectionRole.SAFEGUARDS, SectionRole.CLOSING]
    topics = [s.id for s in plan.sections if s.role is SectionRole.TOPIC]
    assert topics == library.kinds["talent_plan"].fixed_topics
    assert all(s.level == 2 for s in plan.sections if s.role is SectionRole.TOPIC)
    assert all(item.clause_id for s in plan.sections for item in s.items)


def test_targets_always_appear_with_placeholders_then_take_the_users_figures(
    library: Library,
) -> None:
    empty = _plan(library, "talent_plan", COUNTY, 2019)
    targets = next(s for s in empty.sections if s.role is SectionRole.TARGETS)
    assert targets.items and "计划招聘教师数" in empty.placeholders()
    given = _plan(library, "talent_plan", COUNTY, 2019, targets={"talent_new_teachers": "120"})
    text = _text(given)
    assert "招聘教师120名" in text and "计划招聘教师数" not in given.placeholders()
    labels = {spec.label for spec in library.vars.values()}
    assert set(given.placeholders()) <= labels  # only declared figures are left to fill


def test_annual_targets_still_appear_only_when_given(library: Library) -> None:
    plan = _plan(library, "work_points", CITY, 2024)
    assert SectionRole.TARGETS not in [s.role for s in plan.sections]


def test_a_request_rebuilt_from_a_special_plan_names_its_topics(library: Library) -> None:
    plan = _plan(library, "safety_plan", DISTRICT, 2024)
    topics = [s.id for s in plan.sections if s.role is SectionRole.TOPIC]
    again = assemble_plan(
        PlanRequest(region=DISTRICT, year=2024, kind="safety_plan", topics=topics), library
    )
    assert again.model_dump() == plan.model_dump()
    with pytest.raises(InputError) as info:
        assemble_plan(
            PlanRequest(region=DISTRICT, year=2024, kind="safety_plan", topics=["party"]), library
        )
    assert info.value.message_id == "unknown_topic"


# ── helpers for the dialogue ─────────────────────────────────────────────────


def test_kind_helpers(library: Library) -> None:
    points, talent = library.kinds["work_points"], library.kinds["talent_plan"]
    assert points.asks_priorities and points.fixed_topics == []
    assert points.topic_ids(["party", "preschool"]) == ["party", "preschool"]
    assert talent.topic_ids(["party"]) == talent.fixed_topics
    assert talent.targets_topics() == talent.fixed_topics
    names = [t.name for t in library.kind_topics(talent)]
    assert names[0] == library.topics["talent_cultivate"].name
    assert library.kind_topics(points, ["party"]) == [library.topics["party"]]


def test_targets_vars_ask_only_what_the_kind_uses(library: Library) -> None:
    talent = library.kinds["talent_plan"]
    asked = talent.targets_vars(library, 2025, Level.COUNTY)
    assert "talent_new_teachers" in asked and "talent_training_participants" in asked
    assert not [k for k in asked if not k.startswith("talent_")]
    points = library.kinds["work_points"]
    chosen = ["party", "preschool"]
    expected: dict[str, object] = {}
    for topic in ["general", *chosen]:  # 总体要求 has slots too (本地发展战略)
        expected.update(library.topic_vars(topic, 2025, Level.COUNTY))
    assert "general_local_strategy" in expected
    assert points.targets_vars(library, 2025, Level.COUNTY, chosen) == expected
    safety = library.kinds["safety_plan"]
    assert "safety_key_kitchen_rate" in safety.targets_vars(library, 2019, Level.CITY)
    assert "safety_key_kitchen_rate" not in safety.targets_vars(library, 2018, Level.CITY)


# ── validation of kind files ─────────────────────────────────────────────────


def _library_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "snippets"
    shutil.copytree(SNIPPETS, directory)
    return directory


def _problems(directory: Path) -> list[Problem]:
    with pytest.raises(LibraryError) as info:
        load_library(directory)
    return info.value.problems


def test_a_fixed_section_naming_an_unknown_topic_is_reported(tmp_path: Path) -> None:
    directory = _library_dir(tmp_path)
    path = directory / "kinds" / "talent_plan.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("talent_leaders,", "talent_nope,"),
        encoding="utf-8",
    )
    problems = _problems(directory)
    assert [(p.file, p.clause_id, p.field, p.message) for p in problems] == [
        ("kinds/talent_plan.yaml", "talent_plan", "sections[2].topics[1]",
         "unknown topic 'talent_nope'")
    ]


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ("{role: topic, topic: talent}", "takes 'topics' (a list), not 'topic'"),
        ("{role: general, heading: 指导思想}", "a general section needs 'topic'"),
        ("{role: closing, topics: [talent]}", "takes 'topic', not 'topics'"),
        ("{role: targets, always: true}", "needs a heading"),
        ("{role: topic, always: true}", "'always' is for a targets section only"),
        ("{role: group, heading: 主要任务}", "role 'group' is made by a topic section"),
        ("{role: topic, topics: [talent_use, talent_use]}", "named twice"),
    ],
)
def test_a_section_must_fit_its_role(tmp_path: Path, section: str, message: str) -> None:
    directory = _library_dir(tmp_path)
    (directory / "kinds" / "bad.yaml").write_text(
        "schema_version: 1\nid: bad\nname: 坏计划\ntitle: x\n"
        f"sections:\n  - {section}\n",
        encoding="utf-8",
    )
    problems = _problems(directory)
    assert len(problems) == 1 and problems[0].file == "kinds/bad.yaml"
    assert problems[0].field == "sections.0" and message in problems[0].message


def test_a_kind_name_used_twice_is_reported(tmp_path: Path) -> None:
    directory = _library_dir(tmp_path)
    text = (directory / "kinds" / "summer_plan.yaml").read_text(encoding="utf-8")
    (directory / "kinds" / "zz_copy.yaml").write_text(
        text.replace("id: summer_plan", "id: zz_copy"), encoding="utf-8"
    )
    problems = _problems(directory)
    assert problems and all(p.file == "kinds/zz_copy.yaml" for p in problems)
    assert "'暑期工作安排' also names a kind in kinds/summer_plan.yaml" in [
        p.message for p in problems
    ]


def test_a_new_kind_is_data_only(tmp_path: Path) -> None:
    """An admin adds a kind with a file: here a 教师培训计划 reusing the talent topics."""
    directory = _library_dir(tmp_path)
    (directory / "kinds" / "training_plan.yaml").write_text(
        "schema_version: 1\nid: training_plan\nname: 教师培训计划\n"
        'title: "{{ bureau }}{{ year }}年教师培训计划"\n'
        "sections:\n"
        "  - {role: general, heading: 指导思想, topic: talent}\n"
        "  - {role: targets, heading: 培训目标, always: true, topics: [talent_cultivate]}\n"
        "  - {role: topic, topics: [talent_cultivate, talent_leaders]}\n"
        "  - {role: closing, topic: talent}\n",
        encoding="utf-8",
    )
    library = load_library(directory)
    kind: PlanKind | None = library.kind("教师培训计划")
    assert kind is not None and not kind.asks_priorities
    plan = assemble_plan(
        PlanRequest(region=COUNTY, year=2022, kind="training_plan"), library
    )
    assert plan.title == "修文县教育局2022年教师培训计划"
    assert [s.heading for s in plan.sections][:2] == ["指导思想", "培训目标"]
    assert [s.id for s in plan.sections if s.role is SectionRole.TOPIC] == [
        "talent_cultivate", "talent_leaders"
    ]
    assert plan.placeholders() == ["教师培训人次"]


# ── the command line ─────────────────────────────────────────────────────────


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_draft_a_special_kind_without_topics(
    capsys: pytest.CaptureFixture[str], library: Library
) -> None:
    code, out, err = run(
        capsys, "draft", "--region", "修文县", "--year", "2025", "--kind", "人才工作计划",
        "--target", "talent_new_teachers=80", "--format", "json",
    )
    assert code == 0, err
    plan = json.loads(out)
    assert plan["title"] == "修文县教育局2025年人才工作计划"
    topics = [s["id"] for s in plan["sections"] if s["role"] == "topic"]
    assert topics == library.kinds["talent_plan"].fixed_topics
    assert "计划招聘教师数" not in plan["placeholders"] and plan["targets"] == {
        "talent_new_teachers": "80"
    }


@pytest.mark.parametrize(
    ("args", "zh", "en"),
    [
        (["--kind", "工作要点"], "请选择工作要点的重点领域", "needs priority topics"),
        (["--kind", "暑期工作安排", "--topics", "party"], "内容板块是固定的", "fixed sections"),
    ],
)
def test_cli_topics_required_or_refused(
    capsys: pytest.CaptureFixture[str], args: list[str], zh: str, en: str
) -> None:
    code, out, err = run(capsys, "draft", "--region", "清远市", "--year", "2019", *args)
    lines = err.strip().splitlines()
    assert code == 2 and out == "" and len(lines) == 2
    assert zh in lines[0] and en in lines[1]


def test_cli_kinds_lists_sections(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "kinds", "--json")
    rows = {row["id"]: row for row in json.loads(out)}
    assert code == 0 and rows["work_points"]["asks_priorities"] is True
    assert rows["work_points"]["topics"] == []
    safety = rows["safety_plan"]
    assert safety["name"] == "学校安全工作计划" and safety["asks_priorities"] is False
    assert safety["topics"][0]["id"] == "safety_duty"
    code, out, _ = run(capsys, "kinds")
    assert code == 0 and "学校安全工作计划" in out and "安全责任体系" in out


def test_line_only_vars_are_the_figures_only_target_lines_use(library: Library) -> None:
    """What 全部跳过 may leave out of 主要目标: figures no other clause of the plan needs."""
    points = library.kinds["work_points"]
    chosen = ["party", "preschool"]
    asked = points.targets_vars(library, 2025, Level.COUNTY, chosen)
    lines = points.line_only_vars(library, 2025, Level.COUNTY, chosen)
    assert {"preschool_gross_enrollment", "preschool_inclusive_coverage"} <= lines <= set(asked)
    for topic in chosen:
        for clause in library.topics[topic].clauses:
            if clause.default and clause.fits(2025, Level.COUNTY):
                used = lines & set(clause.vars)
                assert not used or clause.kind is ClauseKind.TARGET, (clause.id, used)
