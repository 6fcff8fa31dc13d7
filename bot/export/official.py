"""The parts of an official document around a plan (GB/T 9704-2012), independent of Word.

Usage::

    write_closing(page, plan.bureau, when, options)     # 落款 and 成文日期 under the plan
    write_notice(page, plan, when, options)             # 版头 … 落款, then the 附件 mark
    write_imprint(page, plan, when, options)            # 版记, at the end of the last page

``page`` is the Word writer (``bot.export.docx``); what it is asked to put down is named by a
:class:`Role`, which it maps to a named style. The rules followed:

- 成文日期 (7.3.5.1): Arabic numerals, the year in full, month and day not padded; right
  indent four characters; 发文机关署名 centred over it (if the name is so long that it would come
  closer than two characters to the right edge, both move left together). Both are centred on
  one centre tab stop, so the name stands over the middle of the date however wide the
  program sets the digits; the date's width (and so its four characters) is reckoned with
  half-width digits.
- 版头 (7.2): 发文机关标志 (bureau + 文件) red, centred; 发文字号 centred two lines under it; a red
  rule under the number. 标题 two lines under the rule; 主送机关 one line under the title,
  flush left, ending with a full-width colon.
- 附件说明 (7.3.4): one line under the body, two characters in, 附件：name (no 《》, no stop).
- 附件 (8): on a new page, 附件 in 黑体 flush left on the first line, its title on the third.
- 版记 (7.4): 抄送 and 印发机关/印发日期 in 4号 仿宋 one character in from each side, between a
  thick rule above and below and a thin one between them, the last rule on the type area's
  bottom edge of the last page.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Protocol

from bot.compose.addressing import addressing
from bot.compose.plan import Plan
from bot.export.options import ExportOptions
from bot.export.titles import width

__all__ = ["Page", "Role", "closing_centre", "doc_date", "write_closing", "write_imprint",
           "write_notice"]

DATE_RIGHT = 4.0  # characters: 成文日期 右空四字
MIN_SIGN_RIGHT = 2.0  # a long 署名 keeps two characters to the right edge
SIGN_GAP = 1  # blank lines between the body and the 署名 (the seal's top within one line of the
# body, the 署名 and date near its middle; two would push a short notice's 落款 off its page)
TITLE_GAP = 2  # blank lines between the red rule and the notice's title


class Role(StrEnum):
    ORGAN = "organ"  # 发文机关标志
    NUMBER = "number"  # 发文字号, with the red rule under it
    ADDRESSEE = "addressee"  # 主送机关
    BODY = "body"
    ATTACHMENT_NOTE = "attachment_note"  # 附件：…
    SIGN = "sign"  # 发文机关署名
    DATE = "date"  # 成文日期
    ATTACHMENT_MARK = "attachment_mark"  # 附件, top left of the attachment's first page


class Page(Protocol):
    def put(self, role: Role, text: str, centre_chars: float = 0.0) -> None:
        """``centre_chars``: the text centred that many characters from the right edge."""

    def title(self, text: str) -> None: ...

    def blank(self, count: int = 1, keep: bool = False) -> None: ...

    def page_break(self) -> None: ...

    def imprint(self, rows: list[tuple[str, str]]) -> None: ...


def doc_date(when: date, options: ExportOptions) -> str:
    """2026年2月9日: Arabic numerals, the year in full, no padding."""
    return options.text("doc_date", year=when.year, month=when.month, day=when.day)


def closing_centre(sign: str, when: str) -> float:
    """Where the 署名 and the date are centred, in characters from the right edge: the date
    four characters in, unless the 署名 would then come closer than two to the edge."""
    return max(DATE_RIGHT + width(when) / 2, MIN_SIGN_RIGHT + width(sign) / 2)


def write_closing(page: Page, bureau: str, when: date, options: ExportOptions) -> None:
    """落款 and 成文日期, under the body with room for the seal."""
    text = doc_date(when, options)
    centre = closing_centre(bureau, text)
    page.blank(SIGN_GAP, keep=True)  # never a 署名 on a page of its own, nor a date
    page.put(Role.SIGN, bureau, centre)
    page.put(Role.DATE, text, centre)


def write_notice(page: Page, plan: Plan, when: date, options: ExportOptions) -> None:
    """The 印发通知 up to and including the 附件 mark of the plan that follows it."""
    number = options.doc_number or options.text("notice_doc_number_todo")
    page.put(Role.ORGAN, options.text("notice_organ", bureau=plan.bureau))
    page.blank(2)
    page.put(Role.NUMBER, number)
    page.blank(TITLE_GAP)
    page.title(options.text("notice_title", bureau=plan.bureau, plan_title=plan.title))
    addressees = addressing(plan.region, plan.bureau).addressees
    page.put(Role.ADDRESSEE, options.text("notice_addressees", addressees=addressees))
    page.put(Role.BODY, options.text("notice_body", plan_title=plan.title,
                                     level=plan.region.level.value))
    page.blank(keep=True)
    page.put(Role.ATTACHMENT_NOTE, options.text("notice_attachment_note", plan_title=plan.title))
    write_closing(page, plan.bureau, when, options)
    page.page_break()
    page.put(Role.ATTACHMENT_MARK, options.text("notice_attachment_mark"))
    page.blank()


def write_imprint(page: Page, plan: Plan, when: date, options: ExportOptions) -> None:
    """版记: 抄送 (the user's, or a placeholder), 印发机关 and 印发日期."""
    copy_to = options.copy_to or options.text("notice_copy_to_todo")
    printed = options.text("notice_printed", date=doc_date(when, options))
    page.imprint([(options.text("notice_copy_to", copy_to=copy_to), ""), (plan.bureau, printed)])
