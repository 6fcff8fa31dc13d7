"""A plan as a file to send: Word (when ``bot.export.docx`` is available), Markdown, plain text."""

from __future__ import annotations

import re
from importlib.util import find_spec

from bot.compose.plan import Plan
from bot.dialogue.turn import Rejected, Turn, WordExport
from bot.dialogue.types import Document
from bot.export.text import plan_to_markdown, plan_to_text

MAX_STEM = 80
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def word_exporter() -> WordExport | None:
    """``plan_to_docx`` if python-docx is installed here, else ``None``. Imported at the first
    export, not at start-up (python-docx takes a fifth of a second to import)."""
    if find_spec("docx") is None:
        return None

    def export(plan: Plan) -> bytes:
        from bot.export.docx import plan_to_docx

        return plan_to_docx(plan)

    return export


def file_stem(title: str) -> str:
    """A file name made from the plan title (清远市教育局2019年工作要点), safe on every system."""
    stem = _UNSAFE.sub("_", title).strip(" ._")
    return stem[:MAX_STEM] or "plan"


def export_document(turn: Turn, plan: Plan, fmt: str) -> Document:
    stem = file_stem(plan.title)
    if fmt == "docx":
        if turn.deps.word_export is None:
            raise Rejected("button_invalid")
        return Document(filename=f"{stem}.docx", content=turn.deps.word_export(plan))
    if fmt == "md":
        return Document(filename=f"{stem}.md", content=plan_to_markdown(plan).encode("utf-8"))
    return Document(filename=f"{stem}.txt", content=plan_to_text(plan).encode("utf-8"))
