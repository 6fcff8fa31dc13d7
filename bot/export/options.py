"""What an export carries besides the plan body: chosen by the user at export time.

``ExportOptions()`` is the bare plan, as before. The Word export reads every field; the text
exports (Markdown, plain text) read ``sign`` and ``date`` only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class ExportOptions:
    sign: bool = False  # 落款 (the plan's bureau) and 成文日期 under the plan
    date: date | None = None  # 成文日期; None: today, by the caller's clock
    notice: bool = False  # issued with a 印发通知, the plan as its 附件
    doc_number: str | None = None  # 发文字号; None: 【待填：发文字号】
    tasks: bool = False  # the 重点工作任务分解表 appended (landscape)
