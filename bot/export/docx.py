"""Word export laid out as an official document (GB/T 9704-2012 style).

Usage::

    from bot.export.docx import plan_to_docx
    data = plan_to_docx(plan)          # the bytes of a .docx file

The page: A4, margins 37/28/26/35 mm (top/left/right/bottom), a document grid of 22 lines at a
fixed 28.95 pt pitch. Everything is built from named styles so an office can restyle the file:

==========================  ==============================================================
style                       use
==========================  ==============================================================
Plan Title                  the title: 22 pt 方正小标宋简体, centred, one blank line after
Plan Body                   body text: 16 pt 仿宋_GB2312, first line indented 2 characters
Plan Heading 1 … 4          a heading on its own line, with an outline level for the navigation
                            pane: 一、 黑体; （一） 楷体_GB2312; 1. and （1） 仿宋_GB2312 bold
                            (section headings, and items that have a title but no text)
Plan Lead 2 … 4             character styles: the run-in lead of an item, e.g. （一）标题。
                            (2: 楷体_GB2312; 3 and 4, for 1. and （1）: 仿宋_GB2312 bold)
Plan Page Number Odd/Even   footers "— n —", 14 pt 宋体, odd right and even left, 1 char in
==========================  ==============================================================

An item with text is one body paragraph: its label and title as a run-in lead in the lead
style, then the text. Placeholders stay visible and are highlighted yellow. Python-docx's
``font.name`` does not reach Chinese text, so the East Asian font slot (``w:eastAsia``) is set
on every style and on every run. Fonts are referenced by name, never embedded.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable, Iterable
from copy import deepcopy
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor, Twips

from bot.compose.numbering import PARAGRAPH, TITLE, Line, lines
from bot.compose.plan import PLACEHOLDER_RE, Plan
from bot.export.fonttable import add_font_table
from bot.export.imprint import add_imprint
from bot.export.official import Role, write_closing, write_imprint, write_notice
from bot.export.options import ExportOptions
from bot.export.titles import LINE_UNITS, break_title, line_width, shipped_words, width

# --- format data -------------------------------------------------------------------------------

TITLE_FONT = "方正小标宋简体"
HEITI = "黑体"
KAITI = "楷体_GB2312"
FANGSONG = "仿宋_GB2312"
SONGTI = "宋体"
LATIN = "Times New Roman"

LINE_PITCH = 579  # twips: 28.95 pt, 22 lines in the 225 mm type area
BODY_PT = 16  # 3号
TYPE_AREA_WIDTH_PT = 156 / 25.4 * 72  # 156 mm
CHARS_PER_LINE = 28
# 28 characters of 16 pt need 442.2 pt; the type area is 442.2 pt wide, so each character gives up
# a little: character spacing in twentieths of a point (-5 = -0.25 pt). A "linesAndChars" grid would
# do the same in Word but LibreOffice spreads the text over it, so plain spacing it is.
CHAR_SPACING = math.floor((TYPE_AREA_WIDTH_PT / CHARS_PER_LINE - BODY_PT) * 20)  # -5
TITLE_PT = 22  # 2号
PAGE_NUMBER_PT = 14  # 4号
EM_DASH = "\u2014"
_LEAD_END = "。"
_TRAILING_PUNCTUATION = frozenset("。！？；：.!?;:")  # as in bot.export.text
_HIGHLIGHT = "yellow"

# Characters XML 1.0 cannot hold (a pasted control character would make the file unreadable).
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# Successors of elements we insert by hand, in schema order (WordprocessingML CT_PPr / CT_RPr).
_PPR_AFTER_OUTLINE = ("w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
_PPR_AFTER_SNAP = ("w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
                   "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
                   "w:textboxTightWrap", "w:outlineLvl", *_PPR_AFTER_OUTLINE)
_PPR_AFTER_TABS = ("w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
                   "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
                   "w:adjustRightInd", "w:snapToGrid", *_PPR_AFTER_SNAP)
_PPR_AFTER_PAGE_BREAK = ("w:framePr", "w:widowControl", "w:numPr", "w:suppressLineNumbers",
                         "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku",
                         "w:wordWrap", "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE",
                         "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
                         *_PPR_AFTER_SNAP)


@dataclass(frozen=True)
class _Fonts:
    """The four font slots of a run: East Asian text and Latin letters/digits."""

    east_asia: str
    latin: str = LATIN

    def rfonts(self) -> Any:
        el = OxmlElement("w:rFonts")
        self.apply(el)
        return el

    def apply(self, rfonts: Any) -> None:
        for attr in list(rfonts.attrib):
            del rfonts.attrib[attr]  # theme fonts would override explicit names
        for slot in ("w:ascii", "w:hAnsi", "w:cs"):
            rfonts.set(qn(slot), self.latin)
        rfonts.set(qn("w:eastAsia"), self.east_asia)
        # Quotes and dashes are "ambiguous" characters: the hint sends them to the CJK font.
        rfonts.set(qn("w:hint"), "eastAsia")


BODY_FONTS = _Fonts(FANGSONG)
TITLE_FONTS = _Fonts(TITLE_FONT, TITLE_FONT)
HEADING1_FONTS = _Fonts(HEITI, HEITI)
KAITI_FONTS = _Fonts(KAITI)
PAGE_FONTS = _Fonts(SONGTI, SONGTI)


@dataclass(frozen=True)
class _StyleSpec:
    name: str
    fonts: _Fonts
    bold: bool = False
    outline: int | None = None  # 0-based outline level, as Word stores it


PARAGRAPH_STYLES = {
    1: _StyleSpec("Plan Heading 1", HEADING1_FONTS, outline=0),
    2: _StyleSpec("Plan Heading 2", KAITI_FONTS, outline=1),
    3: _StyleSpec("Plan Heading 3", BODY_FONTS, bold=True, outline=2),
    4: _StyleSpec("Plan Heading 4", BODY_FONTS, bold=True, outline=3),
}
LEAD_STYLES = {
    2: _StyleSpec("Plan Lead 2", KAITI_FONTS),
    3: _StyleSpec("Plan Lead 3", BODY_FONTS, bold=True),
    4: _StyleSpec("Plan Lead 4", BODY_FONTS, bold=True),
}
TITLE_STYLE = "Plan Title"
BODY_STYLE = "Plan Body"
PAGE_ODD_STYLE = "Plan Page Number Odd"
PAGE_EVEN_STYLE = "Plan Page Number Even"


# --- public entry point --------------------------------------------------------------------------


def plan_to_docx(plan: Plan, options: ExportOptions = ExportOptions()) -> bytes:  # noqa: B008
    """The plan as the bytes of a .docx file an office can open in Word, WPS or LibreOffice.

    ``options`` says what goes with the plan (落款, 印发通知, 任务分解表); the default is the bare
    plan."""
    doc = Document()
    _set_defaults(doc)
    styles = _Styles.create(doc)
    _set_page(doc)
    _set_footers(doc, styles)
    add_font_table(doc)
    writer = _Writer(doc, styles, _title_breaker(plan, options))
    when = options.date or date.today()
    if options.notice:
        write_notice(writer, plan, when, options)
    for line in lines(plan):
        writer.write(line)
    if options.sign and not options.notice:  # a notice is signed above its 附件
        write_closing(writer, plan.bureau, when, options)
    if options.tasks:  # the 任务分解表 on landscape pages (imported here: it imports this module)
        from bot.export.tasks import append_task_table

        append_task_table(doc, plan)
    if options.notice:  # the 版记 ends the last page, a portrait one after a landscape table
        if options.tasks:
            _set_page(doc, doc.add_section(WD_SECTION.NEW_PAGE))
        write_imprint(writer, plan, when, options)
    _set_properties(doc, plan)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _title_breaker(plan: Plan, options: ExportOptions) -> Callable[[str], list[str]]:
    """A title's lines: broken between words (``bot.export.titles``) when it is too long."""
    def lines_of(title: str) -> list[str]:
        if line_width(title) <= LINE_UNITS:
            return [title]
        return break_title(title, options.words or shipped_words(), bureau=plan.bureau)

    return lines_of


