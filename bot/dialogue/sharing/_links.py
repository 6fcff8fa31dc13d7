"""Sharing a draft by link: make, list, expire and revoke links; open one; read a shared draft.

A link is ``https://t.me/<bot>?start=<token>`` (Telegram sends ``/start <token>``); where the
transport has no bot name (the console) the token is shown and opened with ``/open <token>``.
What opening does depends on the link's kind:

- view: the draft read only (overview, preview, export), for as long as the link lives: every
  press checks the link again, so revoking or expiry takes effect at once;
- copy: a new draft owned by the colleague, a copy of the draft as it is now;
- edit: the colleague becomes a collaborator (the draft joins their /drafts, marked shared).

An unknown, mistyped, revoked or expired token, or a link to a deleted draft, gets one and the
same answer, which says nothing about any draft. Only the owner manages sharing.

Here: opening a link, showing a sharing screen again, /back, and the feature; the screens live
with their presses in ``_access`` (who has access, a new link), ``_one_link`` (one link) and
``_read_only`` (a draft opened by a view link).
"""

from __future__ import annotations

from bot.compose.refine import MAX_NAME
from bot.dialogue import draft as drafts
from bot.dialogue.actions import Action, Code
from bot.dialogue.draft import DEFAULT_EXPIRY, carried, overview
from bot.dialogue.layout import short
from bot.dialogue.router import Feature
from bot.dialogue.sharing import _access, _one_link, _read_only
from bot.dialogue.sharing._access import access
from bot.dialogue.sharing._common import EXPIRY_CHOICES, Handler, live_link, owned
from bot.dialogue.sharing._one_link import link_view
from bot.dialogue.sharing._read_only import closed_view, granted, shared_view
from bot.dialogue.state.draft import Screen, View
from bot.dialogue.turn import Rejected, Turn
from bot.dialogue.types import Reply
from bot.errors import InputError
from bot.store.models import ShareKind

_START_PARAM = "start="


# --- opening a link ----------------------------------------------------------------------------


def open_link(turn: Turn) -> list[Reply]:
    """``/start <token>`` or ``/open <token>`` (a pasted link works too)."""
    token = turn.event.text.strip()
    if _START_PARAM in token:
        token = token.rpartition(_START_PARAM)[2]
    store = turn.deps.store
    link = store.shares.find(token)
    record = store.drafts.get(link.draft_id) if link is not None else None
    if link is None or record is None:
        return [Reply(text=turn.say("link_invalid"))]
    turn.session.pending = None
    user = turn.user_id
    if record.visible_to(user):
        note = "link_own" if record.owner == user else "link_already"
        return [overview(turn, record, note=turn.say(note, name=record.name))]
    store.shares.opened(link.token_hash, user, turn.event.user_name)
    if link.kind is ShareKind.VIEW:
        return [shared_view(turn, record, link.token_hash, note=turn.say("link_view"))]
    if link.kind is ShareKind.COPY:
        name = short(turn.say("copy_name", name=record.name), MAX_NAME)
        copy = store.drafts.create(user, name, record.plan, carried(record))
        return [overview(turn, copy, note=turn.say("link_copied", name=record.name))]
    store.drafts.add_collaborator(record.id, user)
    joined = store.drafts.get(record.id) or record
    return [overview(turn, joined, note=turn.say("link_joined", name=record.name))]


HANDLERS: dict[Code, Handler] = {**_access.PRESSES, **_one_link.PRESSES, **_read_only.PRESSES}


def on_button(turn: Turn, action: Action) -> list[Reply]:
    return HANDLERS[action.act](turn, action)


# --- showing the current screen again; /back ----------------------------------------------------


def show(turn: Turn) -> Reply:
    """The current view again: the sharing screens here, the others in ``drafts.show``."""
    view = turn.session.view
    assert view is not None
    if view.screen is Screen.SHARED:
        record = granted(turn, view.draft_id)
        return shared_view(turn, record, view.grant) if record else closed_view(turn)[0]
    if view.screen in (Screen.SHARE, Screen.SHARE_LINK):
        try:
            record = owned(turn, view.draft_id)
        except (Rejected, InputError):
            turn.session.view = View(screen=Screen.OVERVIEW, draft_id=view.draft_id)
            return drafts.show(turn)
        found = live_link(turn, record, view.link) if view.screen is Screen.SHARE_LINK else None
        if found is not None:
            return link_view(turn, record, *found)
        return access(turn, record, view.page if view.page < len(EXPIRY_CHOICES) else 0)
    return drafts.show(turn)


def up(turn: Turn) -> Reply | None:
    """/back: a link → the access screen; a read-only draft → the user's drafts."""
    view = turn.session.view
    assert view is not None
    if view.screen is Screen.SHARE_LINK:
        turn.session.view = View(screen=Screen.SHARE, draft_id=view.draft_id, page=DEFAULT_EXPIRY)
        return show(turn)
    if view.screen is Screen.SHARED:
        turn.session.view = View(screen=Screen.LIST)
        return drafts.show(turn)
    return drafts.up(turn)


# --- the feature ---------------------------------------------------------------------------------

PRIORITY = 35  # its screens of a draft come before the draft's own
SCREENS = frozenset({Screen.SHARE, Screen.SHARE_LINK, Screen.SHARED})


def _mine(turn: Turn, screens: frozenset[Screen] = SCREENS) -> bool:
    view = turn.session.view
    return view is not None and view.screen in screens


def _start(turn: Turn) -> list[Reply] | None:
    """``/start <token>``: a deep link (a plain /start is the engine's welcome)."""
    return open_link(turn) if turn.event.text.strip() else None


def _open(turn: Turn) -> list[Reply]:
    if not turn.event.text.strip():
        return [Reply(text=turn.say("open_usage"))]
    return open_link(turn)


def _back(turn: Turn) -> list[Reply] | None:
    """A link → the access screen; a read-only draft → the drafts (the access screen goes up
    like any screen of a draft)."""
    shown = up(turn) if _mine(turn, SCREENS - {Screen.SHARE}) else None
    return [shown] if shown is not None else None


FEATURE = Feature(
    name="sharing", priority=PRIORITY, acts=frozenset(HANDLERS), press=on_button,
    commands={"start": _start, "open": _open},
    screen=lambda turn: [show(turn)] if _mine(turn) else None,
    back=_back,
)
