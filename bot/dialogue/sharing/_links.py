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
"""

from __future__ import annotations

from collections.abc import Callable

from bot.compose.refine import MAX_NAME
from bot.dialogue import draft as drafts
from bot.dialogue.actions import Action, Code
from bot.dialogue.codes.sharing import ShareAct
from bot.dialogue.draft import (
    DEFAULT_EXPIRY,
    EXPORT_FORMATS,
    carried,
    export_document,
    load_plan,
    overview,
)
from bot.dialogue.layout import short
from bot.dialogue.router import Feature
from bot.dialogue.sharing._views import (
    EXPIRY_CHOICES,
    SHARE_KINDS,
    access,
    kind_label,
    link_view,
    new_link,
    person,
    shared_view,
    user_tag,
)
from bot.dialogue.state.draft import Screen, View
from bot.dialogue.turn import Rejected, Turn
from bot.dialogue.types import Reply
from bot.errors import InputError
from bot.export.text import plan_to_text
from bot.store.models import DraftRecord, ShareKind, ShareRecord

Handler = Callable[[Turn, Action], list[Reply]]
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


# --- the owner's screens -----------------------------------------------------------------------


def _owned(turn: Turn, draft_id: str) -> DraftRecord:
    record = turn.draft(draft_id)
    if record.owner != turn.user_id:
        raise InputError("only_owner_shares")
    return record


def _index(options: int, index: int) -> int:
    if not 0 <= index < options:
        raise Rejected("button_invalid")
    return index


def _link(turn: Turn, record: DraftRecord, link_id: int) -> tuple[ShareRecord, int] | None:
    """The live link of the draft with this id, and its number on the access screen."""
    links = turn.deps.store.shares.for_draft(record.id)
    return next(((link, n) for n, link in enumerate(links, start=1) if link.link_id == link_id),
                None)


def _share(turn: Turn, action: Action) -> list[Reply]:
    record = _owned(turn, action.draft)
    return [access(turn, record, _index(len(EXPIRY_CHOICES), action.ints[0]))]


def _new(turn: Turn, action: Action) -> list[Reply]:
    record = _owned(turn, action.draft)
    kind = SHARE_KINDS[_index(len(SHARE_KINDS), action.ints[0])]
    expiry = _index(len(EXPIRY_CHOICES), action.ints[1])
    shares = turn.deps.store.shares
    shares.remember_name(record.id, turn.user_id, turn.event.user_name)
    token, link = shares.create(record.id, kind, turn.user_id, EXPIRY_CHOICES[expiry][1])
    note = turn.say("link_made")
    return [access(turn, record, expiry, note=note), new_link(turn, record, token, link)]


def _manage(turn: Turn, action: Action) -> list[Reply]:
    record = _owned(turn, action.draft)
    found = _link(turn, record, action.ints[0])
    if found is None:
        return [access(turn, record, DEFAULT_EXPIRY, note=turn.say("link_gone"))]
    return [link_view(turn, record, *found)]


def _expiry(turn: Turn, action: Action) -> list[Reply]:
    record = _owned(turn, action.draft)
    expiry = _index(len(EXPIRY_CHOICES), action.ints[1])
    found = _link(turn, record, action.ints[0])
    changed = None
    if found is not None:
        changed = turn.deps.store.shares.set_expiry(found[0].token_hash, EXPIRY_CHOICES[expiry][1])
    if found is None or changed is None:
        return [access(turn, record, DEFAULT_EXPIRY, note=turn.say("link_gone"))]
    return [link_view(turn, record, changed, found[1], note=turn.say("expiry_changed"))]


def _revoke(turn: Turn, action: Action) -> list[Reply]:
    record = _owned(turn, action.draft)
    found = _link(turn, record, action.ints[0])
    if found is None:
        return [access(turn, record, DEFAULT_EXPIRY, note=turn.say("link_gone"))]
    turn.deps.store.shares.revoke(found[0].token_hash)
    note = turn.say("link_revoked", n=found[1], kind=kind_label(turn, found[0].kind))
    return [access(turn, record, DEFAULT_EXPIRY, note=note)]


def _remove(turn: Turn, action: Action) -> list[Reply]:
    record = _owned(turn, action.draft)
    user = next((u for u in record.collaborators if user_tag(u) == action.ints[0]), None)
    if user is None:
        return [access(turn, record, DEFAULT_EXPIRY, note=turn.say("person_gone"))]
    store = turn.deps.store
    store.drafts.remove_collaborator(record.id, user)
    edit_links = any(link.kind is ShareKind.EDIT for link in store.shares.for_draft(record.id))
    name = person(turn, store.shares.names(record.id), user)
    note = turn.say("person_removed", name=name, edit_links=edit_links)
    return [access(turn, store.drafts.get(record.id) or record, DEFAULT_EXPIRY, note=note)]


# --- a draft opened by a view link -------------------------------------------------------------


def _granted(turn: Turn, draft_id: str) -> DraftRecord | None:
    """The draft of the user's read-only view if its link still lives; ``None`` if not."""
    view = turn.session.view
    if view is None or view.screen is not Screen.SHARED or view.draft_id != draft_id:
        raise Rejected("button_invalid")
    store = turn.deps.store
    link = store.shares.get(view.grant)
    if link is None or link.draft_id != draft_id or link.kind is not ShareKind.VIEW:
        return None
    return store.drafts.get(draft_id)


