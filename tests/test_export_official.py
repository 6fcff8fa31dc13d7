"""The official document around a plan in the Word export (GB/T 9704-2012): 落款 and 成文日期,
the 印发通知 with the plan as its 附件, the 版记 on the last page, the font table.

Each test reads the bytes back with python-docx / lxml, as another program would.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from docx import Document
from docx.oxml.ns import qn

from bot.compose.addressing import addressing
from bot.compose.context import Region
from bot.compose.plan import Plan
from bot.export.docx import plan_to_docx
from bot.export.fonttable import FONTS
from bot.export.imprint import ROW_TWIPS, TYPE_AREA_BOTTOM
from bot.export.official import closing_centre, doc_date
from bot.export.options import ExportOptions
from bot.export.titles import width
from bot.library.models import Level
from bot.messages import Messages
from tests.test_export_docx import make_plan

WHEN = date(2026, 2, 9)
SAY = Messages().text
COUNTY = Region(province="贵州省", name="修文", full_name="修文县", level=Level.COUNTY,
                parent="贵阳市", division="县")


def county_plan() -> Plan:
    plan = make_plan()
    plan.region = COUNTY
    plan.bureau = "修文县教育和体育局"
    plan.title = "修文县教育和体育局2026年工作要点"
    return plan


def read(plan: Plan, **options: Any) -> Any:
    return Document(io.BytesIO(plan_to_docx(plan, ExportOptions(say=SAY, **options))))


def paragraphs(doc: Any) -> list[Any]:
    """The body's paragraphs in order (python-docx's list, tables left out)."""
    return list(doc.paragraphs)


def style_name(p: Any) -> str:
    return str(p.style.name)


def centre_chars(p: Any) -> float:
    """Where the paragraph's text is centred: its one centre tab stop, in characters from the
    type area's right edge (8844 twips wide, 320 twips a character)."""
    (tab,) = p._p.pPr.find(qn("w:tabs"))
    assert tab.get(qn("w:val")) == "center" and p.text.startswith("\t")
    return (8844 - int(tab.get(qn("w:pos")))) / 320


def keeps_next(p: Any) -> bool:
    p_pr = p._p.pPr
    return p_pr is not None and p_pr.find(qn("w:keepNext")) is not None


# --- 落款 and 成文日期 --------------------------------------------------------------------------


@pytest.mark.parametrize(("when", "text"), [
    (date(2026, 2, 9), "2026年2月9日"), (date(2026, 11, 30), "2026年11月30日"),
    (date(2030, 1, 1), "2030年1月1日"),
])
def test_the_date_is_arabic_numerals_in_full_without_padding(when: date, text: str) -> None:
    assert doc_date(when, ExportOptions(say=SAY)) == text


def test_sign_and_date_close_the_plan_right_aligned_the_name_centred_over_the_date() -> None:
    doc = read(county_plan(), sign=True, date=WHEN)
    *_, body, gap, sign, when = paragraphs(doc)
    assert body.text and gap.text == ""  # a line for the seal's top
    assert keeps_next(gap) and sign.style.paragraph_format.keep_with_next
    assert (sign.text, when.text) == ("\t修文县教育和体育局", "\t2026年2月9日")
    assert (style_name(sign), style_name(when)) == ("Plan Signature", "Plan Date")
    # the name centred over the date, the date four characters from the right edge
    assert centre_chars(sign) == centre_chars(when) == 4 + width("2026年2月9日") / 2
    off = when.style.element.pPr.find(qn("w:autoSpaceDN"))
    assert off.get(qn("w:val")) == "0"  # no extra space around the digits: its width holds
    assert not any(r.text for r in sign.runs if r.font.highlight_color)  # nothing to fill


def test_a_long_name_keeps_two_characters_to_the_edge_and_the_date_moves_with_it() -> None:
    centre = closing_centre("黔东南苗族侗族自治州教育局", "2026年2月9日")
    assert centre - 13 / 2 == 2  # the name's right end two characters in
    assert centre - 6 / 2 > 4  # the date further in, under the name's middle
    assert closing_centre("修文县教育局", "2026年12月31日") == 4 + 7 / 2


