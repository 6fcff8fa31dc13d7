"""What a clerk writes into a plan themselves: an item of their own text, a section with their
own heading, an item's lead (小标题) and a section's heading; the library wording of an edited
item back; an item moved to a place in one step; the numbering style.

Plain functions over a ``Plan`` (changed in place), like ``compose.refine``; they raise
``InputError`` with a message id when the user asks for something that cannot be done.
"""

from __future__ import annotations

from bot.compose.plan import Item, NumberingStyle, Plan, Section, SectionRole
from bot.compose.refine import MAX_ITEM_TEXT, checked_text, clause_of, composer_for
from bot.errors import InputError
from bot.library.library import Library

__all__ = [
    "MAX_HEADING", "OWN_SECTION_PREFIX", "add_own_item", "add_own_section", "move_item_to",
    "move_section_to", "restore_wording", "section_places", "set_heading", "set_lead",
    "set_style",
]

MAX_HEADING = 60  # a section heading or an item's lead: one line
OWN_SECTION_PREFIX = "own"  # id of a section the user added: own1, own2 …
_PLAIN_ROLES = frozenset({SectionRole.GENERAL, SectionRole.CLOSING})


def add_own_item(plan: Plan, s: int, texts: list[str]) -> int:
    """The user's own items at the end of section ``s``, numbered as the section's items are;
    the index of the first."""
    checked = [checked_text(text, MAX_ITEM_TEXT, "edit") for text in texts]
    if not checked:
        raise InputError("edit_empty")
    section = plan.sections[s]
    if section.role is SectionRole.GROUP:
        raise InputError("own_item_group")
    numbered = (any(item.numbered for item in section.items) if section.items
                else section.role not in _PLAIN_ROLES)
    first = len(section.items)
    section.items.extend(Item(text=text, numbered=numbered, edited=True) for text in checked)
    return first


def add_own_section(plan: Plan, heading: str) -> int:
    """A section with the user's heading, after the plan's last priority section (before
    保障措施), at that section's level; the new section's index. Its items are the user's."""
    text = checked_text(heading, MAX_HEADING, "heading", one_line=True)
    topics = [s for s, section in enumerate(plan.sections)
              if section.role in (SectionRole.TOPIC, SectionRole.GROUP)]
    if topics:
        after = topics[-1]
        level = 2 if plan.sections[after].role is SectionRole.GROUP else plan.sections[after].level
    else:  # no priority section: before 保障措施 and the closing line
        tail = [s for s, section in enumerate(plan.sections)
                if section.role in (SectionRole.SAFEGUARDS, SectionRole.CLOSING)]
        after = (tail[0] if tail else len(plan.sections)) - 1
        level = 1
    taken = {section.id for section in plan.sections}
    n = next(n for n in range(1, len(taken) + 2) if f"{OWN_SECTION_PREFIX}{n}" not in taken)
    section = Section(id=f"{OWN_SECTION_PREFIX}{n}", role=SectionRole.TOPIC, own=True,
                      level=level, heading=text)
    plan.sections.insert(after + 1, section)
    return after + 1


def set_lead(plan: Plan, s: int, i: int, text: str) -> None:
    """The item's lead (小标题) in the user's words; the item counts as edited."""
    item = plan.sections[s].items[i]
    item.title = checked_text(text, MAX_HEADING, "lead", one_line=True)
    item.edited = True


def set_heading(plan: Plan, s: int, text: str) -> None:
    section = plan.sections[s]
    if section.role is SectionRole.CLOSING:
        raise InputError("closing_no_heading")
    section.heading = checked_text(text, MAX_HEADING, "heading", one_line=True)
    section.heading_clause = None  # the user's words: 换个标题说法 would throw them away


def restore_wording(plan: Plan, library: Library, s: int, i: int) -> Item:
    """The library's wording of an edited item again (its clause and wording, with the plan's
    targets); ``InputError`` for an item the user wrote or one not edited."""
    item = plan.sections[s].items[i]
    clause = clause_of(item, library)
    if clause is None:
        raise InputError("own_no_library")
    if not item.edited:
        raise InputError("not_edited")
    restored = composer_for(plan, library).render_item(clause, item.variant)
    plan.sections[s].items[i] = restored
    return restored


def move_item_to(plan: Plan, s: int, i: int, j: int) -> int:
    """Move an item to index ``j`` of its section in one step; ``j`` itself."""
    items = plan.sections[s].items
    if not 0 <= j < len(items):
        raise InputError("move_to_range", count=len(items))
    if i == j:
        raise InputError("move_to_same", n=j + 1)
    items.insert(j, items.pop(i))
    return j


def section_places(plan: Plan, s: int) -> list[int]:
    """The places section ``s`` can take: the task sections around it at its level, with no other
    kind of section between (主要任务's sub-sections; the priority areas of a 工作要点)."""
    section = plan.sections[s]
    if section.role is not SectionRole.TOPIC:
        return []

    def fits(k: int) -> bool:
        other = plan.sections[k]
        return other.role is SectionRole.TOPIC and other.level == section.level

    first, last = s, s
    while first > 0 and fits(first - 1):
        first -= 1
    while last + 1 < len(plan.sections) and fits(last + 1):
        last += 1
    return list(range(first, last + 1))


def move_section_to(plan: Plan, s: int, k: int) -> int:
    """Move section ``s`` to the ``k``-th of its places (``section_places``); its new index."""
    places = section_places(plan, s)
    if not 0 <= k < len(places):
        raise InputError("move_to_range", count=len(places))
    if places[k] == s:
        raise InputError("move_to_same", n=k + 1)
    plan.sections.insert(places[k], plan.sections.pop(s))
    return places[k]


def set_style(plan: Plan, style: NumberingStyle) -> None:
    if plan.style is style:
        raise InputError("style_same")
    plan.style = style