# --- document defaults, page, footers ------------------------------------------------------------


def _set_defaults(doc: Any) -> None:
    """Document defaults and Normal: 仿宋 16 pt, exact 28.95 pt lines, Chinese language."""
    r_pr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    BODY_FONTS.apply(r_pr.find(qn("w:rFonts")))
    r_pr.find(qn("w:sz")).set(qn("w:val"), str(BODY_PT * 2))
    r_pr.find(qn("w:szCs")).set(qn("w:val"), str(BODY_PT * 2))
    spacing = OxmlElement("w:spacing")  # CT_RPr order: spacing comes before w, kern, sz
    spacing.set(qn("w:val"), str(CHAR_SPACING))
    r_pr.find(qn("w:sz")).addprevious(spacing)
    lang = r_pr.find(qn("w:lang"))
    lang.set(qn("w:eastAsia"), "zh-CN")
    lang.set(qn("w:val"), "en-US")
    normal = doc.styles["Normal"]
    _style_fonts(normal, BODY_FONTS)
    normal.font.size = Pt(BODY_PT)
    fmt = normal.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Twips(LINE_PITCH)


def _set_page(doc: Any, section: Any = None) -> None:
    """A4 portrait with the type area and grid of GB/T 9704 (the first section by default)."""
    section = section or doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Twips(11906), Twips(16838)  # A4, exact twips
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance = Mm(15)
    # The "— n —" line sits 7 mm under the type area: its top 28 mm above the page edge.
    section.footer_distance = Mm(23)
    sect_pr = section._sectPr
    grid = sect_pr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect_pr.insert_element_before(grid, "w:printerSettings", "w:sectPrChange")
    for attr in list(grid.attrib):
        del grid.attrib[attr]
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE_PITCH))