def test_no_sign_by_default_and_the_text_ends_with_the_plan() -> None:
    doc = read(county_plan())
    assert paragraphs(doc)[-1].text == "奋力谱写教育现代化新篇章。"
    assert "Plan Signature" not in {style_name(p) for p in paragraphs(doc)}


def test_sign_and_notice_need_the_words() -> None:
    with pytest.raises(ValueError, match="say"):
        plan_to_docx(county_plan(), ExportOptions(sign=True))


# --- the 印发通知 ----------------------------------------------------------------------------


def notice_parts(doc: Any) -> list[tuple[str, str]]:
    """(style, text) of each paragraph; a title's lines (parted by line breaks) joined, the
    tab before the 落款 left out."""
    return [(style_name(p), p.text.replace("\n", "").lstrip("\t")) for p in paragraphs(doc)]


def test_the_notice_has_its_parts_in_order_then_the_plan_as_its_attachment() -> None:
    plan = county_plan()
    doc = read(plan, notice=True, date=WHEN, doc_number="修教体发〔2026〕1号")
    parts = [(s, t) for s, t in notice_parts(doc) if t]
    title = f"修文县教育和体育局关于印发《{plan.title}》的通知"
    addressees = addressing(COUNTY, plan.bureau).addressees + "："
    assert parts[:10] == [
        ("Notice Organ", "修文县教育和体育局文件"),
        ("Notice Number", "修教体发〔2026〕1号"),
        ("Plan Title", title),
        ("Notice Addressee", addressees),
        ("Plan Body", f"现将《{plan.title}》印发给你们，请结合本校（园）实际，认真抓好贯彻落实。"),
        ("Notice Attachment", f"附件：{plan.title}"),
        ("Plan Signature", plan.bureau),
        ("Plan Date", "2026年2月9日"),
        ("Attachment Mark", "附件"),
        ("Plan Title", plan.title),
    ]
    assert addressees.startswith("各乡镇（街道）中心学校")
    assert parts[-3][1] == "奋力谱写教育现代化新篇章。"  # the plan, then the 版记
    assert "Plan Signature" not in {s for s, _ in parts[9:]}  # the notice signs, not the 附件


def test_the_attachment_starts_a_page_flush_left_with_its_title_on_the_third_line() -> None:
    doc = read(county_plan(), notice=True, date=WHEN)
    ps = paragraphs(doc)
    k = next(i for i, p in enumerate(ps) if style_name(p) == "Attachment Mark")
    assert ps[k]._p.pPr.find(qn("w:pageBreakBefore")) is not None
    assert ps[k + 1].text == "" and style_name(ps[k + 2]) == "Plan Title"
    assert ps[k].runs[0]._r.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"


def test_a_city_notice_addresses_its_counties_and_leaves_the_number_to_fill() -> None:
    doc = read(make_plan(), notice=True, date=WHEN)
    texts = {style_name(p): p.text for p in paragraphs(doc)}
    assert texts["Notice Addressee"] == addressing(make_plan().region).addressees + "："
    assert texts["Notice Addressee"].startswith("各县（市、区）教育局")
    assert texts["Notice Number"] == "【待填：发文字号】"
    number = next(p for p in paragraphs(doc) if style_name(p) == "Notice Number")
    assert any(r.font.highlight_color for r in number.runs)  # a placeholder, highlighted
    rule = number.style.element.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert rule.get(qn("w:color")) == "FF0000"  # the red rule under the number
    organ = next(p for p in paragraphs(doc) if style_name(p) == "Notice Organ")
    assert str(organ.style.font.color.rgb) == "FF0000"


def test_a_long_organ_name_is_set_smaller_to_stay_on_one_line() -> None:
    plan = make_plan()
    plan.bureau = "黔东南苗族侗族自治州三都水族自治县教育和体育局"
    doc = read(plan, notice=True, date=WHEN)
    organ = next(p for p in paragraphs(doc) if style_name(p) == "Notice Organ")
    size = int(organ.runs[0]._r.rPr.find(qn("w:sz")).get(qn("w:val"))) / 2
    assert size * width(organ.text) <= 156 / 25.4 * 72


