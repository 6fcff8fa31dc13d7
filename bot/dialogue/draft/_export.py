"""The export menu, and a plan as a file to send: Word (when ``bot.export.docx`` is
available), Markdown, plain text.

The menu says how many 【待填】 are left (with a button to the list) and offers what the Word
file carries (``_document``): 落款和日期, 印发通知 and its 发文字号, 任务分解表, the bureau's
name. A file is named after the title, and after the draft where two drafts have one title (a
draft and its 副本 do not overwrite each other's file).
"""

from __future__ import annotations

import re
from importlib.util import find_spec

from bot.compose.plan import PLACEHOLDER_RE, Plan
from bot.dialogue.actions import Action, Code
from bot.dialogue.codes.draft import DraftAct
from bot.dialogue.draft._common import Handler, load_plan, record_view, save
from bot.dialogue.draft._document import TOGGLES, Choices, export_options
from bot.dialogue.state.draft import Screen
from bot.dialogue.turn import Rejected, Turn, WordExport, revision_tag, rows
from bot.dialogue.types import Button, Document, Reply
from bot.export.options import ExportOptions
from bot.export.text import plan_to_markdown, plan_to_text
from bot.store.models import DraftRecord

MAX_STEM = 80
ID_TAIL = 4  # characters of the draft id that tell two drafts of one name apart
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


def draft_stem(turn: Turn, record: DraftRecord, plan: Plan) -> str:
    """The draft's file name: the plan's title. When another draft the user sees has the same
    title (a 副本), a draft whose name is not its title is named by its name (《…》（副本）), and
    two of one name are told apart by the end of their ids."""
    stem = file_stem(plan.title)
    twins = [r for r in turn.deps.store.drafts.list_for(turn.user_id)
             if r.id != record.id and file_stem(str(r.plan.get("title", ""))) == stem]
    if not twins:
        return stem
    named = file_stem(record.name)
    if any(file_stem(r.name) == named for r in twins):
        return f"{named}-{record.id[-ID_TAIL:]}"
    return named


def export_document(turn: Turn, record: DraftRecord, fmt: str) -> Document:
    plan = load_plan(record)
    stem = draft_stem(turn, record, plan)
    if fmt == "docx":
        if turn.deps.word_export is None:
            raise Rejected("button_invalid")
        content = turn.deps.word_export(plan, export_options(turn, record))
        return Document(filename=f"{stem}.docx", content=content)
    if fmt == "md":
        return Document(filename=f"{stem}.md", content=plan_to_markdown(plan).encode("utf-8"))
    if fmt == "xlsx":  # the 任务分解表 alone (imported at the first such export: openpyxl is big)
        from bot.export.tasks import plan_to_xlsx

        return Document(filename=f"{stem}.xlsx", content=plan_to_xlsx(plan))
    return Document(filename=f"{stem}.txt", content=plan_to_text(plan).encode("utf-8"))


EXPORT_FORMATS = ("docx", "md", "txt", "xlsx")  # a button carries the index: add at the end


def export_menu(turn: Turn, record: DraftRecord, *, sent: str = "", note: str = "") -> Reply:
    plan = load_plan(record)
    record_view(turn, Screen.EXPORT, record)
    word = turn.deps.word_export is not None
    choices = Choices.of(record)
    todo = sum(len(PLACEHOLDER_RE.findall(text)) for text in plan.texts())
    text = turn.screen("export", title=plan.title, sent=sent, note=note, word=word,
                       todo=todo, bureau=plan.bureau, sign=choices.sign, notice=choices.notice,
                       tasks=choices.tasks, doc_number=choices.doc_number)
    formats = [f for f in EXPORT_FORMATS if f != "docx" or word]
    buttons = [
        turn.labelled(f"btn_export_{fmt}", DraftAct.EXPORT, record.id, EXPORT_FORMATS.index(fmt))
        for fmt in formats
    ]
    back = [turn.labelled("btn_overview", DraftAct.OPEN, record.id)]
    return turn.reply(text, [*rows(buttons, 1), *_choice_rows(turn, record, choices, todo, word),
                             back])


def _choice_rows(turn: Turn, record: DraftRecord, choices: Choices, todo: int,
                 word: bool) -> list[list[Button]]:
    rev = revision_tag(record)
    out: list[list[Button]] = []
    if todo:
        out.append([turn.labelled("btn_export_todo", DraftAct.TODO, record.id, rev, count=todo)])
    if not word:
        return out
    toggles = [turn.labelled(f"btn_export_{name}", DraftAct.EXPORT_SET, record.id, rev, k,
                             on=getattr(choices, name))
               for k, name in enumerate(TOGGLES)]
    out.extend(rows(toggles, 2))
    typed = [turn.labelled("btn_export_bureau", DraftAct.BUREAU, record.id, rev)]
    if choices.notice:
        typed.append(turn.labelled("btn_export_doc_number", DraftAct.DOC_NUMBER, record.id, rev))
    out.append(typed)
    return out


def _export_menu(turn: Turn, action: Action) -> list[Reply]:
    return [export_menu(turn, turn.draft(action.draft))]


def _export(turn: Turn, action: Action) -> list[Reply]:
    record = turn.draft(action.draft)
    index = action.ints[0]
    if not 0 <= index < len(EXPORT_FORMATS):
        raise Rejected("button_invalid")
    document = export_document(turn, record, EXPORT_FORMATS[index])
    menu = export_menu(turn, record, sent=document.filename)
    caption = Reply(text=turn.say("exported", filename=document.filename), documents=[document])
    return [menu, caption]


def _set(turn: Turn, action: Action) -> list[Reply]:
    """A choice of the Word file switched on or off, remembered with the draft."""
    record = turn.current(action.draft, action.ints[0])
    index = action.ints[1]
    if not 0 <= index < len(TOGGLES) or turn.deps.word_export is None:
        raise Rejected("button_invalid")
    record = save(turn, record, meta=Choices.of(record).toggled(index).meta())
    return [export_menu(turn, record)]


PRESSES: dict[Code, Handler] = {
    DraftAct.EXPORT_MENU: _export_menu,
    DraftAct.EXPORT: _export,
    DraftAct.EXPORT_SET: _set,
}
