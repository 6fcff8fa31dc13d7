"""Every figure of last year's plan becomes a placeholder that shows it, so no old figure passes
as new: 巩固率达到99.5% → 巩固率达到【待填：义务教育巩固率（上年：99.5%）】.

A figure is a number with a unit (%, 所, 名, 万元 …); years, dates, numbers inside 书名号,
inside a placeholder and inside a short quoted slogan (“4个100%”) are not figures. Its label
is what the sentence says it measures: the words before it back to the last mark, without the
verb (达到, 保持在 …) and the scope (全市 …); after a verb of doing (新建3所) the thing done is
added.

>>> placeholders("义务教育巩固率达到99.5%，新建3所幼儿园。")[0]
'义务教育巩固率达到【待填：义务教育巩固率（上年：99.5%）】，新建【待填：新建幼儿园（上年：3所）】幼儿园。'
"""

from __future__ import annotations

import re

__all__ = ["Figure", "placeholders"]

_UNITS = (
    "个百分点", "万人次", "平方米", "万元", "亿元", "万人", "人次", "学时", "课时", "小时", "公里",
    "千米", "%", "％", "㎡", "元", "人", "名", "所", "个", "项", "场", "次", "间", "套", "台", "亩",
    "米", "天", "册", "本", "节", "班", "家", "支", "批", "户", "座", "处", "篇", "门", "件", "条",
    "种", "类", "倍", "万", "亿",
)
_FIGURE = re.compile(r"(?<![\d.．])(\d+(?:\.\d+)?)\s*(" + "|".join(map(re.escape, _UNITS)) + ")")
_PROTECTED = re.compile(r"《[^《》]*》|【[^【】]*】|“[^“”]{1,12}”")  # titles, placeholders, slogans
_ANY_FIGURE = re.compile(r"\d+(?:\.\d+)?\s*(?:" + "|".join(map(re.escape, _UNITS)) + ")")
_DELIMITER = re.compile(r"[，。；：、（）()“”！？\s,;:!?]")
_VERBS = re.compile(
    r"(达到|保持在|保持|稳定在|提高到|提升到|提高至|提升至|提高|提升|控制在|不低于|不少于|不超过|"
    r"超过|力争|确保|实现|增加到|增加|减少到|减少|降低到|降低|为|达|在|至|到|约|共|以上|累计)+$"
)
_DOING = re.compile(
    r"(新建|改扩建|新增|培训|招聘|引进|建成|创建|完成|开展|组织|举办|补充|资助|选派|评选|认定)$"
)
_LEADING = re.compile(r"^((全|我)[省市县区州旗盟]|年内|到年底|年底前|力争|确保|全年|各地)+")
MAX_LABEL = 20


class Figure:
    __slots__ = ("label", "value")

    def __init__(self, label: str, value: str) -> None:
        self.label = label
        self.value = value


def placeholders(text: str) -> tuple[str, list[Figure]]:
    """The text with every figure a placeholder, and the figures in order."""
    protected = [m.span() for m in _PROTECTED.finditer(text)]
    figures: list[Figure] = []
    out: list[str] = []
    at = 0
    for match in _FIGURE.finditer(text):
        if any(a <= match.start() < b for a, b in protected):
            continue
        value = match.group(0).replace(" ", "")
        label = _label(text, match)
        figures.append(Figure(label, value))
        out.append(text[at : match.start()])
        out.append(f"【待填：{label}（上年：{value}）】")
        at = match.end()
    out.append(text[at:])
    return "".join(out), figures


def _label(text: str, match: re.Match[str]) -> str:
    before = _ANY_FIGURE.split(_DELIMITER.split(text[: match.start()])[-1])[-1]
    words = _VERBS.sub("", before)
    if not words or _DOING.search(words):
        after = _DELIMITER.split(text[match.end():])[0][:8]
        words = f"{words}{after}" if after else words
    words = _LEADING.sub("", _VERBS.sub("", words)) or "数据"
    return words[-MAX_LABEL:].replace("】", "").replace("【", "")
