"""A .docx read for its text only, within limits, never running or fetching anything.

Before python-docx opens the package, the zip is checked: at most :data:`MAX_MEMBERS` parts and
:data:`MAX_UNZIPPED` bytes unpacked in all (the sizes the zip declares; ``zipfile`` never reads
a part past its declared size), no part that unpacks more than :data:`MAX_RATIO` times its packed
size (a zip bomb), no macros (``vbaProject.bin``, a macro-enabled type: refused), and the main
document's XML is scanned with a streaming parser: no DTD (so no entities to expand), nesting at
most :data:`MAX_DEPTH` deep. python-docx reads relationships without following them: an external
link, an attached template or a linked image stays a name. Text comes from the body's
paragraphs and table cells in order; a document with pictures and no text is a scanned plan.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator
from xml.parsers import expat

from bot.errors import InputError

__all__ = ["MAX_DEPTH", "MAX_MEMBERS", "MAX_RATIO", "MAX_UNZIPPED", "docx_paragraphs"]

MAX_MEMBERS = 2_000
MAX_UNZIPPED = 60 * 1024 * 1024
MAX_RATIO = 200
MAX_DEPTH = 100
_MAIN = "word/document.xml"
_TYPES = "[Content_Types].xml"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MACRO_TYPES = ("macroEnabled", "vbaProject")
# how a damaged or unsupported zip fails in ``zipfile``
_DAMAGED = (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError)


def docx_paragraphs(data: bytes) -> list[str]:
    """The document's paragraphs in reading order (see the module docstring)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except _DAMAGED:
        raise InputError("document_unreadable", reason="zip") from None
    with archive:
        _check_package(archive)
        try:
            main = archive.read(_MAIN)
            types = archive.read(_TYPES) if _has(archive, _TYPES) else b""
        except _DAMAGED:
            raise InputError("document_unreadable", reason="zip") from None
        _check_xml(main)
    if any(marker.encode() in types for marker in _MACRO_TYPES):
        raise InputError("document_macros")
    return _paragraphs(data)


def _has(archive: zipfile.ZipFile, name: str) -> bool:
    try:
        archive.getinfo(name)
    except KeyError:
        return False
    return True


def _check_package(archive: zipfile.ZipFile) -> None:
    members = archive.infolist()
    if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > MAX_UNZIPPED:
        raise InputError("document_bomb")
    for member in members:
        if member.file_size > 1024 * 1024 and member.file_size > MAX_RATIO * max(
            member.compress_size, 1
        ):
            raise InputError("document_bomb")
        if member.filename.lower().endswith("vbaproject.bin"):
            raise InputError("document_macros")
    if not _has(archive, _MAIN):
        raise InputError("document_unreadable", reason="no_document")


def _check_xml(xml: bytes) -> None:
    parser = expat.ParserCreate()
    depth = 0

    def start(_name: str, _attrs: object) -> None:
        nonlocal depth
        depth += 1
        if depth > MAX_DEPTH:
            raise InputError("document_nested", limit=MAX_DEPTH)

    def end(_name: str) -> None:
        nonlocal depth
        depth -= 1

    def doctype(*_args: object) -> None:
        raise InputError("document_unreadable", reason="dtd")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.StartDoctypeDeclHandler = doctype
    try:
        parser.Parse(xml, True)
    except expat.ExpatError:
        raise InputError("document_unreadable", reason="xml") from None


def _paragraphs(data: bytes) -> list[str]:
    import docx  # python-docx: imported when a .docx arrives, not at start-up

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception:  # a damaged package fails in many ways inside python-docx and lxml
        raise InputError("document_unreadable", reason="docx") from None
    body = document.element.body
    texts = list(_texts(body))
    if not any(t.strip() for t in texts) and _has_pictures(body):
        raise InputError("document_images")
    return texts


def _texts(body: object) -> Iterator[str]:
    """Paragraph texts of the body (tables' cells, row by row, in place)."""
    for element in body.iterchildren():  # type: ignore[attr-defined]
        if element.tag == f"{_W}p":
            yield "".join(t.text or "" for t in element.iter(f"{_W}t"))
        elif element.tag == f"{_W}tbl":
            for paragraph in element.iter(f"{_W}p"):
                yield "".join(t.text or "" for t in paragraph.iter(f"{_W}t"))


def _has_pictures(body: object) -> bool:
    tags = (f"{_W}drawing", f"{_W}pict")
    return any(True for tag in tags for _ in body.iter(tag))  # type: ignore[attr-defined]
