"""The task table appended to the Word export: a new section on A4 landscape, the title, the table.

The landscape page keeps the plan's type area turned on its side (225 × 156 mm: margins 28 mm
top, 26 mm bottom, 37 mm left, 35 mm right) and its page numbers (the footers are linked to the
plan's). The table: the header row repeated on every page, rows that do not break across pages,
fixed column widths that add up to the type area's width, 4号 (14 pt) text, 黑体 in the header and
仿宋_GB2312 in the rows, from three named styles so an office can restyle them:

=================  ==========================================================
style              use
=================  ==========================================================
Plan Table Head    the header cells: 黑体, centred
Plan Table Text    工作任务, 牵头科室, 配合单位: 仿宋_GB2312, flush left
Plan Table Centre  序号 and 完成时限: 仿宋_GB2312, centred
=================  ==========================================================

【待填】 (the spec's ``unset``) and any 【待填：…】 in a task's name are highlighted as in the plan.
"""

from __future__ import annotations

from copy import deepcopy
from typing import Any

from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips

from bot.compose.plan import Plan
from bot.compose.tasks import TaskSpec
from bot.export.docx import (
    _HIGHLIGHT,
    BODY_FONTS,
    HEADING1_FONTS,
    TITLE_STYLE,
    _clean,
    _Fonts,
    _no_grid_snap,
    _split_placeholders,
)
from bot.export.tasks._spec import table_of

# The page: A4 turned, the plan's 156 × 225 mm type area on its side.
PAGE_WIDTH, PAGE_HEIGHT = 16838, 11906  # twips
MARGINS_MM = {"top": 28, "bottom": 26, "left": 37, "right": 35}
FOOTER_MM = 14  # the "— n —" line about 7 mm under the type area, as on the plan's pages
# 序号, 工作任务, 牵头科室, 配合单位, 完成时限: 225 mm in all
COLUMNS_MM = (14, 91, 36, 44, 40)
CENTRED = frozenset({0, 4})  # the columns of short values
TABLE_PT = 14  # 4号
ROW_SPACE_PT = 3  # above and below a cell's text

HEAD_STYLE = "Plan Table Head"
TEXT_STYLE = "Plan Table Text"
CENTRE_STYLE = "Plan Table Centre"


def append_task_table(doc: Any, plan: Plan, spec: TaskSpec | None = None) -> None:
    """The plan's task table on new landscape pages at the end of ``doc``."""
    table = table_of(plan, spec)
    _landscape(doc)
    styles = _styles(doc)
    doc.add_paragraph(table.spec.title, style=doc.styles[TITLE_STYLE])
    cells = table.cells()
    grid = doc.add_table(rows=len(cells), cols=len(COLUMNS_MM))
    _lay_out(grid)
    unset = table.spec.unset
    for r, values in enumerate(cells):
        for c, value in enumerate(values):
            style = styles[0] if r == 0 else styles[2 if c in CENTRED else 1]
            fonts = HEADING1_FONTS if r == 0 else BODY_FONTS
            _fill(grid.cell(r, c), value, style, fonts, highlight=value == unset)
    _header_repeats(grid.rows[0])


def _landscape(doc: Any) -> None:
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Twips(PAGE_WIDTH), Twips(PAGE_HEIGHT)
    for side, mm in MARGINS_MM.items():
        setattr(section, f"{side}_margin", Mm(mm))
    section.footer_distance = Mm(FOOTER_MM)


def _styles(doc: Any) -> tuple[Any, Any, Any]:
    head = _style(doc, HEAD_STYLE, HEADING1_FONTS, WD_ALIGN_PARAGRAPH.CENTER)
    text = _style(doc, TEXT_STYLE, BODY_FONTS, WD_ALIGN_PARAGRAPH.LEFT)
    centre = _style(doc, CENTRE_STYLE, BODY_FONTS, WD_ALIGN_PARAGRAPH.CENTER)
    return head, text, centre


def _style(doc: Any, name: str, fonts: _Fonts, align: Any) -> Any:
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Normal"]
    style.quick_style = True
    style.priority = 4
    fonts.apply(style.element.get_or_add_rPr().get_or_add_rFonts())
    style.font.size = Pt(TABLE_PT)
    fmt = style.paragraph_format
    fmt.alignment = align
    fmt.first_line_indent = Pt(0)
    fmt.space_before = fmt.space_after = Pt(ROW_SPACE_PT)
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    # the plan's 28.95 pt grid would give each line of a cell a body line's height
    _no_grid_snap(style)
    return style


def _lay_out(grid: Any) -> None:
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    tbl_pr = grid._tbl.tblPr
    layout = OxmlElement("w:tblLayout", {qn("w:type"): "fixed"})
    tbl_pr.append(layout)
    for column, mm in zip(grid.columns, COLUMNS_MM, strict=True):
        column.width = Mm(mm)
        for cell in column.cells:
            cell.width = Mm(mm)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _fill(cell: Any, value: str, style: Any, fonts: _Fonts, *, highlight: bool) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.style = style
    proto = OxmlElement("w:rPr")
    proto.append(fonts.rfonts())
    for chunk, is_placeholder in _split_placeholders(_clean(value)):
        r = paragraph._p.add_r()
        r_pr = deepcopy(proto)
        if highlight or is_placeholder:
            r_pr.append(OxmlElement("w:highlight", {qn("w:val"): _HIGHLIGHT}))
        r.append(r_pr)
        r.text = chunk


def _header_repeats(row: Any) -> None:
    """The header row on top of every page; no row broken across two pages."""
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))  # CT_TrPr order: cantSplit before tblHeader
    tr_pr.append(OxmlElement("w:tblHeader"))
    for other in row.table.rows[1:]:
        other._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
