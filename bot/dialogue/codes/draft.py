"""The button codes of a draft's screens and of the text the bot asked for.

A member is its two letters and its shape (``bot.dialogue.actions.Code``): whether a draft
id follows, how many numbers; the comment says what they are.
"""

from __future__ import annotations

from bot.dialogue.actions import Code


class DraftAct(Code):
    """A draft's buttons (revision = the draft's revision the screen showed)."""

    LIST = "ls", False, 1  # page
    OPEN = "op", True  # draft
    SECTION = "sc", True, 2  # draft, revision, section
    ITEM = "it", True, 3  # draft, revision, section, item
    SWAP = "sw", True, 3  # draft, revision, section, item
    EDIT = "ed", True, 3  # draft, revision, section, item
    UP = "up", True, 3  # draft, revision, section, item
    DOWN = "dn", True, 3  # draft, revision, section, item
    DELETE = "de", True, 3  # draft, revision, section, item
    UNDO = "ud", True, 1  # draft, revision
    HEADING = "hd", True, 2  # draft, revision, section: next wording of the heading
    ADD_MENU = "am", True, 2  # draft, revision, section
    ADD = "ad", True, 3  # draft, revision, section, offer index
    PREVIEW = "pv", True  # draft
    TODO = "td", True, 1  # draft, revision
    FILL = "fl", True, 2  # draft, revision, entry index
    EXPORT_MENU = "xm", True  # draft
    EXPORT = "xf", True, 1  # draft, format index
    RENAME = "rn", True, 1  # draft, revision
    TITLE = "ti", True, 1  # draft, revision
    COPY = "cp", True  # draft
    DROP = "dr", True  # draft: ask to confirm
    DROP_YES = "dy", True, 1  # draft, revision
    TAKE_NEWER = "nt", True, 3  # draft, revision, section, item: the clause's newer wording
    # what the clerk writes and arranges themselves (``draft._writing``, ``draft._topics``)
    OWN_ITEM = "oi", True, 2  # draft, revision, section: ask for the text of an item of one's own
    OWN_SECTION = "os", True, 1  # draft, revision: ask for the heading of a new section
    LEAD = "le", True, 3  # draft, revision, section, item: ask for the item's lead (小标题)
    HEADING_TEXT = "hn", True, 2  # draft, revision, section: ask for the section's heading
    RESTORE = "rw", True, 3  # draft, revision, section, item: the library's wording again
    MOVE_MENU = "mm", True, 3  # draft, revision, section, item: the places it can go to
    MOVE_TO = "mt", True, 4  # draft, revision, section, item, new place (0-based)
    SECTION_PLACES = "sm", True, 2  # draft, revision, section: the places the section can take
    SECTION_TO = "sv", True, 3  # draft, revision, section, new place among those (0-based)
    NUMBERING = "ns", True, 2  # draft, revision, numbering style index (``STYLES``)
    TOPIC_MENU = "pm", True, 1  # draft, revision: the priority areas that can be added
    TOPIC_ADD = "pa", True, 2  # draft, revision, index among those


class InputAct(Code):
    """The conflict screen of a text typed for an older revision."""

    KEEP_MINE = "km", True, 1  # draft, revision: apply the user's text over a newer revision
    DISCARD = "dc", True  # draft: drop the user's text
    SPLIT = "sp", True, 1  # draft, revision: a text too long for one item, one item a paragraph
