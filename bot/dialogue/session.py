"""A user's dialogue state, stored as plain JSON in the ``SessionStore`` and loaded on every event.

What the user is doing is derived from which parts are set, in this order:

- ``admin``: an admin prepares a change of the clause library (``bot.dialogue.admin_state``);
- ``clauses``: /clause, the clauses found (its results message; it leaves the view as it is,
  and waits for the keywords when ``asking``);
- ``pending``: the bot waits for a text (new wording of an item, a draft name, a target value);
- ``view``: the user is looking at a draft, or at the list of drafts;
- ``interview``: the user is answering the questions of a new draft;
- none: idle.

An interview survives a visit to the drafts: it resumes when the view is closed. ``nonce`` is put
into every button; a press with another nonce is from an older message and is refused.
"""

from __future__ import annotations

import logging
import secrets
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.compose.context import Region
from bot.compose.plan import Item, NumberingStyle
from bot.dialogue.admin_state import AdminState

SESSION_VERSION: Literal[1] = 1
NONCE_MODULUS = 36**3  # the nonce is three base-36 characters in a button
MAX_HISTORY = 60

log = logging.getLogger(__name__)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class RegionChoice(_Model):
    """A typed region name waiting for the user: pick a candidate, or (none found) a level or
    one of the ``similar`` known regions (the same name at another level)."""

    name: str
    candidates: list[Region] = Field(default_factory=list)
    province: str = ""
    similar: list[Region] = Field(default_factory=list)


class Interview(_Model):
    """The answers of a new draft, and where the user is among the questions."""

    region: Region | None = None
    region_choice: RegionChoice | None = None
    year: int | None = None
    kind: str | None = None
    topics: list[str] = Field(default_factory=list)  # in the order tapped
    topics_done: bool = False
    targets: dict[str, str] = Field(default_factory=dict)
    skipped: list[str] = Field(default_factory=list)  # 跳过: the line stays, with 【待填】
    left_out: list[str] = Field(default_factory=list)  # 全部跳过: no line in the draft
    style: NumberingStyle | None = None
    history: list[str] = Field(default_factory=list)  # steps left, oldest first (for /back)
    revisit: list[str] = Field(default_factory=list)  # answered steps to ask again first
    page: int = Field(default=0, ge=0)  # page of the priority buttons
    # Marks the draft this interview creates, so a crash between saving the draft and saving the
    # session cannot turn a second press of 生成草稿 into a duplicate draft.
    key: str = Field(default_factory=lambda: secrets.token_hex(8))


class Screen(StrEnum):
    LIST = "list"
    OVERVIEW = "overview"
    SECTION = "section"
    ITEM = "item"
    ADD = "add"
    TODO = "todo"
    EXPORT = "export"
    DELETE = "delete"  # asking to confirm the deletion of a draft
    SHARE = "share"  # who has access, the links; ``page``: expiry choice for new links
    SHARE_LINK = "share_link"  # one link (``link``: its id): expiry, revoke
    SHARED = "shared"  # a draft opened by a view link (``grant``: the link's hash), read only


class View(_Model):
    """Which draft screen the user is on (for /back, /help and after an error)."""

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


class Pending(_Model):
    """The bot waits for a text about one draft, as it was at ``revision``.

    ``base``: the item's text when the user asked to edit it (to find the item again if the
    draft changed meanwhile). ``text``: the user's text, kept while the bot asks whether to
    apply it over a newer revision (``bot.dialogue.conflict``).
    """

    kind: InputKind
    draft_id: str
    revision: int = Field(ge=0)
    section: int = Field(default=0, ge=0)
    item: int = Field(default=0, ge=0)
    key: str = ""
    base: str = ""
    text: str = ""


class Undo(_Model):
    """The last deleted item, to put back where it was."""

    draft_id: str
    section_id: str
    index: int = Field(ge=0)
    item: Item


class ClauseSearch(_Model):
    """/clause: the keywords, the page shown and its clause ids (buttons carry an index into
    ``ids``); ``draft_id``: the draft open when the user searched (its year filters the results
    and its context renders them; "" when none was open)."""

    query: str = ""
    asking: bool = False  # /clause without keywords: the next text is the query
    page: int = Field(default=0, ge=0)
    ids: list[str] = Field(default_factory=list)
    more: bool = False
    draft_id: str = ""


class Session(_Model):
    schema_version: Literal[1] = SESSION_VERSION
    nonce: int = Field(default=0, ge=0, lt=NONCE_MODULUS)
    interview: Interview | None = None
    view: View | None = None
    pending: Pending | None = None
    undo: Undo | None = None
    admin: AdminState | None = None
    clauses: ClauseSearch | None = None

    def bump(self) -> None:
        """A new nonce: the buttons of every earlier message become stale."""
        self.nonce = (self.nonce + 1) % NONCE_MODULUS


def load_session(data: dict[str, Any] | None) -> Session:
    """The stored session, or a fresh one if there is none or it does not validate."""
    if data is None:
        return Session()
    try:
        return Session.model_validate(data)
    except ValidationError as exc:
        where = [".".join(map(str, e["loc"])) for e in exc.errors()[:3]]
        log.warning("discarding a session that does not validate at %s", where)
        return Session(nonce=_stored_nonce(data))


def dump_session(session: Session) -> dict[str, Any]:
    data = session.model_dump(mode="json", exclude_defaults=True)
    data["schema_version"] = SESSION_VERSION
    return data


def _stored_nonce(data: dict[str, Any]) -> int:
    """Keep counting from a discarded session's nonce, so its buttons stay stale."""
    nonce = data.get("nonce")
    return (nonce + 1) % NONCE_MODULUS if isinstance(nonce, int) and nonce >= 0 else 0