def _set_footers(doc: Any, styles: _Styles) -> None:
    """Page numbers "— n —": odd pages right, even pages left (separate odd/even footers)."""
    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    for footer, style in ((section.footer, styles.page_odd), (section.even_page_footer,
                                                              styles.page_even)):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        paragraph.style = style
        _page_number(paragraph._p, styles.run_props(PAGE_FONTS))


def _page_number(p: Any, r_pr: Any) -> None:
    def run(*children: Any) -> None:
        r = p.add_r()
        r.append(deepcopy(r_pr))
        for child in children:
            r.append(child)

    def element(tag: str, text: str | None = None, **attrs: str) -> Any:
        el = OxmlElement(tag, {qn(k): v for k, v in attrs.items()})
        if text is not None:
            el.text = text
            el.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        return el

    run(element("w:t", f"{EM_DASH} "))
    run(element("w:fldChar", **{"w:fldCharType": "begin"}))
    run(element("w:instrText", " PAGE "))
    run(element("w:fldChar", **{"w:fldCharType": "separate"}))
    run(element("w:t", "1"))
    run(element("w:fldChar", **{"w:fldCharType": "end"}))
    run(element("w:t", f" {EM_DASH}"))


def _set_properties(doc: Any, plan: Plan) -> None:
    props = doc.core_properties
    props.title = plan.title
    props.subject = plan.kind_name
    props.author = plan.bureau
    props.last_modified_by = plan.bureau
    props.comments = ""
    props.keywords = ""
    props.category = ""
    props.language = "zh-CN"
    props.revision = 1
    props.created = props.modified = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
    _drop_thumbnail(doc)


def _drop_thumbnail(doc: Any) -> None:
    """The template carries a thumbnail of an empty page; file browsers would show it."""
    rels = doc.part.package.rels
    for r_id in [r_id for r_id, rel in rels.items() if rel.reltype == RT.THUMBNAIL]:
        rels.pop(r_id)


# --- styles -------------------------------------------------------------------------------------