def _closed(turn: Turn) -> list[Reply]:
    """The link died while the draft was shown: say so (in the same words), show nothing."""
    turn.session.view = None
    return [turn.reply(turn.say("link_invalid"))]


def _view_open(turn: Turn, action: Action) -> list[Reply]:
    record = _granted(turn, action.draft)
    if record is None:
        return _closed(turn)
    assert turn.session.view is not None
    return [shared_view(turn, record, turn.session.view.grant)]


def _view_preview(turn: Turn, action: Action) -> list[Reply]:
    record = _granted(turn, action.draft)
    if record is None:
        return _closed(turn)
    menu = turn.reply(turn.say("preview_done"), [[
        turn.labelled("btn_overview", ShareAct.VIEW_OPEN, record.id),
    ]], edit=False)
    return [Reply(text=plan_to_text(load_plan(record))), menu]


def _view_export(turn: Turn, action: Action) -> list[Reply]:
    record = _granted(turn, action.draft)
    if record is None:
        return _closed(turn)
    fmt = EXPORT_FORMATS[_index(len(EXPORT_FORMATS), action.ints[0])]
    document = export_document(turn, load_plan(record), fmt)
    assert turn.session.view is not None
    screen = shared_view(turn, record, turn.session.view.grant)
    return [screen, Reply(text=turn.say("exported", filename=document.filename),
                          documents=[document])]


HANDLERS: dict[Code, Handler] = {
    ShareAct.SHARE: _share,
    ShareAct.SHARE_NEW: _new,
    ShareAct.SHARE_LINK: _manage,
    ShareAct.SHARE_EXPIRY: _expiry,
    ShareAct.SHARE_REVOKE: _revoke,
    ShareAct.SHARE_REMOVE: _remove,
    ShareAct.VIEW_OPEN: _view_open,
    ShareAct.VIEW_PREVIEW: _view_preview,
    ShareAct.VIEW_EXPORT: _view_export,
}


def on_button(turn: Turn, action: Action) -> list[Reply]:
    return HANDLERS[action.act](turn, action)


# --- showing the current screen again; /back ----------------------------------------------------


def show(turn: Turn) -> Reply:
    """The current view again: the sharing screens here, the others in ``drafts.show``."""
    view = turn.session.view
    assert view is not None
    if view.screen is Screen.SHARED:
        record = _granted(turn, view.draft_id)
        return shared_view(turn, record, view.grant) if record else _closed(turn)[0]
    if view.screen in (Screen.SHARE, Screen.SHARE_LINK):
        try:
            record = _owned(turn, view.draft_id)
        except (Rejected, InputError):
            turn.session.view = View(screen=Screen.OVERVIEW, draft_id=view.draft_id)
            return drafts.show(turn)
        found = _link(turn, record, view.link) if view.screen is Screen.SHARE_LINK else None
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
