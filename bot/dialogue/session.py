"""A user's dialogue state, stored as plain JSON in the ``SessionStore`` and loaded on every event.

What the user is doing is one stack of modes (``bot.dialogue.state``), bottom first:

- ``interview``: the user is answering the questions of a new draft;
- ``view``: the user is looking at a draft, or at the list of drafts;
- ``pending``: the bot waits for a text (new wording of an item, a draft name, a target value);
- ``office``: the 牵头科室 or 配合单位 of a section is being chosen (a button, or a typed name);
- ``clause_question``: /clause without keywords waits for them;
- ``document``: a plan the user sent, while the bot asks whether to check it or roll it forward;
- ``admin``: an admin prepares a change of the clause library (``bot.dialogue.state.admin``);
- none: idle.

The top one is the current mode; /back and /cancel leave it. An interview survives a visit to the
drafts: it resumes when the view is closed. Beside the stack, two notes that are not modes (they
never decide what an event means): ``undo``, the last deleted item, ``clauses``, the /clause
results shown (their buttons name a result by its index), and ``offices``, the names of 科室 and
配合单位 the user gave (offered as buttons next time). ``nonce`` is put into every button; a
press with another nonce is from an older message and is refused.

Stored as in the first version of this format: one key per mode (the stack's order is the
modes' layers), ``clauses.asking`` for the question for keywords. Nothing to migrate.
"""

from __future__ import annotations

import logging
from typing import Any, Literal, TypeVar

from pydantic import Field, ValidationError, model_validator

from bot.dialogue.state.admin import AdminState
from bot.dialogue.state.clauses import ClauseQuestion, ClauseSearch
from bot.dialogue.state.document import DocumentMode
from bot.dialogue.state.draft import Pending, Undo, View
from bot.dialogue.state.interview import Interview
from bot.dialogue.state.mode import Mode, Part
from bot.dialogue.state.offices import OfficeChoice, Offices

SESSION_VERSION: Literal[1] = 1
NONCE_MODULUS = 36**3  # the nonce is three base-36 characters in a button
log = logging.getLogger(__name__)


AnyMode = Interview | View | Pending | OfficeChoice | ClauseQuestion | DocumentMode | AdminState
MODES: tuple[type[AnyMode], ...] = (
    Interview, View, Pending, OfficeChoice, ClauseQuestion, DocumentMode, AdminState,
)
M = TypeVar("M", bound=Mode)
_ASKING = "asking"  # the stored mark of the clause question, in ``clauses``


class Session(Part):
    schema_version: Literal[1] = SESSION_VERSION
    nonce: int = Field(default=0, ge=0, lt=NONCE_MODULUS)
    modes: list[AnyMode] = Field(default_factory=list)  # the stack, bottom first
    undo: Undo | None = None
    clauses: ClauseSearch | None = None
    offices: Offices = Field(default_factory=Offices)  # the user's 科室 and 配合单位, for buttons

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