@dataclass
class _Styles:
    title: Any
    body: Any
    headings: dict[int, Any]
    leads: dict[int, Any]
    page_odd: Any
    page_even: Any
    _style_ids: dict[str, str]
    roles: dict[Role, Any]
    imprint: Any

    @classmethod
    def create(cls, doc: Any) -> _Styles:
        body = _body_style(doc)
        headings = {level: _heading_style(doc, spec, body) for level, spec in
                    PARAGRAPH_STYLES.items()}
        leads = {level: _lead_style(doc, spec) for level, spec in LEAD_STYLES.items()}
        title = _title_style(doc, body)
        odd, even = (_page_number_style(doc, name, align) for name, align in (
            (PAGE_ODD_STYLE, WD_ALIGN_PARAGRAPH.RIGHT), (PAGE_EVEN_STYLE, WD_ALIGN_PARAGRAPH.LEFT)))
        ids = {s.name: s.style_id for s in (*headings.values(), *leads.values())}
        roles = _role_styles(doc, body)
        return cls(title, body, headings, leads, odd, even, ids, roles, _imprint_style(doc))

    def run_props(self, fonts: _Fonts, char_style: Any = None, highlight: bool = False) -> Any:
        """A w:rPr for a run: its character style, its fonts (always), and a highlight."""
        r_pr = OxmlElement("w:rPr")
        if char_style is not None:
            r_pr.append(OxmlElement("w:rStyle", {qn("w:val"): self._style_ids[char_style.name]}))
        r_pr.append(fonts.rfonts())
        if highlight:
            r_pr.append(OxmlElement("w:highlight", {qn("w:val"): _HIGHLIGHT}))
        return r_pr


def _style_fonts(style: Any, fonts: _Fonts) -> None:
    fonts.apply(style.element.get_or_add_rPr().get_or_add_rFonts())


def _new_style(doc: Any, spec_name: str, kind: Any, base: Any, priority: int) -> Any:
    style = doc.styles.add_style(spec_name, kind)
    style.base_style = base
    style.quick_style = True
    style.priority = priority
    return style


def _body_style(doc: Any) -> Any:
    style = _new_style(doc, BODY_STYLE, WD_STYLE_TYPE.PARAGRAPH, doc.styles["Normal"], 1)
    _style_fonts(style, BODY_FONTS)
    style.font.size = Pt(BODY_PT)
    style.paragraph_format.first_line_indent = Pt(2 * BODY_PT)
    style.element.pPr.ind.set(qn("w:firstLineChars"), "200")
    return style


def _heading_style(doc: Any, spec: _StyleSpec, body: Any) -> Any:
    style = _new_style(doc, spec.name, WD_STYLE_TYPE.PARAGRAPH, body, 2)
    style.next_paragraph_style = body
    _style_fonts(style, spec.fonts)
    style.font.bold = spec.bold
    style.paragraph_format.keep_with_next = True
    p_pr = style.element.get_or_add_pPr()
    outline = OxmlElement("w:outlineLvl", {qn("w:val"): str(spec.outline)})
    p_pr.insert_element_before(outline, *_PPR_AFTER_OUTLINE)
    return style


def _lead_style(doc: Any, spec: _StyleSpec) -> Any:
    style = _new_style(doc, spec.name, WD_STYLE_TYPE.CHARACTER, None, 3)
    _style_fonts(style, spec.fonts)
    style.font.bold = spec.bold
    return style


def _title_style(doc: Any, body: Any) -> Any:
    style = _new_style(doc, TITLE_STYLE, WD_STYLE_TYPE.PARAGRAPH, doc.styles["Normal"], 1)
    style.next_paragraph_style = body
    _style_fonts(style, TITLE_FONTS)
    style.font.size = Pt(TITLE_PT)
    style.font.bold = False
    fmt = style.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fmt.space_after = Twips(LINE_PITCH)  # one blank line after the title
    fmt.keep_with_next = True
    # 22 pt is taller than a grid line: snapped, each title line would take two (LibreOffice);
    # unsnapped at the font's own height, a title of two lines would take a hair over three
    # grid lines and push the rest down a line. So: exactly one grid line each, not snapped.
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Twips(LINE_PITCH)
    _no_grid_snap(style)
    return style


