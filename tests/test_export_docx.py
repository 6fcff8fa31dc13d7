"""The Word export: page, grid, named styles, fonts, numbering, placeholders, page numbers.

Each test reads the bytes back with python-docx / lxml, as another program would.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from bot.compose.context import Region
from bot.compose.plan import Item, NumberingStyle, Plan, Section, SectionRole
from bot.export.docx import plan_to_docx
from bot.library.models import Level

TITLE = "清远市教育局2024年工作要点"
PLACEHOLDER = "【待填：新建幼儿园数】"
BODY = "坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻党的教育方针。"


def make_plan(style: NumberingStyle = NumberingStyle.HIERARCHICAL) -> Plan:
    return Plan(
        title=TITLE,
        kind="work_points",
        kind_name="工作要点",
        region=Region(province="广东省", name="清远", full_name="清远市", level=Level.CITY),
        year=2024,
        bureau="清远市教育局",
        style=style,
        sections=[
            Section(id="general", role=SectionRole.GENERAL, heading="总体要求",
                    items=[Item(text=BODY, numbered=False)]),
            Section(id="preschool", role=SectionRole.TOPIC, heading="推进学前教育普及普惠",
                    items=[
                        Item(title="扩大普惠性资源", text=f"全市新建幼儿园{PLACEHOLDER}所。"),
                        Item(title="提升保教质量？", text=BODY),
                        Item(text="实施幼小衔接攻坚行动。"),
                    ]),
            Section(id="compulsory", role=SectionRole.TOPIC, heading="推动义务教育优质均衡",
                    items=[Item(title="推进集团化办学", text=BODY),
                           Item(title="落实“双减”", text=BODY)]),
            Section(id="safeguards", role=SectionRole.SAFEGUARDS, heading="保障措施",
                    items=[Item(title="加强组织领导", text=BODY)]),
            Section(id="closing", role=SectionRole.CLOSING,
                    items=[Item(text="奋力谱写教育现代化新篇章。", numbered=False)]),
        ],
    )


def read(plan: Plan) -> Any:
    return Document(io.BytesIO(plan_to_docx(plan)))


@pytest.fixture(scope="module")
def doc() -> Any:
    return read(make_plan())


def effective(style: Any, get: Callable[[Any], Any]) -> Any:
    """A style property, following basedOn like Word does."""
    while style is not None:
        value = get(style)
        if value is not None:
            return value
        style = style.base_style
    return None


def style_east_asia(style: Any) -> str | None:
    def get(s: Any) -> str | None:
        r_pr = s.element.rPr
        fonts = None if r_pr is None else r_pr.rFonts
        return None if fonts is None else fonts.get(qn("w:eastAsia"))

    return effective(style, get)  # type: ignore[no-any-return]


def all_runs(doc: Any) -> Iterator[Any]:
    yield from doc.element.body.iter(qn("w:r"))
    section = doc.sections[0]
    for footer in (section.footer, section.even_page_footer):
        yield from footer._element.iter(qn("w:r"))


def leads(doc: Any) -> list[str]:
    """The label each body/heading paragraph begins with, in reading order."""
    out = []
    for p in doc.paragraphs[1:]:
        for prefix in ("一、", "二、", "三、", "四、", "（一）", "（二）", "（三）",
                       "1.", "2.", "3.", "4.", "5.", "6."):
            if p.text.startswith(prefix):
                out.append(prefix)
                break
    return out


# --- page and grid -------------------------------------------------------------------------------


def test_page_is_a4_with_official_margins(doc: Any) -> None:
    section = doc.sections[0]
    expected = {"page_width": 210, "page_height": 297, "top_margin": 37, "left_margin": 28,
                "right_margin": 26, "bottom_margin": 35}
    for name, mm in expected.items():
        assert getattr(section, name).mm == pytest.approx(mm, abs=0.5), name


def test_document_grid_and_exact_line_pitch(doc: Any) -> None:
    grid = doc.sections[0]._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines"
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    spacing = defaults.find(qn("w:rPr")).find(qn("w:spacing"))
    pitch_pt = 16 + int(spacing.get(qn("w:val"))) / 20
    assert int(156 / 25.4 * 72 / pitch_pt) == 28  # 28 characters per line
    assert grid.get(qn("w:linePitch")) == "579"
    for p in doc.paragraphs:
        spacing = effective(p.style, line_spacing)
        assert spacing.get(qn("w:line")) == "579", p.style.name
        assert spacing.get(qn("w:lineRule")) == "exact", p.style.name


def line_spacing(style: Any) -> Any:
    p_pr = style.element.pPr
    spacing = None if p_pr is None else p_pr.find(qn("w:spacing"))
    return spacing if spacing is not None and spacing.get(qn("w:line")) else None


# --- styles --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "east_asia", "size", "bold", "outline"),
    [
        ("Plan Title", "方正小标宋简体", 22, False, None),
        ("Plan Body", "仿宋_GB2312", 16, None, None),
        ("Plan Heading 1", "黑体", 16, False, "0"),
        ("Plan Heading 2", "楷体_GB2312", 16, False, "1"),
        ("Plan Heading 3", "仿宋_GB2312", 16, True, "2"),
        ("Plan Heading 4", "仿宋_GB2312", 16, True, "3"),
    ],
)
def test_paragraph_styles(doc: Any, name: str, east_asia: str, size: int, bold: bool | None,
                          outline: str | None) -> None:
    style = doc.styles[name]
    assert style_east_asia(style) == east_asia
    assert effective(style, lambda s: s.font.size).pt == size
    assert style.font.bold is bold
    p_pr = style.element.pPr
    level = p_pr.find(qn("w:outlineLvl")) if p_pr is not None else None
    assert (None if level is None else level.get(qn("w:val"))) == outline
    fonts = style.element.rPr.rFonts
    assert fonts.get(qn("w:ascii")) and fonts.get(qn("w:hAnsi")), "Latin slots set too"
    assert fonts.get(qn("w:eastAsiaTheme")) is None, "a theme font would win over the name"


@pytest.mark.parametrize(
    ("name", "east_asia", "bold"),
    [("Plan Lead 2", "楷体_GB2312", False), ("Plan Lead 3", "仿宋_GB2312", True),
     ("Plan Lead 4", "仿宋_GB2312", True)],
)
def test_lead_character_styles(doc: Any, name: str, east_asia: str, bold: bool) -> None:
    style = doc.styles[name]
    assert style_east_asia(style) == east_asia
    assert bool(style.font.bold) is bold


def test_body_indents_two_characters(doc: Any) -> None:
    ind = doc.styles["Plan Body"].element.pPr.find(qn("w:ind"))
    assert ind.get(qn("w:firstLineChars")) == "200"
    assert ind.get(qn("w:firstLine")) == "640"  # 2 × 16 pt in twips
    heading = doc.styles["Plan Heading 1"]
    assert heading.base_style.name == "Plan Body", "一、 keeps the 2-character indent"


def test_defaults_are_chinese_and_fangsong(doc: Any) -> None:
    r_pr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = r_pr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert fonts.get(qn("w:eastAsiaTheme")) is None
    assert r_pr.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"


def test_every_run_has_an_east_asian_font(doc: Any) -> None:
    runs = list(all_runs(doc))
    assert len(runs) > 10
    for r in runs:
        fonts = r.rPr.rFonts if r.rPr is not None else None
        assert fonts is not None and fonts.get(qn("w:eastAsia")), r.xml


def test_run_fonts_match_their_styles(doc: Any) -> None:
    for p in doc.paragraphs:
        for run in p.runs:
            style = run.style if run._r.rPr.rStyle is not None else p.style
            assert run._r.rPr.rFonts.get(qn("w:eastAsia")) == style_east_asia(style), p.text


# --- content -------------------------------------------------------------------------------------


def test_title_paragraph(doc: Any) -> None:
    title = doc.paragraphs[0]
    assert title.text == TITLE
    assert title.style.name == "Plan Title"
    assert title.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert title.style.paragraph_format.space_after.twips == 579  # one blank line
    assert title.style.paragraph_format.first_line_indent is None
    assert doc.core_properties.title == TITLE
    assert doc.core_properties.author == "清远市教育局"


def test_hierarchical_labels_in_order(doc: Any) -> None:
    assert leads(doc) == ["一、", "二、", "（一）", "（二）", "（三）", "三、", "（一）", "（二）",
                          "四、", "（一）"]


def test_flat_labels_run_through_the_plan() -> None:
    doc = read(make_plan(NumberingStyle.FLAT))
    assert leads(doc) == ["一、", "二、", "1.", "2.", "3.", "三、", "4.", "5.", "四、", "6."]
    lead = next(p for p in doc.paragraphs if p.text.startswith("1."))
    assert lead.runs[0].style.name == "Plan Lead 3"
    assert lead.runs[0].style.font.bold


def test_section_headings_stand_alone(doc: Any) -> None:
    headings = [p.text for p in doc.paragraphs if p.style.name == "Plan Heading 1"]
    assert headings == ["一、总体要求", "二、推进学前教育普及普惠", "三、推动义务教育优质均衡",
                        "四、保障措施"]


def test_item_is_run_in_lead_then_text(doc: Any) -> None:
    items = {p.text[:3]: p for p in doc.paragraphs if p.text.startswith("（")}
    first = next(p for p in doc.paragraphs if p.text.startswith("（一）扩大"))
    assert first.style.name == "Plan Body"
    assert first.runs[0].text == "（一）扩大普惠性资源。"
    assert first.runs[0].style.name == "Plan Lead 2"
    assert first.runs[1].style.name != "Plan Lead 2"
    asked = next(p for p in doc.paragraphs if p.text.startswith("（二）提升"))
    assert asked.runs[0].text == "（二）提升保教质量？", "no 。 after punctuation"
    untitled = next(p for p in doc.paragraphs if p.text.startswith("（三）"))
    assert untitled.text == "（三）实施幼小衔接攻坚行动。"
    assert items


def test_plain_paragraphs_use_body_style(doc: Any) -> None:
    plain = [p for p in doc.paragraphs if p.text in (BODY, "奋力谱写教育现代化新篇章。")]
    assert len(plain) == 2
    assert {p.style.name for p in plain} == {"Plan Body"}


def test_sub_section_and_title_only_item_are_headings() -> None:
    plan = make_plan()
    plan.sections.insert(2, Section(id="sub", role=SectionRole.TOPIC, level=2, heading="幼小衔接",
                                    items=[Item(title="只有标题", text="")]))
    doc = read(plan)
    sub = next(p for p in doc.paragraphs if p.text.endswith("幼小衔接"))
    assert sub.style.name == "Plan Heading 2"
    only = next(p for p in doc.paragraphs if p.text.endswith("只有标题"))
    assert only.style.name == "Plan Heading 3"
    assert not only.text.endswith("。")


def test_placeholders_are_highlighted(doc: Any) -> None:
    paragraph = next(p for p in doc.paragraphs if PLACEHOLDER in p.text)
    assert paragraph.text == f"（一）扩大普惠性资源。全市新建幼儿园{PLACEHOLDER}所。"
    marked = [r for r in paragraph.runs if r.font.highlight_color is not None]
    assert [r.text for r in marked] == [PLACEHOLDER]
    assert marked[0]._r.rPr.find(qn("w:highlight")).get(qn("w:val")) == "yellow"
    others = [r for p in doc.paragraphs for r in p.runs if PLACEHOLDER not in r.text]
    assert all(r.font.highlight_color is None for r in others)


def test_placeholder_in_a_title_is_highlighted_too() -> None:
    plan = make_plan()
    plan.sections[1].items[0].title = f"新建{PLACEHOLDER}"
    doc = read(plan)
    runs = [r for p in doc.paragraphs for r in p.runs if r.text == PLACEHOLDER]
    assert len(runs) == 2
    assert all(r.font.highlight_color is not None for r in runs)
    assert runs[0].style.name == "Plan Lead 2"


def test_lines_of_an_item_become_paragraphs_and_bad_characters_go() -> None:
    plan = make_plan()
    plan.sections[1].items[1].text = "第一段。\r\n\n第二段\x07。"
    doc = read(plan)
    texts = [p.text for p in doc.paragraphs]
    i = texts.index("（二）提升保教质量？第一段。")
    assert texts[i + 1] == "第二段。"
    assert doc.paragraphs[i + 1].style.name == "Plan Body"


# --- page numbers --------------------------------------------------------------------------------


def test_even_and_odd_footers_are_on(doc: Any) -> None:
    assert doc.settings.odd_and_even_pages_header_footer
    assert doc.settings.element.find(qn("w:evenAndOddHeaders")) is not None
    section = doc.sections[0]
    assert not section.footer.is_linked_to_previous
    assert not section.even_page_footer.is_linked_to_previous


@pytest.mark.parametrize(
    ("which", "align", "indent"),
    [("footer", WD_ALIGN_PARAGRAPH.RIGHT, "w:rightChars"),
     ("even_page_footer", WD_ALIGN_PARAGRAPH.LEFT, "w:leftChars")],
)
def test_footer_page_number(doc: Any, which: str, align: Any, indent: str) -> None:
    paragraph = getattr(doc.sections[0], which).paragraphs[0]
    style = paragraph.style
    assert style.paragraph_format.alignment == align
    assert style.element.pPr.find(qn("w:ind")).get(qn(indent)) == "100"  # one character
    assert style.font.size.pt == 14
    assert style_east_asia(style) == "宋体"
    p = paragraph._p
    instructions = "".join(t.text for t in p.iter(qn("w:instrText")))
    assert instructions.split() == ["PAGE"]
    kinds = [f.get(qn("w:fldCharType")) for f in p.iter(qn("w:fldChar"))]
    assert kinds == ["begin", "separate", "end"]
    text = "".join(t.text for t in p.iter(qn("w:t")))
    assert text == "— 1 —"


# --- package -------------------------------------------------------------------------------------


def test_package_has_no_embedded_fonts_or_stale_thumbnail() -> None:
    data = plan_to_docx(make_plan())
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = z.namelist()
        settings = z.read("word/settings.xml")
        fonts = z.read("word/fontTable.xml").decode()
    assert not any(n.startswith("word/fonts/") or "thumbnail" in n for n in names)
    assert b"embedTrueTypeFonts" not in settings
    assert "仿宋_GB2312" in fonts and "embedRegular" not in fonts


def test_body_ends_with_the_section_properties(doc: Any) -> None:
    assert doc.element.body[-1].tag == qn("w:sectPr")
