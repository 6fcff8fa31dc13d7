"""The task table as an .xlsx (openpyxl): one sheet, printed on A4 landscape.

The sheet (named by the spec, 任务分解表): the header row bold and centred, frozen (panes below
it) and repeated on every printed page; text wrapped in every cell; column widths in proportion
to the Word table's; page setup A4 landscape, fitted to one page wide (as many tall as it
takes), the plan's margins turned, the title in the page header and "n / N" in the footer.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from bot.compose.plan import Plan
from bot.compose.tasks import TaskSpec, TaskTable
from bot.export.tasks._spec import table_of

# Character widths (Excel's unit: the width of a "0" in the default font); a CJK character is
# about two. 序号, 工作任务, 牵头科室, 配合单位, 完成时限.
WIDTHS = (6, 50, 18, 22, 18)
CENTRED = frozenset({0, 4})
FONT = "仿宋_GB2312"
HEAD_FONT = "黑体"
FONT_PT = 12
MARGINS_IN = {"top": 28 / 25.4, "bottom": 26 / 25.4, "left": 20 / 25.4, "right": 20 / 25.4}
HIGHLIGHT = PatternFill(fill_type="solid", start_color="FFFF00", end_color="FFFF00")


def plan_to_xlsx(plan: Plan, spec: TaskSpec | None = None) -> bytes:
    """The plan's task table as the bytes of an .xlsx file."""
    table = table_of(plan, spec)
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has its one sheet
    sheet.title = table.spec.sheet
    _write(sheet, table)
    _page_setup(sheet, table)
    book.properties.title = f"{plan.title}{table.spec.title}"
    book.properties.creator = plan.bureau
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _write(sheet: Worksheet, table: TaskTable) -> None:
    cells = table.cells()
    sheet.append(cells[0])
    for values in cells[1:]:
        sheet.append([int(values[0]), *values[1:]])  # 序号 a number, as Excel sorts it
    head = Font(name=HEAD_FONT, size=FONT_PT, bold=True)
    body = Font(name=FONT, size=FONT_PT)
    for row in sheet.iter_rows(min_row=1, max_row=len(cells)):
        for cell in row:
            column = cell.column - 1 if isinstance(cell.column, int) else 0
            header = cell.row == 1
            cell.font = head if header else body
            centred = header or column in CENTRED
            cell.alignment = Alignment(horizontal="center" if centred else "left",
                                       vertical="center", wrap_text=True)
            if not header and cell.value == table.spec.unset:
                cell.fill = HIGHLIGHT
    for index, width in enumerate(WIDTHS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"


def _page_setup(sheet: Worksheet, table: TaskTable) -> None:
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages tall as the rows take
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = "1:1"
    sheet.print_options.horizontalCentered = True
    for side, inches in MARGINS_IN.items():
        setattr(sheet.page_margins, side, round(inches, 3))
    header, footer = sheet.oddHeader, sheet.oddFooter
    assert header is not None and footer is not None  # a new sheet has both
    header.center.text = table.spec.title
    footer.center.text = "&P / &N"  # page n of N