# The official document's parts (bot.export.official): style name, fonts, alignment.
_ROLE_STYLES: dict[Role, tuple[str, _Fonts, Any]] = {
    Role.ORGAN: ("Notice Organ", TITLE_FONTS, WD_ALIGN_PARAGRAPH.CENTER),
    Role.NUMBER: ("Notice Number", BODY_FONTS, WD_ALIGN_PARAGRAPH.CENTER),
    Role.ADDRESSEE: ("Notice Addressee", BODY_FONTS, WD_ALIGN_PARAGRAPH.JUSTIFY),
    Role.ATTACHMENT_NOTE: ("Notice Attachment", BODY_FONTS, WD_ALIGN_PARAGRAPH.LEFT),
    Role.SIGN: ("Plan Signature", BODY_FONTS, WD_ALIGN_PARAGRAPH.LEFT),  # on a centre tab
    Role.DATE: ("Plan Date", BODY_FONTS, WD_ALIGN_PARAGRAPH.LEFT),
    Role.ATTACHMENT_MARK: ("Attachment Mark", HEADING1_FONTS, WD_ALIGN_PARAGRAPH.LEFT),
}
IMPRINT_STYLE = "Notice Imprint"
ORGAN_PT = 36  # 发文机关标志: 小标宋, red; smaller when the name would not fit one line
RED = "FF0000"
IMPRINT_PT = 14  # 4号
CHAR_TWIPS = BODY_PT * 20  # one 3号 character


def _role_styles(doc: Any, body: Any) -> dict[Role, Any]:
    styles = {Role.BODY: body}
    for role, (name, fonts, align) in _ROLE_STYLES.items():
        style = _new_style(doc, name, WD_STYLE_TYPE.PARAGRAPH, doc.styles["Normal"], 4)
        _style_fonts(style, fonts)
        style.paragraph_format.alignment = align
        styles[role] = style
    _organ_style(styles[Role.ORGAN])
    _number_rule(styles[Role.NUMBER])
    _hanging(styles[Role.ATTACHMENT_NOTE], left_chars=5, hanging_chars=3)  # 附件：name
    for role in (Role.ATTACHMENT_NOTE, Role.SIGN):  # with the date, on one page
        styles[role].paragraph_format.keep_with_next = True
    _no_digit_spacing(styles[Role.DATE])  # its width as reckoned: 2026年2月9日 is 6 characters
    return styles


def _organ_style(style: Any) -> None:
    style.font.size = Pt(ORGAN_PT)
    style.font.color.rgb = RGBColor.from_string(RED)
    fmt = style.paragraph_format
    # an exact line a little taller than the characters (a font's own ascent and descent would
    # make it half as tall again and push the 落款 off the notice's page), its top 35 mm under
    # the type area's top edge
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(ORGAN_PT + 4)
    fmt.space_before = Mm(34)
    _no_grid_snap(style)


def _number_rule(style: Any) -> None:
    """The red rule under the 发文字号, the type area's width, 4 mm below it."""
    p_pr = style.element.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    borders.append(OxmlElement("w:bottom", {qn("w:val"): "single", qn("w:sz"): "12",
                                            qn("w:space"): "11", qn("w:color"): RED}))
    p_pr.insert_element_before(borders, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku",
                               "w:wordWrap", "w:overflowPunct", "w:topLinePunct",
                               "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
                               "w:snapToGrid", *_PPR_AFTER_SNAP)


def _no_digit_spacing(style: Any) -> None:
    """No extra space between Chinese characters and digits (Word and WPS add a quarter em)."""
    p_pr = style.element.get_or_add_pPr()
    for tag in ("w:autoSpaceDE", "w:autoSpaceDN"):
        p_pr.insert_element_before(OxmlElement(tag, {qn("w:val"): "0"}), "w:bidi",
                                   "w:adjustRightInd", "w:snapToGrid", *_PPR_AFTER_SNAP)


def _hanging(style: Any, left_chars: int, hanging_chars: int) -> None:
    ind = style.element.get_or_add_pPr().get_or_add_ind()
    ind.set(qn("w:left"), str(left_chars * CHAR_TWIPS))
    ind.set(qn("w:hanging"), str(hanging_chars * CHAR_TWIPS))
    ind.set(qn("w:leftChars"), str(left_chars * 100))
    ind.set(qn("w:hangingChars"), str(hanging_chars * 100))


