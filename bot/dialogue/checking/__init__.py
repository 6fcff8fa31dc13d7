"""检查 and 结转到新年度 in the chat: a plan sent as a document (.docx, .txt, .md) is read and
the user is offered to check it or to roll it forward into a new year's draft; a draft's
overview has a 检查 button too.

``_document``: the document received, the choice, the year asked, the feature; ``_report``: the
check's report as chat replies (the first 30 findings by group, all of them as a file);
``_roll``: the roll-forward stored as a new draft, its change list, the library's close
matches offered as buttons.
"""

from bot.dialogue.checking._document import FEATURE

__all__ = ["FEATURE"]
