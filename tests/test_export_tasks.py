"""The 任务分解表 as files: the landscape section of the Word export, the .xlsx.

Each test reads the bytes back (python-docx / lxml, openpyxl), as another program would.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Mm
from openpyxl import load_workbook

from bot.compose.assemble import PlanRequest, assemble_plan
from bot.compose.plan import Plan, SectionRole
from bot.compose.regions import pick_region
from bot.compose.tasks import TASKS_FILE, TaskSpec, load_task_spec, task_table
from bot.export.docx import plan_to_docx
from bot.export.options import ExportOptions
from bot.export.tasks import plan_to_xlsx
from bot.library.library import Library
from bot.messages import Messages
from tests.conftest import SNIPPETS

PROMPTS = SNIPPETS.parent / "prompts"

HEADER = ["序号", "工作任务", "牵头科室", "配合单位", "完成时限"]
UNSET = "【待填】"


@pytest.fixture(scope="module")
def spec() -> TaskSpec:
    return load_task_spec(SNIPPETS / TASKS_FILE)


@pytest.fixture(scope="module")
def plan(library: Library) -> Plan:
    request = PlanRequest(region=pick_region("修文县"), year=2026, kind="work_points",
                          topics=["party", "preschool", "compulsory", "safety"])
    return assemble_plan(request, library)


def with_lead(plan: Plan, lead: str, partners: str) -> tuple[Plan, int]:
    plan = plan.model_copy(deep=True)
    s = next(k for k, sec in enumerate(plan.sections) if sec.role is SectionRole.TOPIC)
    plan.sections[s].lead, plan.sections[s].partners = lead, partners
    return plan, s


def docx_of(plan: Plan, **options: Any) -> Any:
    return Document(io.BytesIO(plan_to_docx(plan, ExportOptions(**options))))


def table_text(table: Any) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


# --- Word ------------------------------------------------------------------------------------


def test_without_the_option_there_is_no_table(plan: Plan) -> None:
    doc = docx_of(plan)
    assert doc.tables == [] and len(doc.sections) == 1


def test_the_table_has_the_columns_and_a_row_per_task_item(plan: Plan, spec: TaskSpec) -> None:
    doc = docx_of(plan, tasks=True)
    [table] = doc.tables
    rows = table_text(table)
    assert rows[0] == HEADER
    expected = task_table(plan, spec).rows
    tasks = [(s, i) for s, sec in enumerate(plan.sections) if sec.role is SectionRole.TOPIC
             for i, item in enumerate(sec.items) if item.numbered]
    assert len(rows) - 1 == len(tasks) == len(expected) > 5
    for row, (s, i) in zip(rows[1:], tasks, strict=True):
        assert row[1] == plan.sections[s].items[i].title
    assert [r[0] for r in rows[1:]] == [str(n) for n in range(1, len(tasks) + 1)]
    assert any(r[4] == "12月底" for r in rows[1:])


def test_the_table_is_on_a_landscape_a4_section(plan: Plan) -> None:
    doc = docx_of(plan, tasks=True)
    portrait, landscape = doc.sections
    assert portrait.orientation == WD_ORIENT.PORTRAIT
    assert landscape.orientation == WD_ORIENT.LANDSCAPE
    assert (landscape.page_width, landscape.page_height) == (portrait.page_height,
                                                            portrait.page_width)
    assert abs(landscape.page_width - Mm(297)) < Mm(1)
    assert landscape.start_type == 2  # WD_SECTION.NEW_PAGE
    # the table comes after the plan's last paragraph, in the landscape section
    body = doc.element.body
    children = list(body)
    breaks = [k for k, el in enumerate(children) if el.find(f"{qn('w:pPr')}/{qn('w:sectPr')}")
              is not None]
    assert len(breaks) == 1 and children.index(doc.tables[0]._tbl) > breaks[0]
    # the page numbers go on: the landscape section's footers are the plan's
    assert landscape.footer.is_linked_to_previous


def test_the_header_repeats_and_the_widths_fit_the_type_area(plan: Plan) -> None:
    doc = docx_of(plan, tasks=True)
    [table] = doc.tables
    landscape = doc.sections[1]
    type_area = landscape.page_width - landscape.left_margin - landscape.right_margin
    widths = [int(g.get(qn("w:w"))) for g in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert len(widths) == 5 and abs(sum(widths) * 635 - type_area) < Mm(1)  # twips → EMU
    assert widths[1] == max(widths)  # 工作任务 gets the room
    assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    header = table.rows[0]._tr.trPr
    assert header.find(qn("w:tblHeader")) is not None
    assert all(row._tr.trPr.find(qn("w:tblHeader")) is None for row in table.rows[1:])
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows)


def run_fonts(cell: Any) -> set[str]:
    return {r._r.rPr.rFonts.get(qn("w:eastAsia")) for p in cell.paragraphs for r in p.runs}


def test_fonts_styles_and_highlights(plan: Plan) -> None:
    doc = docx_of(plan, tasks=True)
    [table] = doc.tables
    head, first = table.rows[0], table.rows[1]
    assert all(run_fonts(c) == {"黑体"} for c in head.cells)
    assert all(run_fonts(c) == {"仿宋_GB2312"} for c in first.cells)
    assert {c.paragraphs[0].style.name for c in head.cells} == {"Plan Table Head"}
    assert [c.paragraphs[0].style.name for c in first.cells] == [
        "Plan Table Centre", "Plan Table Text", "Plan Table Text", "Plan Table Text",
        "Plan Table Centre"]
    style = doc.styles["Plan Table Text"]
    assert style.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert style.font.size.pt == 14
    for row in table.rows[1:]:
        for cell in row.cells:
            for run in cell.paragraphs[0].runs:
                marked = run._r.rPr.find(qn("w:highlight")) is not None
                assert marked == (run.text == UNSET or run.text.startswith("【待填："))
    assert sum(c.text == UNSET for r in table.rows for c in r.cells) > 0


def test_a_set_lead_is_in_the_word_table(plan: Plan) -> None:
    led, s = with_lead(plan, "基础教育科", "各乡镇中心学校")
    rows = table_text(docx_of(led, tasks=True).tables[0])[1:]
    count = sum(1 for item in led.sections[s].items if item.numbered)
    assert [r[2:4] for r in rows[:count]] == [["基础教育科", "各乡镇中心学校"]] * count
    assert all(r[2] == r[3] == UNSET for r in rows[count:])


# --- Excel -----------------------------------------------------------------------------------


def sheet_of(plan: Plan) -> Any:
    book = load_workbook(io.BytesIO(plan_to_xlsx(plan)))
    assert book.sheetnames == ["任务分解表"]
    return book["任务分解表"]


def test_the_sheet_header_freeze_and_rows(plan: Plan, spec: TaskSpec) -> None:
    sheet = sheet_of(plan)
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == HEADER
    expected = task_table(plan, spec).cells()[1:]
    assert len(rows) - 1 == len(expected) > 5
    assert [r[0] for r in rows[1:]] == list(range(1, len(expected) + 1))  # numbers, not text
    assert [r[1:] for r in rows[1:]] == [e[1:] for e in expected]
    assert all(sheet.cell(1, c).font.b for c in range(1, 6))
    assert not sheet.cell(2, 2).font.b
    assert sheet.freeze_panes == "A2"
    assert all(sheet.cell(r, c).alignment.wrap_text for r in (1, 2) for c in range(1, 6))
    unset = [c for row in sheet.iter_rows(min_row=2) for c in row if c.value == UNSET]
    assert unset and all(c.fill.fgColor.rgb == "00FFFF00" for c in unset)


def test_the_sheet_prints_on_a4_landscape(plan: Plan) -> None:
    sheet = sheet_of(plan)
    widths = [sheet.column_dimensions[col].width for col in "ABCDE"]
    assert widths[1] == max(widths) and all(w > 4 for w in widths)
    setup = sheet.page_setup
    assert setup.orientation == "landscape"
    assert int(setup.paperSize) == 9  # A4
    assert setup.fitToWidth == 1 and setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$1:$1"


def test_a_set_lead_is_in_the_sheet_and_nothing_set_shows_unset(plan: Plan) -> None:
    rows = [list(r) for r in sheet_of(plan).iter_rows(min_row=2, values_only=True)]
    assert all(r[2] == r[3] == UNSET for r in rows)
    led, s = with_lead(plan, "基础教育科", "各乡镇中心学校")
    led_rows = [list(r) for r in sheet_of(led).iter_rows(min_row=2, values_only=True)]
    count = sum(1 for item in led.sections[s].items if item.numbered)
    assert [r[2:4] for r in led_rows[:count]] == [["基础教育科", "各乡镇中心学校"]] * count


def test_with_a_notice_the_imprint_follows_the_table_on_a_portrait_page(plan: Plan) -> None:
    """The 版记 is placed for a portrait page: after a landscape table it gets a page of its own
    (on the table's page it overlapped the footer)."""
    doc = docx_of(plan, tasks=True, notice=True, say=Messages(PROMPTS).text)
    first, table, last = doc.sections
    assert table.orientation == WD_ORIENT.LANDSCAPE
    assert last.orientation == WD_ORIENT.PORTRAIT
    assert (last.page_width, last.page_height) == (first.page_width, first.page_height)
    assert (last.top_margin, last.left_margin) == (first.top_margin, first.left_margin)
    body = doc.element.body
    framed = [p for p in body.iter(qn("w:p")) if p.find(f"{qn('w:pPr')}/{qn('w:framePr')}")
              is not None]
    assert framed and all(p.getparent() is body for p in framed)
    children = list(body)
    breaks = [i for i, el in enumerate(children) if el.find(f".//{qn('w:sectPr')}") is not None]
    assert all(children.index(p) > breaks[-1] for p in framed)  # in the last section
