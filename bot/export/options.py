"""What an export carries besides the plan body: chosen by the user at export time.

``ExportOptions()`` is the bare plan, as before. The Word export reads every field; the text
exports (Markdown, plain text) read none: they are drafts to edit, not documents to issue
(``planbot draft`` refuses these options with them).

The document's own fixed words (成文日期's 年月日, the notice's title and body, 附件, 抄送, 印发)
are the bot's messages (``prompts/export.yaml``): ``say`` looks them up, as ``Messages.text``
or ``Turn.say`` do. It is needed for ``sign`` and ``notice``; ``words`` cuts a long title into
words (the search's segmenter when the caller has one loaded; otherwise the export loads one).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.errors import InputError

Say = Callable[..., str]  # (message id, **params) → the text
WordCut = Callable[[str], Sequence[str]]  # a run of Han characters → its words


@dataclass(frozen=True, slots=True)
class ExportOptions:
    sign: bool = False  # 落款 (the plan's bureau) and 成文日期 under the plan
    date: date | None = None  # 成文日期; None: today, by the caller's clock
    notice: bool = False  # issued with a 印发通知, the plan as its 附件
    doc_number: str | None = None  # 发文字号; None: 【待填：发文字号】
    tasks: bool = False  # the 重点工作任务分解表 appended (landscape)
    copy_to: str | None = None  # the notice's 抄送机关; None: 【待填：抄送机关】
    say: Say | None = None  # the document's fixed words (see above)
    words: WordCut | None = None  # a title's words; None: the shipped dictionary's

    def text(self, message_id: str, **params: Any) -> str:
        """A fixed word of the document; ValueError if the caller gave no ``say``."""
        if self.say is None:
            raise ValueError(f"ExportOptions.say is needed for {message_id!r}")
        return self.say(message_id, **params)


_DATE = re.compile(r"\s*(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?\s*")


def parse_doc_date(text: str) -> date:
    """成文日期 as typed: ``2026-02-09``, ``2026-2-9``, ``2026/2/9``, ``2026.2.9``,
    ``2026年2月9日``.

    InputError('doc_date_format') when it is not written so, 'doc_date_invalid' for a day the
    calendar has not (2026-02-30)."""
    match = _DATE.fullmatch(text)
    if match is None:
        raise InputError("doc_date_format", value=text)
    year, month, day = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise InputError("doc_date_invalid", value=text, year=year, month=month,
                         day=day) from None
