"""Titles of laws, documents and plans stand in 书名号: 《国家职业教育改革实施方案》.

``_lint.yaml`` lists the bare titles (``titles:``). A wording that names one outside a pair
of 《》 is refused when the library loads and when an admin's change is checked, so no plan
prints 贯彻国家职业教育改革实施方案 where 《国家职业教育改革实施方案》 is meant. A longer title
holding a listed one (《中华人民共和国学前教育法》 for 学前教育法) counts as quoted.

>>> unquoted("落实《中小学德育工作指南》和中小学德育工作指南", ["中小学德育工作指南"])
['中小学德育工作指南']
>>> unquoted("贯彻《中华人民共和国学前教育法》", ["学前教育法"])
[]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from bot.library.models import Clause

_QUOTED = re.compile(r"《[^《》]*》")
_TEMPLATE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)


def unquoted(text: str, titles: Iterable[str]) -> list[str]:
    """The listed titles the text names outside 《》, in list order."""
    bare = _QUOTED.sub("", _TEMPLATE.sub("", text))
    return [title for title in titles if title and title in bare]


def check_titles(clause: Clause, titles: list[str], add: Callable[[str, str], None]) -> None:
    """``add(field, message)`` for every listed title a wording of the clause leaves unquoted."""
    if not titles:
        return
    for index, wording in enumerate(clause.wordings()):
        prefix = "" if index == 0 else f"variants[{index - 1}]."
        for fld, source in (("title", wording.title or ""), ("text", wording.text)):
            for title in unquoted(source, titles):
                add(f"{prefix}{fld}", f"the title {title} stands in 书名号: 《{title}》")
