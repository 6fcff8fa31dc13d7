"""The Word export laid out by LibreOffice, as an office would see it: pages, the title as one
centred block, the 落款 and date together, the 附件 on a page of its own, the 版记 at the foot of
the last page.

Needs ``soffice`` (LibreOffice) and ``pdftotext`` (poppler-utils); skipped, with the reason, where
they are not installed. Words are read from the PDF with their boxes (``pdftotext -bbox``).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from bot.compose.plan import Plan
from bot.export.docx import plan_to_docx
from bot.export.options import ExportOptions
from bot.messages import Messages
from tests.test_export_docx import make_plan
from tests.test_export_official import county_plan

MISSING = [tool for tool in ("soffice", "pdftotext") if shutil.which(tool) is None]
pytestmark = pytest.mark.skipif(
    bool(MISSING), reason=f"not installed here: {', '.join(MISSING)} (apt-get install "
    "libreoffice-writer-nogui poppler-utils fonts-noto-cjk)")

PT_PER_MM = 72 / 25.4
PAGE_HEIGHT = 297 * PT_PER_MM
TYPE_TOP = 37 * PT_PER_MM
TYPE_BOTTOM = PAGE_HEIGHT - 35 * PT_PER_MM
TYPE_CENTRE = (28 + (210 - 26)) / 2 * PT_PER_MM  # the type area's middle, from the left edge
WHEN = date(2026, 2, 9)
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                   r"([^<]*)</word>")


@dataclass(frozen=True)
class Line:
    text: str
    left: float
    top: float
    right: float
    bottom: float

    @property
    def centre(self) -> float:
        return (self.left + self.right) / 2


def render(plan: Plan, options: ExportOptions, tmp_path: Path) -> list[list[Line]]:
    """The pages of the document as LibreOffice lays it out: each a list of its text lines."""
    source = tmp_path / "plan.docx"
    source.write_bytes(plan_to_docx(plan, options))
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=180)
    html = subprocess.run(["pdftotext", "-bbox", str(tmp_path / "plan.pdf"), "-"], check=True,
                          capture_output=True, text=True, timeout=60).stdout
    return [_lines(page) for page in html.split("<page ")[1:]]


def _lines(page: str) -> list[Line]:
    """Words of a page joined into lines (by their baseline, top to bottom)."""
    rows: dict[int, list[tuple[float, float, float, float, str]]] = {}
    for x0, y0, x1, y1, text in _WORD.findall(page):
        rows.setdefault(round(float(y1)), []).append(
            (float(x0), float(y0), float(x1), float(y1), text))
    out = []
    for _, words in sorted(rows.items()):
        words.sort()
        out.append(Line("".join(w[4] for w in words).replace("&amp;", "&"), words[0][0],
                        min(w[1] for w in words), words[-1][2], max(w[3] for w in words)))
    return out


def say() -> ExportOptions:
    return ExportOptions(say=Messages().text, date=WHEN)


def long_county_plan() -> Plan:
    plan = county_plan()
    plan.title = "黔东南苗族侗族自治州三穗县教育和体育局2026年学校安全工作计划"
    plan.bureau = "三穗县教育和体育局"
    for section in plan.sections:  # long enough for a second page
        for item in section.items:
            item.text = item.text * 6
    return plan


def test_a_countys_plan_title_block_pages_and_signature(tmp_path: Path) -> None:
    plan = long_county_plan()
    options = say()
    pages = render(plan, ExportOptions(sign=True, date=WHEN, say=options.say), tmp_path)
    assert len(pages) >= 2
    first = pages[0]
    title_lines = 0
    while "".join(line.text for line in first[:title_lines]) != plan.title:
        title_lines += 1
        assert title_lines <= 3, [line.text for line in first[:4]]
    assert title_lines == 2  # broken in two, between words
    block = first[:title_lines]
    assert block[0].top >= TYPE_TOP - 2
    for line in block:
        assert abs(line.centre - TYPE_CENTRE) < 4, (line.text, line.centre)
    gap = block[1].top - block[0].bottom  # one block: the lines follow each other closely
    assert gap < 22 * 0.6, gap
    last = pages[-1]
    texts = [line.text for line in last]
    assert texts[-3:-1] == ["三穗县教育和体育局", "2026年2月9日"]  # then the page number
    sign, when = last[-3], last[-2]
    assert abs(sign.centre - when.centre) < 3  # the name centred over the date
    assert when.left > TYPE_CENTRE  # on the right side


def test_a_citys_notice_attachment_and_imprint(tmp_path: Path) -> None:
    plan = make_plan()
    for section in plan.sections:
        for item in section.items:
            item.text = item.text * 4
    options = say()
    pages = render(plan, ExportOptions(notice=True, date=WHEN, say=options.say), tmp_path)
    assert len(pages) >= 3
    first = [line.text for line in pages[0]]
    assert first[0] == "清远市教育局文件" and first[1] == "【待填：发文字号】"
    assert "2026年2月9日" in first and "清远市教育局" in first  # signed on the notice's page
    attachment = next(k for k, page in enumerate(pages) if page[0].text == "附件")
    assert attachment == 1 and pages[1][1].text == plan.title
    last = pages[-1]
    printed = next(line for line in last if line.text.endswith("印发"))
    assert printed.text == "清远市教育局2026年2月9日印发"
    assert TYPE_BOTTOM - 25 < printed.bottom <= TYPE_BOTTOM + 1  # the foot of the type area
    copy_to = next(line for line in last if line.text.startswith("抄送"))
    assert copy_to.bottom < printed.top


def test_a_title_that_fills_the_line_with_its_year_is_not_left_with_one_character(
        tmp_path: Path) -> None:
    plan = county_plan()
    plan.title = "修文县教育和体育局2026年学校安全工作计划"  # 20 characters, digits half
    pages = render(plan, say(), tmp_path)
    first = [line.text for line in pages[0][:2]]
    assert first == ["修文县教育和体育局", "2026年学校安全工作计划"]
