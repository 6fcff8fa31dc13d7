"""The 重点工作任务分解表 as files: a landscape section appended to the Word export, an .xlsx.

Usage::

    from bot.export.tasks import plan_to_xlsx
    data = plan_to_xlsx(plan)              # the bytes of an .xlsx with the one sheet

    append_task_table(doc, plan)           # bot.export.docx, when ExportOptions.tasks

The rows are ``bot.compose.tasks.task_table``'s; the table's words and deadline rules are the
shipped ``snippets/_tasks.yaml`` unless a spec is given.
"""

from bot.export.tasks._docx import append_task_table
from bot.export.tasks._spec import shipped_task_spec
from bot.export.tasks._xlsx import plan_to_xlsx

__all__ = ["append_task_table", "plan_to_xlsx", "shipped_task_spec"]