def _imprint_style(doc: Any) -> Any:
    """版记: 4号 仿宋, single-spaced in its table (the grid would stretch the rows)."""
    style = _new_style(doc, IMPRINT_STYLE, WD_STYLE_TYPE.PARAGRAPH, doc.styles["Normal"], 4)
    _style_fonts(style, BODY_FONTS)
    style.font.size = Pt(IMPRINT_PT)
    fmt = style.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Twips(LINE_PITCH)
    _no_grid_snap(style)
    return style


def _page_number_style(doc: Any, name: str, align: Any) -> Any:
    style = _new_style(doc, name, WD_STYLE_TYPE.PARAGRAPH, None, 99)
    _style_fonts(style, PAGE_FONTS)
    style.font.size = Pt(PAGE_NUMBER_PT)
    fmt = style.paragraph_format
    fmt.alignment = align
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = 1.0
    one_char = Pt(PAGE_NUMBER_PT)
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        fmt.right_indent = one_char
        chars_attr = "w:rightChars"
    else:
        fmt.left_indent = one_char
        chars_attr = "w:leftChars"
    p_pr = style.element.pPr
    p_pr.ind.set(qn(chars_attr), "100")
    # Footers must not snap to the 28.95 pt body grid, or the number drifts up the margin.
    _no_grid_snap(style)
    return style


def _no_grid_snap(style: Any) -> None:
    snap = OxmlElement("w:snapToGrid", {qn("w:val"): "0"})
    style.element.get_or_add_pPr().insert_element_before(snap, *_PPR_AFTER_SNAP)


# --- body ---------------------------------------------------------------------------------------


_Run = tuple[str, _Fonts, _StyleSpec | None]  # text, its fonts, its character style


