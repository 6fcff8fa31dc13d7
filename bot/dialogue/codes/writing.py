"""The button codes of what a clerk writes and arranges in a draft themselves: an item of their
own, a section of their own, an item's lead and a section's heading, the library wording back, an
item moved to a place, the numbering style, a priority area added after the draft was made.

A member is its two letters and its shape (``bot.dialogue.actions.Code``); the draft feature
handles them with its own (revision = the draft's revision the screen showed).
"""

from __future__ import annotations

from bot.dialogue.actions import Code


class WriteAct(Code):
    OWN_ITEM = "oi", True, 2  # draft, revision, section: ask for the text of an item of one's own
    OWN_SECTION = "os", True, 1  # draft, revision: ask for the heading of a new section
    LEAD = "le", True, 3  # draft, revision, section, item: ask for the item's lead (小标题)
    HEADING_TEXT = "hn", True, 2  # draft, revision, section: ask for the section's heading
    RESTORE = "rw", True, 3  # draft, revision, section, item: the library's wording again
    MOVE_MENU = "mm", True, 3  # draft, revision, section, item: the places it can go to
    MOVE_TO = "mt", True, 4  # draft, revision, section, item, new place (0-based)
    STYLE = "ns", True, 2  # draft, revision, numbering style index (``STYLES``)
    TOPIC_MENU = "pm", True, 1  # draft, revision: the priority areas that can be added
    TOPIC_ADD = "pa", True, 2  # draft, revision, index among those
