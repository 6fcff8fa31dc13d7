"""One link: its kind, expiry and who opened it; change its expiry, revoke it."""

from __future__ import annotations

from bot.dialogue.actions import Action, Code
from bot.dialogue.codes.sharing import ShareAct
from bot.dialogue.draft import DEFAULT_EXPIRY
from bot.dialogue.layout import DISPLAY_TZ
from bot.dialogue.sharing._access import access
from bot.dialogue.sharing._common import (
    EXPIRY_CHOICES,
    Handler,
    expiry_text,
    index_in,
    kind_label,
    live_link,
    owned,
    person,
    record_view,
)
from bot.dialogue.state.draft import Screen
from bot.dialogue.turn import Turn
from bot.dialogue.types import Reply
from bot.store.models import DraftRecord, ShareRecord


def link_view(
    turn: Turn, record: DraftRecord, link: ShareRecord, number: int, *, note: str = ""
) -> Reply:
    """One link: its kind, expiry and who opened it; change the expiry, revoke it."""
    names = turn.deps.store.shares.names(record.id)
    record_view(turn, Screen.SHARE_LINK, record, link=link.link_id)
    created = link.created_at.astimezone(DISPLAY_TZ).strftime("%Y-%m-%d %H:%M")
    text = turn.screen(
        "share_link", note=note, number=number, kind=kind_label(turn, link.kind),
        expiry=expiry_text(turn, link), created=created,
        opened=[person(turn, names, uid) for uid in link.opened_by],
    )
    expiry = [turn.labelled(f"expiry_{key}", ShareAct.SHARE_EXPIRY, record.id, link.link_id, j)
              for j, (key, _) in enumerate(EXPIRY_CHOICES)]
    revoke = [turn.labelled("btn_revoke", ShareAct.SHARE_REVOKE, record.id, link.link_id)]
    back = [turn.labelled("btn_share_back", ShareAct.SHARE, record.id, DEFAULT_EXPIRY)]
    return turn.reply(text, [expiry, revoke, back])


def _manage(turn: Turn, action: Action) -> list[Reply]:
    record = owned(turn, action.draft)
    found = live_link(turn, record, action.ints[0])
    if found is None:
        return [access(turn, record, DEFAULT_EXPIRY, note=turn.say("link_gone"))]
    return [link_view(turn, record, *found)]


def _expiry(turn: Turn, action: Action) -> list[Reply]:
    record = owned(turn, action.draft)
    expiry = index_in(len(EXPIRY_CHOICES), action.ints[1])
    found = live_link(turn, record, action.ints[0])
    changed = None
    if found is not None:
        changed = turn.deps.store.shares.set_expiry(found[0].token_hash, EXPIRY_CHOICES[expiry][1])
    if found is None or changed is None:
        return [access(turn, record, DEFAULT_EXPIRY, note=turn.say("link_gone"))]
    return [link_view(turn, record, changed, found[1], note=turn.say("expiry_changed"))]


def _revoke(turn: Turn, action: Action) -> list[Reply]:
    record = owned(turn, action.draft)
    found = live_link(turn, record, action.ints[0])
    if found is None:
        return [access(turn, record, DEFAULT_EXPIRY, note=turn.say("link_gone"))]
    turn.deps.store.shares.revoke(found[0].token_hash)
    note = turn.say("link_revoked", n=found[1], kind=kind_label(turn, found[0].kind))
    return [access(turn, record, DEFAULT_EXPIRY, note=note)]


PRESSES: dict[Code, Handler] = {
    ShareAct.SHARE_LINK: _manage,
    ShareAct.SHARE_EXPIRY: _expiry,
    ShareAct.SHARE_REVOKE: _revoke,
}
