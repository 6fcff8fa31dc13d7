"""Last year's plan rebuilt as sections and items by its numbering.

The top level used (一、) makes the sections; the next one (（一）, or 1. in a plan without
（一）) the items; with 一、（一）1. all three, 一、 is a group heading, （一） its sections and 1.
the items. Deeper labels ((1)) stay in their item's text. Prose before the first section is the
总体要求 (or joins a section called so); a paragraph without a label elsewhere is kept as an
unnumbered item and listed as not parsed; what follows the last item (a closing line, the
bureau and the date) is the closing section. Each part remembers its label in last year's plan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.compose.gazetteer import MatchStatus, resolve_region
from bot.compose.plan import SectionRole
from bot.compose.region import Region
from bot.library.models import Level
from bot.reading.outline import PLAIN, TITLE, Block, Outline

__all__ = ["Part", "RawItem", "RawSection", "plan_region", "sections_of"]

_ROLES = (
    (re.compile(r"总体要求|指导思想|总体思路|工作思路"), SectionRole.GENERAL),
    (re.compile(r"主要目标|工作目标|目标任务$"), SectionRole.TARGETS),
    (re.compile(r"保障措施|工作保障|组织保障"), SectionRole.SAFEGUARDS),
)
_LEAD_MAX = 40
_SUFFIX = "(教育和体育局|教育体育局|教育科技局|教体局|教育委员会|教育厅|教育局)"
_BUREAU = re.compile(rf"^(.{{2,20}}?{_SUFFIX})")
_SELF = re.compile(r"[我全]([省市县区])")
_LEVELS = {"省": Level.PROVINCE, "市": Level.CITY, "县": Level.COUNTY, "区": Level.DISTRICT}


@dataclass
class RawItem:
    place: str
    title: str
    text: str
    numbered: bool = True
    notes: list[tuple[str, str]] = field(default_factory=list)  # (code, what) for the list


@dataclass
class RawSection:
    place: str
    heading: str
    role: SectionRole
    level: int = 1
    items: list[RawItem] = field(default_factory=list)


Part = RawSection


def sections_of(outline: Outline) -> list[RawSection]:
    levels = sorted({b.level for b in outline.numbered()})
    top = levels[0]
    item = levels[1] if len(levels) > 1 else top
    group = top == 1 and levels[1:3] == [2, 3]
    if group:
        item = 3
    builder = _Builder(top, item, group)
    for block in outline.blocks:
        if block.level != TITLE:
            builder.add(block)
    return builder.finish()


class _Builder:
    def __init__(self, top: int, item: int, group: bool) -> None:
        self.top, self.item, self.group = top, item, group
        self.sections: list[RawSection] = []
        self.path: dict[int, str] = {}

    def add(self, block: Block) -> None:
        if 1 <= block.level <= 4:
            self.path = {k: v for k, v in self.path.items() if k < block.level}
            self.path[block.level] = block.label
        place = "".join(self.path[k] for k in sorted(self.path)) if block.level != PLAIN else ""
        if block.level == PLAIN:
            self._plain(block)
        elif block.level == self.top or (self.group and block.level == 2):
            self._section(block, place)
        elif block.level == self.item or block.level < self.item:
            self._item(block, place)
        else:
            self._deeper(block, place)

    def _section(self, block: Block, place: str) -> None:
        lead, rest = split_lead(block.text)
        heading = lead or block.text
        role = next((r for pattern, r in _ROLES if pattern.search(heading)), SectionRole.TOPIC)
        level = 2 if self.group and block.level == 2 else 1
        if self.group and block.level == 1 and role is SectionRole.TOPIC:
            role = SectionRole.GROUP
        section = RawSection(place, heading, role, level)
        if lead and rest:
            section.items.append(RawItem(place, "", rest, numbered=False))
        self.sections.append(section)

    def _item(self, block: Block, place: str) -> None:
        if self.sections and self.sections[-1].role is SectionRole.GROUP:
            self.sections[-1].role = SectionRole.TOPIC  # items right under 一、: it holds them
        if not self.sections:
            self.sections.append(RawSection(place, "", SectionRole.TOPIC))
        title, text = split_lead(block.text)
        self.sections[-1].items.append(RawItem(place, title, text))

    def _deeper(self, block: Block, place: str) -> None:
        target = self._last_item()
        if target is None:
            self._item(block, place)
            return
        target.text = f"{target.text}{block.whole}"
        target.notes.append(("merged", block.label))

    def _plain(self, block: Block) -> None:
        if not self.sections:
            self.sections.append(RawSection("", "", SectionRole.GENERAL))
            self.sections[-1].items.append(RawItem("", "", block.text, numbered=False))
            return
        item = RawItem(self.sections[-1].place, "", block.text, numbered=False)
        if self.sections[-1].role is not SectionRole.GENERAL:
            item.notes.append(("unparsed", block.text[:20]))
        self.sections[-1].items.append(item)

    def _last_item(self) -> RawItem | None:
        for section in reversed(self.sections):
            numbered = [i for i in section.items if i.numbered]
            if numbered:
                return numbered[-1]
            if section.items or section.heading:
                return None
        return None

    def finish(self) -> list[RawSection]:
        """The sections; unnumbered paragraphs after the last item make the closing section."""
        if self.sections and self.sections[-1].role is not SectionRole.GENERAL:
            last = self.sections[-1]
            trailing: list[RawItem] = []
            numbered = any(i.numbered for i in last.items)
            while numbered and last.items and not last.items[-1].numbered:
                trailing.insert(0, last.items.pop())
            if trailing:
                for item in trailing:
                    item.notes = [n for n in item.notes if n[0] != "unparsed"]
                self.sections.append(RawSection("", "", SectionRole.CLOSING, items=trailing))
        return self.sections


def split_lead(text: str) -> tuple[str, str]:
    """(lead sentence, the rest) when the text opens with a short sentence: 加强党建。正文…"""
    end = text.find("。")
    if 0 < end <= _LEAD_MAX and text[end + 1:].strip():
        return text[:end], text[end + 1:]
    return "", text


def plan_region(outline: Outline) -> Region:
    """The region the plan is for, read from its title (the name before 教育局); else a
    placeholder region at the level its self reference says most often (我县/全县 …)."""
    match = _BUREAU.match(re.sub(r"20\d{2}年?", "", outline.title))
    if match:
        name = re.sub(f"{_SUFFIX}$", "", match.group(1))
        found = resolve_region(name)
        if found.status is not MatchStatus.AMBIGUOUS and len(found.candidates) == 1:
            return found.candidates[0]
    return _by_self_reference(outline)


def bureau_of(outline: Outline) -> str | None:
    match = _BUREAU.match(re.sub(r"20\d{2}年?", "", outline.title))
    return match.group(1) if match else None


def _by_self_reference(outline: Outline) -> Region:
    counts: dict[str, int] = {}
    for block in outline.blocks:
        for char in _SELF.findall(block.text):
            counts[char] = counts.get(char, 0) + 1
    char = max(counts, key=lambda c: counts[c]) if counts else "县"
    level = _LEVELS[char]
    found = resolve_region(f"某{char}", level)
    return found.candidates[0]
