"""A draft's parts of the session: the screen shown (a mode), the text asked for (a mode), and
the last deleted item (a note)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from bot.compose.plan import Item
from bot.dialogue.state.mode import Mode, Part


class Screen(StrEnum):
    LIST = "list"
    OVERVIEW = "overview"
    SECTION = "section"
    ITEM = "item"
    ADD = "add"
    TODO = "todo"
    EXPORT = "export"
    MOVE = "move"  # the places an item can be moved to (``item``: the item)
    SECTION_MOVE = "section_move"  # the places a section can be moved to
    TOPICS = "add_topic"  # the priority areas that can be added to the draft
    DELETE = "delete"  # asking to confirm the deletion of a draft
    SHARE = "share"  # who has access, the links; ``page``: expiry choice for new links
    SHARE_LINK = "share_link"  # one link (``link``: its id): expiry, revoke
    SHARED = "shared"  # a draft opened by a view link (``grant``: the link's hash), read only


class View(Mode):
    """Which draft screen the user is on (for /back, /help and after an error)."""

    KEY = "view"
    LAYER = 20

    screen: Screen
    draft_id: str = ""
    section: int = Field(default=0, ge=0)
    item: int = Field(default=0, ge=0)
    page: int = Field(default=0, ge=0)
    link: int = Field(default=0, ge=0)
    grant: str = ""


class InputKind(StrEnum):
    EDIT = "edit"  # new text of an item
    RENAME = "rename"  # new name of a draft
    TITLE = "title"  # new title of a plan
    FILL = "fill"  # a value for a declared variable (``key``)
    REGION = "region"  # the real name of a placeholder region
    OWN_ITEM = "own_item"  # the text of an item of the user's own (``key``: the section's id)
    OWN_SECTION = "own_section"  # the heading of a section of the user's own
    LEAD = "lead"  # an item's lead (小标题)
    HEADING = "heading"  # a section's heading (``key``: the section's id)


class Pending(Mode):
    """The bot waits for a text about one draft, as it was at ``revision``.

    ``base``: the item's text when the user asked to edit it (to find the item again if the
    draft changed meanwhile). ``text``: the user's text, kept while the bot asks whether to
    apply it over a newer revision (``bot.dialogue.draft._conflict``). ``parts``: the
    paragraphs of a text too long for one item, kept while the bot offers to split it
    (``bot.dialogue.draft._split``).
    """

    KEY = "pending"
    LAYER = 30

    kind: InputKind
    draft_id: str
    revision: int = Field(ge=0)
    section: int = Field(default=0, ge=0)
    item: int = Field(default=0, ge=0)
    key: str = ""
    base: str = ""
    text: str = ""
    parts: list[str] = Field(default_factory=list)


class Undo(Part):
    """The last deleted item, to put back where it was."""

    draft_id: str
    section_id: str
    index: int = Field(ge=0)
    item: Item