class _Writer:
    """Turns numbered lines into paragraphs and runs."""

    def __init__(self, doc: Any, styles: _Styles,
                 title_lines: Callable[[str], list[str]]) -> None:
        self._xml_body = doc.element.body
        self._styles = styles
        self._title_lines = title_lines
        self._props: dict[tuple[_Fonts, str | None, bool], Any] = {}
        self._new_page = False

    def write(self, line: Line) -> None:
        if line.level == TITLE:
            self.title(line.title)
        elif line.item < 0 or (line.level != PARAGRAPH and not line.text.strip()):
            self._heading(line)  # a section heading, or an item that is only a title
        elif line.level == PARAGRAPH:
            self._body(line.text, [(line.title, BODY_FONTS, None)])
        else:
            lead = LEAD_STYLES[line.level]
            self._body(line.text, [(_lead_text(line), lead.fonts, lead)])

    def _heading(self, line: Line) -> None:
        spec = PARAGRAPH_STYLES[line.level]
        self._paragraph(self._styles.headings[line.level],
                        [(line.label + line.title, spec.fonts, None)])

    def _body(self, text: str, lead: list[_Run]) -> None:
        """Body paragraphs of a text (one per line of it); the lead opens the first."""
        parts = [t for t in _clean(text).split("\n") if t.strip()] or [""]
        for i, part in enumerate(parts):
            runs = [*lead, (part, BODY_FONTS, None)] if i == 0 else [(part, BODY_FONTS, None)]
            if any(t for t, _, _ in runs):
                self._paragraph(self._styles.body, runs)

    # --- the official document's parts (bot.export.official.Page) ---

    def title(self, text: str) -> None:
        """A title: one paragraph, its lines (broken between words) parted by line breaks."""
        p = self._paragraph(self._styles.title, [])
        for k, part in enumerate(self._title_lines(_clean(text))):
            if k:
                p.add_r().append(OxmlElement("w:br"))
            self._runs(p, [(part, TITLE_FONTS, None)])

    def put(self, role: Role, text: str, centre_chars: float = 0.0) -> None:
        fonts = _ROLE_STYLES[role][1] if role in _ROLE_STYLES else BODY_FONTS
        p = self._paragraph(self._styles.roles[role], [])
        if centre_chars:  # a centre tab stop that far from the right edge, the text on it
            tabs = OxmlElement("w:tabs")
            pos = round(TYPE_AREA_WIDTH_PT * 20 - centre_chars * CHAR_TWIPS)
            tabs.append(OxmlElement("w:tab", {qn("w:val"): "center", qn("w:pos"): str(pos)}))
            p.get_or_add_pPr().insert_element_before(tabs, *_PPR_AFTER_TABS)
            p.add_r().append(OxmlElement("w:tab"))
        self._runs(p, [(text, fonts, None)])
        if role is Role.ORGAN:
            _fit_organ(p, text)

    def blank(self, count: int = 1, keep: bool = False) -> None:
        """Empty lines of the grid (Normal paragraphs); ``keep``: on the page of what follows."""
        for _ in range(count):
            p = self._xml_body.add_p()
            if keep:
                p.get_or_add_pPr().insert_element_before(OxmlElement("w:keepNext"),
                                                         "w:keepLines", "w:pageBreakBefore",
                                                         *_PPR_AFTER_PAGE_BREAK)

    def page_break(self) -> None:
        """The next paragraph starts a new page (no empty line left at the top of it)."""
        self._new_page = True

    def imprint(self, rows: list[tuple[str, str]]) -> None:
        """版记 at the bottom of the last page (``bot.export.imprint``)."""
        add_imprint(self._xml_body, self._styles.imprint.style_id, rows,
                    self._styles.run_props(BODY_FONTS),
                    self._styles.run_props(BODY_FONTS, highlight=True))

    # --- paragraphs and runs ---

    def _paragraph(self, style: Any, runs: Iterable[_Run]) -> Any:
        p = self._xml_body.add_p()
        p.style = style.style_id  # by id: python-docx's lookup by style object is slow
        if self._new_page:
            p.get_or_add_pPr().insert_element_before(
                OxmlElement("w:pageBreakBefore"), *_PPR_AFTER_PAGE_BREAK)
            self._new_page = False
        self._runs(p, runs)
        return p

    def _runs(self, p: Any, runs: Iterable[_Run]) -> None:
        for text, fonts, char_style in runs:
            for chunk, is_placeholder in _split_placeholders(_clean(text)):
                r = p.add_r()
                r.append(self._run_props(fonts, char_style, is_placeholder))
                r.text = chunk

    def _run_props(self, fonts: _Fonts, char_style: _StyleSpec | None, highlight: bool) -> Any:
        key = (fonts, char_style.name if char_style else None, highlight)
        proto = self._props.get(key)
        if proto is None:
            proto = self._styles.run_props(fonts, char_style, highlight)
            self._props[key] = proto
        return deepcopy(proto)


def _fit_organ(p: Any, text: str) -> None:
    """A 发文机关标志 too long for the line at ``ORGAN_PT`` is set smaller to fit it."""
    size = min(ORGAN_PT, math.floor(TYPE_AREA_WIDTH_PT / max(width(text), 1) - 1))
    if size >= ORGAN_PT:
        return
    for r_pr in p.iter(qn("w:rPr")):
        for tag in ("w:sz", "w:szCs"):
            r_pr.append(OxmlElement(tag, {qn("w:val"): str(size * 2)}))


def _lead_text(line: Line) -> str:
    """（一）标题。 — a title is closed with 。 unless it already ends with punctuation."""
    title = line.title
    if title and title[-1] not in _TRAILING_PUNCTUATION:
        title += _LEAD_END
    return line.label + title


def _clean(text: str) -> str:
    return _INVALID_XML.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _split_placeholders(text: str) -> Iterable[tuple[str, bool]]:
    """Text cut around 【待填：…】 placeholders: (chunk, is it a placeholder)."""
    pos = 0
    for match in PLACEHOLDER_RE.finditer(text):
        if match.start() > pos:
            yield text[pos:match.start()], False
        yield match.group(0), True
        pos = match.end()
    if pos < len(text):
        yield text[pos:], False
