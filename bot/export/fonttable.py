"""The font table of the Word export: how Word and WPS on a machine without a font pick another.

A document names 方正小标宋简体, 仿宋_GB2312, 楷体_GB2312, 黑体 and 宋体. Offices install the 方正
and GB2312 fonts themselves; Windows ships 宋体 (SimSun), 黑体 (SimHei), 仿宋 (FangSong) and 楷体
(KaiTi). For a font it does not have, Word reads the font table (``word/fontTable.xml``): the
``altName`` first, then a face of the same ``charset`` (86: GB2312), ``family`` and ``pitch``
that covers the code pages of ``sig`` (``csb0`` bit 18: GB2312), then the ``panose1`` class.
WPS reads ``altName``; LibreOffice maps the names through its own substitution table. So every
font gets the entry Word itself writes for it, and the missing ones an ``altName`` that Windows
has: 仿宋_GB2312 → 仿宋, 楷体_GB2312 → 楷体, 方正小标宋简体 → 宋体 (the standard's fallback for the
title), 黑体 → SimHei, 宋体 → SimSun. The faces named as alternatives are declared too, so a
document that falls back names a face the table describes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.oxml import serialize_part_xml
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn

__all__ = ["FONTS", "FontEntry", "add_font_table"]

GB2312 = "86"
# The code-page signature Word writes for the GB2312 faces (Unicode ranges: Latin, CJK; code
# pages: GB2312).
_GB2312_SIG = {"w:usb0": "00000001", "w:usb1": "080E0000", "w:usb2": "00000010",
               "w:usb3": "00000000", "w:csb0": "00040000", "w:csb1": "00000000"}


@dataclass(frozen=True)
class FontEntry:
    name: str
    alt_name: str | None
    panose: str | None  # PANOSE-1 class, as Word writes it (None: not published for the face)
    family: str  # w:family: modern for fixed-pitch CJK faces, auto for 宋体
    pitch: str  # w:pitch


FONTS = (
    FontEntry("方正小标宋简体", "宋体", None, "auto", "default"),
    FontEntry("仿宋_GB2312", "仿宋", "02010609030101010101", "modern", "fixed"),
    FontEntry("楷体_GB2312", "楷体", "02010609030101010101", "modern", "fixed"),
    FontEntry("黑体", "SimHei", "02010609060101010101", "modern", "fixed"),
    FontEntry("宋体", "SimSun", "02010600030101010101", "auto", "variable"),
    FontEntry("仿宋", "FangSong", "02010609060101010101", "modern", "fixed"),
    FontEntry("楷体", "KaiTi", "02010609060101010101", "modern", "fixed"),
)


def add_font_table(doc: Any) -> None:
    """Declare every font of ``FONTS`` in the document's font table (replacing any entry of the
    same name the template had)."""
    part = doc.part.part_related_by(RT.FONT_TABLE)
    root = parse_xml(part.blob)
    names = {f.name for f in FONTS}
    for old in [el for el in root if el.get(qn("w:name")) in names]:
        root.remove(old)
    for entry in FONTS:
        root.append(_font(entry))
    part._blob = serialize_part_xml(root)


def _font(entry: FontEntry) -> Any:
    """A w:font in CT_Font order: altName, panose1, charset, family, pitch, sig."""
    font = OxmlElement("w:font", {qn("w:name"): entry.name})
    if entry.alt_name:
        font.append(OxmlElement("w:altName", {qn("w:val"): entry.alt_name}))
    if entry.panose:
        font.append(OxmlElement("w:panose1", {qn("w:val"): entry.panose}))
    for tag, value in (("w:charset", GB2312), ("w:family", entry.family),
                       ("w:pitch", entry.pitch)):
        font.append(OxmlElement(tag, {qn("w:val"): value}))
    font.append(OxmlElement("w:sig", {qn(k): v for k, v in _GB2312_SIG.items()}))
    return font
