"""Reading plan files: .docx (paragraphs and tables in order, traditional script simplified),
.txt in the common encodings, .md; and every kind of bad file refused with its own sentence:
not a type we read, empty, a scan, too large, a zip bomb, deep nesting, macros, not a plan.
A .docx's external links are never followed."""

from __future__ import annotations

import io
import struct
import threading
import zipfile
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import docx
import opencc
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.errors import InputError
from bot.messages import Messages
from bot.reading import MAX_BYTES, read_document, read_outline
from bot.reading.docx import MAX_DEPTH

PLAN = ["修文县教育局2026年工作要点", "一、加强党的建设", "（一）加强理论学习。组织专题学习。",
        "（二）落实意识形态工作责任制。加强阵地管理。", "二、推进学前教育发展",
        "（一）扩大普惠性资源。办好乡镇中心幼儿园。"]
ATTACHED_TEMPLATE = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate"
)
def png() -> bytes:
    """A one-pixel PNG, built by the format's rules (signature, IHDR, IDAT, IEND)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00\x00\x00\x00\x00")) + chunk(b"IEND", b""))


def word(paragraphs: list[str], *, table: list[str] | None = None) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=1, cols=len(table))
        for cell, text in zip(grid.rows[0].cells, table, strict=True):
            cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def refused(name: str, data: bytes) -> InputError:
    with pytest.raises(InputError) as caught:
        read_outline(read_document(name, data).paragraphs)
    text = Messages().error(caught.value)
    assert text.endswith("。") and text.count("。") == 1, text  # one sentence
    return caught.value


def test_a_docx_reads_in_order_with_its_tables() -> None:
    data = word(PLAN, table=["（三）表格里的一项。内容。", "备注"])
    document = read_document("plan.docx", data)
    assert document.paragraphs[: len(PLAN)] == PLAN
    assert document.paragraphs[len(PLAN):] == ["（三）表格里的一项。内容。", "备注"]
    outline = read_outline(document.paragraphs)
    assert outline.year == 2026 and outline.title == PLAN[0]


def test_traditional_script_is_read_as_simplified() -> None:
    traditional = [opencc.OpenCC("s2t").convert(p) for p in PLAN]
    assert traditional != PLAN
    for name, data in (("plan.txt", "\n".join(traditional).encode()),
                       ("plan.docx", word(traditional))):
        document = read_document(name, data)
        assert document.traditional and document.paragraphs == PLAN


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_text_files_in_the_common_encodings(encoding: str) -> None:
    document = read_document("plan.txt", "\r\n".join(PLAN).encode(encoding))
    assert document.paragraphs == PLAN


def test_markdown_marks_are_dropped() -> None:
    text = ("# 修文县教育局2026年工作要点\n\n## 一、加强党的建设\n\n"
            "**（一）加强理论学习。**组织学习。\n")
    document = read_document("plan.md", text.encode())
    assert document.paragraphs == ["修文县教育局2026年工作要点", "一、加强党的建设",
                                   "（一）加强理论学习。组织学习。"]


@pytest.fixture
def listener() -> Iterator[tuple[str, list[str]]]:
    """An HTTP server on 127.0.0.1 that records every request it gets."""
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # the name http.server calls
            seen.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()
    server.server_close()


def test_external_links_and_templates_are_not_followed(
    listener: tuple[str, list[str]]
) -> None:
    url, seen = listener
    document = docx.Document()
    for text in PLAN:
        document.add_paragraph(text)
    document.part.relate_to(f"{url}/link", RT.HYPERLINK, is_external=True)
    document.part.relate_to(f"{url}/picture.png", RT.IMAGE, is_external=True)
    document.part._settings_part.relate_to(f"{url}/template.dotm", ATTACHED_TEMPLATE,
                                           is_external=True)
    out = io.BytesIO()
    document.save(out)
    assert read_document("plan.docx", out.getvalue()).paragraphs == PLAN
    assert seen == []


def _rezip(data: bytes, replace: dict[str, bytes], *, level: int = 6) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as target:
        for info in source.infolist():
            target.writestr(info.filename, replace.pop(info.filename, source.read(info)))
        for name, content in replace.items():
            target.writestr(name, content)
    return out.getvalue()


def test_bad_files_are_refused_each_with_its_reason(tmp_path: Path) -> None:
    good = word(PLAN)
    assert refused("plan.pdf", b"%PDF-1.4").message_id == "document_type"
    assert refused("plan.txt", b"  \n\n ").message_id == "document_empty"
    assert refused("plan.docx", b"PK\x03\x04 broken").message_id == "document_unreadable"
    assert refused("plan.txt", b"x" * (MAX_BYTES + 1)).message_id == "document_too_large"
    assert refused("plan.txt", b"\x00\x01\x02binary\xff").message_id == "document_unreadable"
    prose = "这是一段没有任何编号的文字，只是随便写写。".encode()
    assert refused("note.txt", prose).message_id == "document_not_plan"
    bomb = _rezip(good, {"word/media/zeros.bin": bytes(3 * 1024 * 1024)}, level=9)
    assert len(bomb) < MAX_BYTES
    assert refused("plan.docx", bomb).message_id == "document_bomb"
    macros = _rezip(good, {"word/vbaProject.bin": b"Attribute VB_Name"})
    assert refused("plan.docm.docx", macros).message_id == "document_macros"
    deep = ("<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/"
            "main\"><w:body>" + "<w:p>" * (MAX_DEPTH + 5) + "</w:p>" * (MAX_DEPTH + 5)
            + "</w:body></w:document>").encode()
    nested = refused("plan.docx", _rezip(good, {"word/document.xml": deep}))
    assert nested.message_id == "document_nested"
    entities = (b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaa">]><w:document '
                b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>')
    assert refused("plan.docx", _rezip(good, {"word/document.xml": entities})).params == {
        "reason": "dtd"}
    picture = tmp_path / "pixel.png"
    picture.write_bytes(png())
    scan = docx.Document()
    scan.add_picture(str(picture))
    out = io.BytesIO()
    scan.save(out)
    assert refused("scan.docx", out.getvalue()).message_id == "document_images"


@settings(max_examples=150, deadline=None)
@given(flips=st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255)), max_size=6),
       name=st.sampled_from(["plan.docx", "plan.txt", "plan.md"]))
def test_a_damaged_file_is_read_or_refused_never_a_crash(
    flips: list[tuple[int, int]], name: str
) -> None:
    data = bytearray(GOOD_DOCX if name.endswith(".docx") else "\n".join(PLAN).encode("utf-16"))
    for at, value in flips:
        data[at % len(data)] = value
    try:
        read_outline(read_document(name, bytes(data)).paragraphs)
    except InputError as exc:
        assert Messages().error(exc)


GOOD_DOCX = word(PLAN)
