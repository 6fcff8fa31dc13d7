"""版记 (GB/T 9704-2012 7.4) in a frame on the bottom of the last page.

The 版记 is one paragraph per element (抄送; 印发机关 and 印发日期), one grid line each, each in a
frame of its own (``w:framePr``) as wide as the type area and placed on the page, one above the
other, so that the last one's bottom edge is the type area's: the last rule lies on the type
area's bottom edge of the page the document ends on, whatever the length of the text above it.
The rules are the paragraphs' borders: a thick one (0.35 mm: ``w:sz`` 8 eighths of a point ≈
1 pt) above the first element and under the last, a thin one (0.25 mm ≈ ¾ pt) between them. The
text stands one character in from each side: a full-width space before it, and 印发日期 pushed
to a right tab stop one character in from the right edge (an indent would shorten the rules,
which are drawn at the paragraph's indents).

A frame rather than a floating table: LibreOffice (7.4) lays a floating table out inline unless it
leaves room for text beside it (about 5 mm), which the rules' full width does not; and a frame
per element because it lays out two consecutive paragraphs of one frame inline too.
"""

from __future__ import annotations

from copy import deepcopy
from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from bot.compose.plan import PLACEHOLDER_RE

__all__ = ["THICK", "THIN", "add_imprint"]

TYPE_AREA_TWIPS = 8844  # 156 mm
TYPE_AREA_BOTTOM = 16838 - 1984  # twips from the page's top edge: A4 less the 35 mm margin
ROW_TWIPS = 579  # one line of the grid
INSET = 280  # one 4号 (14 pt) character
THICK = "8"  # eighths of a point
THIN = "6"
FULL_WIDTH_SPACE = "\u3000"


def add_imprint(body: Any, style_id: str, rows: list[tuple[str, str]], r_pr: Any,
                placeholder_r_pr: Any) -> None:
    """Append the 版记 (``rows``: left text, right text) as framed paragraphs; a 【待填：…】 in
    them is set with ``placeholder_r_pr`` (highlighted, as in the text)."""
    for k, (left, right) in enumerate(rows):
        top = THICK if k == 0 else None
        bottom = THICK if k == len(rows) - 1 else THIN
        p = body.add_p()
        y = TYPE_AREA_BOTTOM - (len(rows) - k) * ROW_TWIPS
        p.append(_paragraph_properties(style_id, y, top, bottom, bool(right)))
        for chunk, is_placeholder in _placeholders(FULL_WIDTH_SPACE + left):
            _run(p, chunk, placeholder_r_pr if is_placeholder else r_pr)
        if right:
            _run(p, "", r_pr).append(OxmlElement("w:tab"))
            _run(p, right, r_pr)
    body.add_p()  # the frame's paragraphs are followed by an ordinary one (LibreOffice needs it)


def _paragraph_properties(style_id: str, y: int, top: str | None, bottom: str,
                          tab: bool) -> Any:
    """pPr in CT_PPr order: pStyle, keepNext, framePr, pBdr, tabs, spacing."""
    p_pr = OxmlElement("w:pPr")
    p_pr.append(OxmlElement("w:pStyle", {qn("w:val"): style_id}))
    p_pr.append(OxmlElement("w:keepNext"))
    p_pr.append(OxmlElement("w:framePr", {
        qn("w:w"): str(TYPE_AREA_TWIPS), qn("w:h"): str(ROW_TWIPS),
        qn("w:hRule"): "exact", qn("w:wrap"): "notBeside", qn("w:vAnchor"): "page",
        qn("w:hAnchor"): "margin", qn("w:xAlign"): "center",
        qn("w:y"): str(y),
    }))
    borders = OxmlElement("w:pBdr")
    for side, size in (("top", top), ("bottom", bottom)):
        if size:
            borders.append(OxmlElement(f"w:{side}", {qn("w:val"): "single", qn("w:sz"): size,
                                                     qn("w:space"): "0",
                                                     qn("w:color"): "000000"}))
    p_pr.append(borders)
    if tab:
        tabs = OxmlElement("w:tabs")
        tabs.append(OxmlElement("w:tab", {qn("w:val"): "right",
                                          qn("w:pos"): str(TYPE_AREA_TWIPS - INSET)}))
        p_pr.append(tabs)
    return p_pr


def _placeholders(text: str) -> list[tuple[str, bool]]:
    """The text cut around 【待填：…】: (chunk, is it a placeholder)."""
    out: list[tuple[str, bool]] = []
    pos = 0
    for match in PLACEHOLDER_RE.finditer(text):
        out += [(text[pos:match.start()], False), (match.group(0), True)]
        pos = match.end()
    out.append((text[pos:], False))
    return [(chunk, flag) for chunk, flag in out if chunk]


def _run(p: Any, text: str, r_pr: Any) -> Any:
    r = OxmlElement("w:r")
    r.append(deepcopy(r_pr))
    if text:
        t = OxmlElement("w:t")
        t.text = text
        r.append(t)
    p.append(r)
    return r
