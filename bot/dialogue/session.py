"""A user's dialogue state, stored as plain JSON in the ``SessionStore`` and loaded on every event.

What the user is doing is one stack of modes (``bot.dialogue.mode``), bottom first:

- ``interview``: the user is answering the questions of a new draft;
- ``view``: the user is looking at a draft, or at the list of drafts;
- ``pending``: the bot waits for a text (new wording of an item, a draft name, a target value);
- ``clause_question``: /clause without keywords waits for them;
- ``admin``: an admin prepares a change of the clause library (``bot.dialogue.admin_state``);
- none: idle.

The top one is the current mode; /back and /cancel leave it. An interview survives a visit to the
drafts: it resumes when the view is closed. Beside the stack, two notes that are not modes (they
never decide what an event means): ``undo``, the last deleted item, and ``clauses``, the /clause
results shown (their buttons name a result by its index). ``nonce`` is put into every button; a
press with another nonce is from an older message and is refused.

Stored as in the first version of this format: one key per mode (the stack's order is the
modes' layers), ``clauses.asking`` for the question for keywords. Nothing to migrate.
"""

from __future__ import annotations

import logging
import secrets
from enum import StrEnum
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bot.compose.context import Region
from bot.compose.plan import Item, NumberingStyle
from bot.dialogue.admin_state import AdminState
from bot.dialogue.mode import Mode

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


class Interview(Mode):
    """The answers of a new draft, and where the user is among the questions."""

    KEY = "interview"
    LAYER = 10

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


class Pending(Mode):
    """The bot waits for a text about one draft, as it was at ``revision``.

    ``base``: the item's text when the user asked to edit it (to find the item again if the
    draft changed meanwhile). ``text``: the user's text, kept while the bot asks whether to
    apply it over a newer revision (``bot.dialogue.conflict``).
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


class Undo(_Model):
    """The last deleted item, to put back where it was."""

    draft_id: str
    section_id: str
    index: int = Field(ge=0)
    item: Item


class ClauseSearch(_Model):
    """/clause: the keywords, the page shown and its clause ids (buttons carry an index into
    ``ids``); ``draft_id``: the draft open when the user searched (its year filters the results
    and its context renders them; "" when none was open). A note, not a mode."""

    query: str = ""
    page: int = Field(default=0, ge=0)
    ids: list[str] = Field(default_factory=list)
    more: bool = False
    draft_id: str = ""


class ClauseQuestion(Mode):
    """/clause without keywords: the next text is the query (stored as ``clauses.asking``)."""

    KEY = "clause_question"
    LAYER = 40


AnyMode = Interview | View | Pending | ClauseQuestion | AdminState
MODES: tuple[type[AnyMode], ...] = (Interview, View, Pending, ClauseQuestion, AdminState)
M = TypeVar("M", bound=Mode)
_ASKING = "asking"  # the stored mark of the clause question, in ``clauses``


class Session(_Model):
    schema_version: Literal[1] = SESSION_VERSION
    nonce: int = Field(default=0, ge=0, lt=NONCE_MODULUS)
    modes: list[AnyMode] = Field(default_factory=list)  # the stack, bottom first
    undo: Undo | None = None
    clauses: ClauseSearch | None = None

    @model_validator(mode="before")
    @classmethod
    def _stacked(cls, data: Any) -> Any:
        """The stored layout (and ``Session(view=…)``): one key per mode, into the stack."""
        return _stack(data) if isinstance(data, dict) else data

    @model_validator(mode="after")
    def _in_layers(self) -> Session:
        layers = [mode.LAYER for mode in self.modes]
        if layers != sorted(set(layers)):
            raise ValueError("modes out of order or repeated")
        return self

    def bump(self) -> None:
        """A new nonce: the buttons of every earlier message become stale."""
        self.nonce = (self.nonce + 1) % NONCE_MODULUS

    # --- the stack ---------------------------------------------------------------------------

    @property
    def current(self) -> AnyMode | None:
        """The mode on top: what the user is doing now (None: idle)."""
        return self.modes[-1] if self.modes else None

    def mode(self, kind: type[M]) -> M | None:
        """The mode of this kind on the stack, if any (it may be under others)."""
        return next((m for m in self.modes if isinstance(m, kind)), None)

    def enter(self, mode: AnyMode) -> None:
        """Put ``mode`` on the stack at its layer, in place of one of its kind."""
        self.leave(type(mode))
        at = next((k for k, m in enumerate(self.modes) if m.LAYER > mode.LAYER), len(self.modes))
        self.modes.insert(at, mode)

    def leave(self, kind: type[Mode]) -> None:
        """Take the mode of this kind off the stack, wherever it is."""
        self.modes[:] = [m for m in self.modes if not isinstance(m, kind)]

    def pop(self, kind: type[M]) -> M | None:
        """Leave the current mode if it is of this kind (/back, /cancel); the mode left."""
        top = self.current
        if not isinstance(top, kind):
            return None
        self.modes.pop()
        return top

    def _put(self, kind: type[Mode], mode: AnyMode | None) -> None:
        if mode is None:
            self.leave(kind)
        else:
            self.enter(mode)

    # The modes by name, as the features read and set them (None: not on the stack).

    @property
    def interview(self) -> Interview | None:
        return self.mode(Interview)

    @interview.setter
    def interview(self, mode: Interview | None) -> None:
        self._put(Interview, mode)

    @property
    def view(self) -> View | None:
        return self.mode(View)

    @view.setter
    def view(self, mode: View | None) -> None:
        self._put(View, mode)

    @property
    def pending(self) -> Pending | None:
        return self.mode(Pending)

    @pending.setter
    def pending(self, mode: Pending | None) -> None:
        self._put(Pending, mode)

    @property
    def admin(self) -> AdminState | None:
        return self.mode(AdminState)

    @admin.setter
    def admin(self, mode: AdminState | None) -> None:
        self._put(AdminState, mode)


def _stack(data: dict[str, Any]) -> dict[str, Any]:
    """Modes stored (or given) by key go on the stack, in the order of their layers."""
    out = dict(data)
    modes: list[Any] = list(out.pop("modes", []))
    clauses = out.get("clauses")
    if isinstance(clauses, dict) and _ASKING in clauses:
        out["clauses"] = {k: v for k, v in clauses.items() if k != _ASKING}
        if clauses[_ASKING]:
            out[ClauseQuestion.KEY] = {}
    for kind in MODES:  # in the order of their layers
        value = out.pop(kind.KEY, None)
        if value is not None:
            modes.append(value if isinstance(value, kind) else kind.model_validate(value))
    out["modes"] = modes
    return out


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
    """Plain JSON: the stack as one key per mode (see the module docstring)."""
    data = session.model_dump(mode="json", exclude_defaults=True, exclude={"modes"})
    for mode in session.modes:
        if isinstance(mode, ClauseQuestion):
            data.setdefault("clauses", {})[_ASKING] = True
        else:
            data[mode.KEY] = mode.model_dump(mode="json", exclude_defaults=True)
    data["schema_version"] = SESSION_VERSION
    return data


def _stored_nonce(data: dict[str, Any]) -> int:
    """Keep counting from a discarded session's nonce, so its buttons stay stale."""
    nonce = data.get("nonce")
    return (nonce + 1) % NONCE_MODULUS if isinstance(nonce, int) and nonce >= 0 else 0
