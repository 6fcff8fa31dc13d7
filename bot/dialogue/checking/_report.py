"""The check's report as chat replies: the summary and the first findings by group; all of
them as a text file when there are more."""

from __future__ import annotations

from collections.abc import Sequence

from bot.check import Report
from bot.check.words import report_lines, summary
from bot.dialogue.layout import short
from bot.dialogue.turn import Turn
from bot.dialogue.types import MAX_TEXT, Button, Document, Reply

__all__ = ["MAX_SHOWN", "report_replies"]

MAX_SHOWN = 30  # findings in the chat; the rest in the attached file
LINE = 110  # characters of one finding in the chat (the file has them whole)


def report_replies(turn: Turn, report: Report, buttons: Sequence[Sequence[Button]]
                   ) -> list[Reply]:
    say = turn.say
    head = summary(report, say)
    shown, left = report_lines(report, say, MAX_SHOWN)
    text = "\n".join([head, *(short(line, LINE) for line in shown)])
    documents: list[Document] = []
    if left:
        whole, _ = report_lines(report, say)
        name = f"{say('check_report_name')}.txt"
        text += "\n" + say("check_more", count=left, filename=name)
        content = "\n".join([head, *whole]).encode("utf-8") + b"\n"
        documents.append(Document(filename=name, content=content))
    reply = turn.reply(text[:MAX_TEXT], buttons, edit=False)
    return [reply.model_copy(update={"documents": documents})] if documents else [reply]
