"""The export menu, and a plan as a file to send: Word (when ``bot.export.docx`` is
available), Markdown, plain text."""

from __future__ import annotations

import re
from importlib.util import find_spec

from bot.compose.plan import Plan
from bot.dialogue.actions import Action, Code
from bot.dialogue.codes.draft import DraftAct
from bot.dialogue.draft._common import Handler, load_plan, record_view
from bot.dialogue.state.draft import Screen
from bot.dialogue.turn import Rejected, Turn, WordExport, rows
from bot.dialogue.types import Document, Reply
from bot.export.options import ExportOptions
from bot.export.text import plan_to_markdown, plan_to_text
from bot.store.models import DraftRecord

MAX_STEM = 80
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def word_exporter() -> WordExport | None:
    """``plan_to_docx`` if python-docx is installed here, else ``None``. Imported at the first
    export, not at start-up (python-docx takes a fifth of a second to import)."""
    if find_spec("docx") is None:
        return None

    def export(plan: Plan, options: ExportOptions) -> bytes:
        from bot.export.docx import plan_to_docx

        return plan_to_docx(plan, options)

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
        content = turn.deps.word_export(plan, ExportOptions())
        return Document(filename=f"{stem}.docx", content=content)
    if fmt == "md":
        return Document(filename=f"{stem}.md", content=plan_to_markdown(plan).encode("utf-8"))
    if fmt == "xlsx":  # the 任务分解表 alone (imported at the first such export: openpyxl is big)
        from bot.export.tasks import plan_to_xlsx

        return Document(filename=f"{stem}.xlsx", content=plan_to_xlsx(plan))
    return Document(filename=f"{stem}.txt", content=plan_to_text(plan).encode("utf-8"))


EXPORT_FORMATS = ("docx", "md", "txt", "xlsx")  # a button carries the index: add at the end


def export_menu(turn: Turn, record: DraftRecord, *, sent: str = "") -> Reply:
    plan = load_plan(record)
    record_view(turn, Screen.EXPORT, record)
    formats = [f for f in EXPORT_FORMATS if f != "docx" or turn.deps.word_export is not None]
    buttons = [
        turn.labelled(f"btn_export_{fmt}", DraftAct.EXPORT, record.id, EXPORT_FORMATS.index(fmt))
        for fmt in formats
    ]
    text = turn.screen("export", title=plan.title, sent=sent)
    back = [turn.labelled("btn_overview", DraftAct.OPEN, record.id)]
    return turn.reply(text, [*rows(buttons, 1), back])


def _export_menu(turn: Turn, action: Action) -> list[Reply]:
    return [export_menu(turn, turn.draft(action.draft))]


def _export(turn: Turn, action: Action) -> list[Reply]:
    record = turn.draft(action.draft)
    index = action.ints[0]
    if not 0 <= index < len(EXPORT_FORMATS):
        raise Rejected("button_invalid")
    document = export_document(turn, load_plan(record), EXPORT_FORMATS[index])
    menu = export_menu(turn, record, sent=document.filename)
    caption = Reply(text=turn.say("exported", filename=document.filename), documents=[document])
    return [menu, caption]


PRESSES: dict[Code, Handler] = {
    DraftAct.EXPORT_MENU: _export_menu,
    DraftAct.EXPORT: _export,
}
