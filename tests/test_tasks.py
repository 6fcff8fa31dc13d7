"""The 任务分解表's model: which items are tasks, their names, deadlines read from their words,
the section's 牵头科室 and 配合单位, and the spec file (``snippets/_tasks.yaml``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.compose.assemble import PlanRequest, assemble_plan
from bot.compose.plan import Item, Plan, SectionRole
from bot.compose.regions import pick_region
from bot.compose.tasks import (
    TASKS_FILE,
    TaskSpec,
    TaskSpecError,
    deadlines,
    load_task_spec,
    task_name,
    task_table,
)
from bot.library.library import Library
from tests.conftest import SNIPPETS


@pytest.fixture(scope="module")
def spec() -> TaskSpec:
    return load_task_spec(SNIPPETS / TASKS_FILE)


@pytest.fixture(scope="module")
def plan(library: Library) -> Plan:
    request = PlanRequest(region=pick_region("清远市"), year=2026, kind="work_points",
                          topics=[t.id for t in library.priority_topics()])
    return assemble_plan(request, library)


@pytest.mark.parametrize(("text", "expected"), [
    ("年内分层分类组织专题轮训。", ["12月底"]),
    ("年底前组织述职评议。", ["12月底"]),
    ("暑期开展校舍维修。", ["8月底"]),
    ("暑假前集中开展防溺水教育。", ["7月上旬"]),
    ("每学期组织一次检查。", ["每学期"]),
    ("秋季开学前完成招聘。", ["8月底"]),
    ("秋季学期开学前投入使用。", ["8月底"]),
    ("春季学期结束前公布招生片区。", ["春季学期末"]),
    ("春季开学前完成排查。", ["2月底"]),
    ("3月底前报送年度计划。", ["3月底"]),
    ("9月中旬召开表彰会。", ["9月中旬"]),
    ("6月前完成评估。", ["6月前"]),
    ("12月底前完成年度考核。", ["12月底"]),  # one rule, not also 2月底 inside 12月底
    ("年中开展督查、年底进行考核。", ["6月底", "12月底"]),
    ("秋季学期开学前完成招聘，年底前汇总。", ["8月底", "12月底"]),  # in the text's order
    ("年内完成，年底前验收。", ["12月底"]),  # each once
    ("每季度发布一次课程安排，每半年调度。", ["每季度", "每半年"]),
    ("每学年组织一次研讨。", ["每学年"]),  # not 每年
    ("《条例》2025年6月1日施行。", []),  # a date of the past is no deadline
    ("全面贯彻党的教育方针。", []),
    ("每年度总结一次。", []),
])
def test_deadlines_are_read_from_the_words(spec: TaskSpec, text: str,
                                           expected: list[str]) -> None:
    assert deadlines(text, spec) == expected


def test_a_title_is_the_task_else_the_first_phrase_of_the_text() -> None:
    assert task_name(Item(title=" 推进 集团化办学 ", text="……"), 30) == "推进 集团化办学"
    assert task_name(Item(text="实施幼小衔接攻坚行动。其余不要。"), 30) == "实施幼小衔接攻坚行动"
    long = Item(text="把学习贯彻党的二十大精神作为首要政治任务，落实理论学习中心组学习制度和"
                     "教职工政治理论学习制度。")
    assert task_name(long, 30) == "把学习贯彻党的二十大精神作为首要政治任务"
    no_comma = Item(text="把" * 50)
    cut = task_name(no_comma, 30)
    assert len(cut) == 30 and cut.endswith("…")


def test_one_row_per_numbered_item_of_the_topic_sections(plan: Plan, spec: TaskSpec) -> None:
    table = task_table(plan, spec)
    expected = [(s, i) for s, section in enumerate(plan.sections)
                if section.role is SectionRole.TOPIC
                for i, item in enumerate(section.items) if item.numbered]
    assert [(r.section, r.item) for r in table.rows] == expected
    assert len(expected) > 20
    assert [r.number for r in table.rows] == list(range(1, len(expected) + 1))
    roles = {plan.sections[r.section].role for r in table.rows}
    assert roles == {SectionRole.TOPIC}
    # the other sections have items, none of which is a task
    assert any(s.items for s in plan.sections if s.role is SectionRole.SAFEGUARDS)
    assert any(s.items for s in plan.sections if s.role is SectionRole.GENERAL)
    titles = [plan.sections[r.section].items[r.item].title for r in table.rows]
    assert [r.task for r in table.rows] == titles


def test_nothing_set_is_the_unset_mark(plan: Plan, spec: TaskSpec) -> None:
    cells = task_table(plan, spec).cells()
    assert cells[0] == ["序号", "工作任务", "牵头科室", "配合单位", "完成时限"]
    assert all(row[2] == row[3] == "【待填】" for row in cells[1:])
    assert any(row[4] == "【待填】" for row in cells[1:])
    assert any(row[4] == "12月底" for row in cells[1:])


def test_the_section_lead_and_partners_go_to_its_rows(plan: Plan, spec: TaskSpec) -> None:
    plan = plan.model_copy(deep=True)
    s = next(k for k, sec in enumerate(plan.sections) if sec.role is SectionRole.TOPIC)
    plan.sections[s].lead = "组织人事科"
    plan.sections[s].partners = "   "  # only blanks: not set
    rows = task_table(plan, spec).rows
    mine = [r for r in rows if r.section == s]
    assert mine and all(r.lead == "组织人事科" and r.partners is None for r in mine)
    assert all(r.lead is None for r in rows if r.section != s)


def test_a_draft_stored_without_the_fields_reads_as_unset(plan: Plan) -> None:
    stored = plan.model_dump(mode="json")
    for section in stored["sections"]:
        del section["lead"], section["partners"]
    again = Plan.model_validate(stored)
    assert all(s.lead is None and s.partners is None for s in again.sections)


def test_a_bad_spec_names_the_file_and_the_field(tmp_path: Path) -> None:
    text = (SNIPPETS / TASKS_FILE).read_text(encoding="utf-8")
    bad = tmp_path / TASKS_FILE
    bad.write_text(text.replace("deadline: 每学期", "deadline: 每学期\n    when: x")
                   .replace("'每月'", "'每月('"), encoding="utf-8")
    with pytest.raises(TaskSpecError) as caught:
        load_task_spec(bad)
    message = str(caught.value)
    assert str(bad) in message and "deadlines." in message
    assert "when" in message and "not a regular expression" in message


def test_a_deadline_naming_no_group_of_its_words_is_refused(tmp_path: Path) -> None:
    text = (SNIPPETS / TASKS_FILE).read_text(encoding="utf-8")
    bad = tmp_path / TASKS_FILE
    bad.write_text(text.replace("deadline: '{month}月{part}'", "deadline: '{month}月{half}'"),
                   encoding="utf-8")
    with pytest.raises(TaskSpecError, match=r"deadline names \['half'\]"):
        load_task_spec(bad)


def test_every_clause_of_the_library_reads(library: Library, spec: TaskSpec) -> None:
    outputs = {r.deadline for r in spec.deadlines}
    seen: set[str] = set()
    for clause in library.clauses():
        for wording in clause.wordings():
            for found in deadlines(f"{wording.title or ''}。{wording.text}", spec):
                seen.add(found)
                assert found in outputs or found[0].isdigit(), (clause.id, found)
    assert {"12月底", "8月底", "每学期"} <= seen


@settings(max_examples=200)
@given(st.text(alphabet="年内底暑期每学季度半月前后开秋春季寒假汛0123456789，。", max_size=40))
def test_deadlines_are_found_once_each_in_text_order(spec: TaskSpec, text: str) -> None:
    found = deadlines(text, spec)
    assert len(found) == len(set(found))
    assert deadlines(text + "。" + text, spec) == found