# --- the 版记 --------------------------------------------------------------------------------


def imprint(doc: Any) -> list[Any]:
    return [p for p in paragraphs(doc) if style_name(p) == "Notice Imprint"]


def test_the_imprint_ends_the_document_on_the_type_areas_bottom_edge_with_its_rules() -> None:
    doc = read(county_plan(), notice=True, date=WHEN, copy_to="县人民政府办公室")
    rows = imprint(doc)
    assert [p.text for p in rows] == ["\u3000抄送：县人民政府办公室。",
                                      "\u3000修文县教育和体育局\t2026年2月9日印发"]
    assert paragraphs(doc)[-1].text == ""  # the end: the 版记, then the paragraph after it
    assert [p._p for p in paragraphs(doc)[-3:-1]] == [p._p for p in rows]
    frames = [p._p.pPr.find(qn("w:framePr")) for p in rows]
    ys = [int(f.get(qn("w:y"))) for f in frames]
    assert ys[-1] + ROW_TWIPS == TYPE_AREA_BOTTOM and ys[0] + ROW_TWIPS == ys[1]
    assert all(f.get(qn("w:vAnchor")) == "page" and f.get(qn("w:w")) == "8844" for f in frames)
    borders = [p._p.pPr.find(qn("w:pBdr")) for p in rows]
    top = borders[0].find(qn("w:top")).get(qn("w:sz"))
    between = borders[0].find(qn("w:bottom")).get(qn("w:sz"))
    bottom = borders[1].find(qn("w:bottom")).get(qn("w:sz"))
    assert (top, between, bottom) == ("8", "6", "8")  # thick, thin, thick
    assert borders[1].find(qn("w:top")) is None
    assert str(rows[0].style.font.size.pt) == "14.0"  # 4号


def test_the_imprint_leaves_the_copy_to_for_the_office_when_none_is_given() -> None:
    rows = imprint(read(county_plan(), notice=True, date=WHEN))
    assert rows[0].text == "\u3000抄送：【待填：抄送机关】。"
    marked = [r.text for r in rows[0].runs if r.font.highlight_color]
    assert marked == ["【待填：抄送机关】"]


# --- fonts -------------------------------------------------------------------------------------


def font_table(plan: Plan) -> Any:
    doc = read(plan)
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import parse_xml

    return parse_xml(doc.part.part_related_by(RT.FONT_TABLE).blob)


def test_every_font_is_declared_once_with_gb2312_charset_family_pitch_and_an_alternative() -> None:
    table = font_table(make_plan())
    entries = {el.get(qn("w:name")): el for el in table}
    names = [el.get(qn("w:name")) for el in table]
    assert len(names) == len(set(names))
    wanted = {"仿宋_GB2312": "仿宋", "楷体_GB2312": "楷体", "方正小标宋简体": "宋体",
              "黑体": "SimHei", "宋体": "SimSun"}
    for name, alternative in wanted.items():
        font = entries[name]
        assert font.find(qn("w:altName")).get(qn("w:val")) == alternative
        assert font.find(qn("w:charset")).get(qn("w:val")) == "86"
        assert font.find(qn("w:family")).get(qn("w:val")) in {"auto", "modern", "roman",
                                                            "swiss", "script"}
        assert font.find(qn("w:pitch")).get(qn("w:val")) in {"fixed", "variable", "default"}
        assert font.find(qn("w:sig")).get(qn("w:csb0")) == "00040000"  # code page: GB2312
    for alternative in ("仿宋", "楷体"):  # the faces fallen back to are described too
        assert entries[alternative].find(qn("w:charset")).get(qn("w:val")) == "86"


def test_font_entries_follow_the_schema_order() -> None:
    order = ["altName", "panose1", "charset", "family", "pitch", "sig"]
    for el in font_table(make_plan()):
        if el.get(qn("w:name")) not in {f.name for f in FONTS}:
            continue
        tags = [child.tag.split("}")[1] for child in el]
        assert tags == [t for t in order if t in tags]


def test_the_documents_author_is_the_bureau() -> None:
    plan = county_plan()
    assert read(plan).core_properties.author == "修文县教育和体育局"
