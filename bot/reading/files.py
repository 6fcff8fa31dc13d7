"""A plan file (.docx, .txt, .md) read into paragraphs, or refused with one sentence.

Every refusal is an ``InputError`` whose message id names the reason (``prompts/checking.yaml``):
a type we do not read, a file over :data:`MAX_BYTES`, nothing readable in it, only images (a
scanned plan), text that is not in a known encoding. A .docx goes through ``bot.reading.docx``
(limits against zip bombs and deep nesting, no macros, no external links). Traditional script
is turned into simplified (OpenCC ``t2s``), and ``Document.traditional`` says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import PurePath
from typing import Any

import opencc

from bot.errors import InputError
from bot.reading.docx import docx_paragraphs

__all__ = ["MAX_BYTES", "MAX_CHARS", "SUFFIXES", "Document", "read_document", "readable_name"]

MAX_BYTES = 5 * 1024 * 1024  # of a file sent or named
MAX_CHARS = 200_000  # of the text read from it (a long plan has 30,000)
SUFFIXES = (".docx", ".txt", ".md")
_HAN = re.compile(r"[\u3400-\u9fff]")
_MARKDOWN = re.compile(r"^\s*(#{1,6}\s+|[-*+]\s+|>\s*)|\*\*|__")
_TRADITIONAL_SHARE = 0.02  # of the Han characters that t2s changes: the text is traditional


@dataclass(frozen=True)
class Document:
    name: str
    paragraphs: list[str]
    traditional: bool = False


def readable_name(name: str) -> bool:
    """Whether a file of this name is one we read (by its suffix)."""
    return PurePath(name.lower()).suffix in SUFFIXES


def read_document(name: str, data: bytes) -> Document:
    """The file's paragraphs (blank ones dropped), simplified; InputError if it cannot be read."""
    suffix = PurePath(name.lower()).suffix
    if suffix not in SUFFIXES:
        raise InputError("document_type", name=name[:60], suffixes="、".join(SUFFIXES))
    if len(data) > MAX_BYTES:
        raise InputError("document_too_large", limit=MAX_BYTES // (1024 * 1024))
    if not data.strip():
        raise InputError("document_empty")
    paragraphs = docx_paragraphs(data) if suffix == ".docx" else _text_paragraphs(data, suffix)
    paragraphs = [p for p in (" ".join(p.split()) for p in paragraphs) if p]
    if not paragraphs:
        raise InputError("document_empty")
    if sum(len(p) for p in paragraphs) > MAX_CHARS:
        raise InputError("document_too_long", limit=MAX_CHARS)
    return _simplified(name, paragraphs)


def _text_paragraphs(data: bytes, suffix: str) -> list[str]:
    text = _decode(data)
    if "\x00" in text:
        raise InputError("document_unreadable", reason="binary")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if suffix == ".md":
        lines = [_MARKDOWN.sub("", line) for line in lines]
    return lines


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16", errors="strict")
        except UnicodeDecodeError:
            raise InputError("document_unreadable", reason="encoding") from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError("document_unreadable", reason="encoding")


def _simplified(name: str, paragraphs: list[str]) -> Document:
    converted = [str(_t2s().convert(p)) for p in paragraphs]
    han = sum(len(_HAN.findall(p)) for p in paragraphs)
    changed = sum(a != b for p, q in zip(paragraphs, converted, strict=True)
                  for a, b in zip(p, q, strict=False))
    if han and changed >= max(3, _TRADITIONAL_SHARE * han):
        return Document(name, converted, traditional=True)
    return Document(name, paragraphs)


@cache
def _t2s() -> Any:
    return opencc.OpenCC("t2s")
