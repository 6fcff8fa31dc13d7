"""Who has access to a draft (collaborators, live links), making a link, removing a person."""

from __future__ import annotations

from bot.dialogue.actions import Action, Code
from bot.dialogue.codes.draft import DraftAct
from bot.dialogue.codes.sharing import ShareAct
from bot.dialogue.draft import DEFAULT_EXPIRY
from bot.dialogue.layout import short
from bot.dialogue.sharing._common import (
    EXPIRY_CHOICES,
    MAX_BUTTONS,
    NAME_LABEL,
    SHARE_KINDS,
    Handler,
    expiry_text,
    index_in,
    kind_label,
    link_url,
    owned,
    person,
    record_view,
    user_tag,
)
from bot.dialogue.state.draft import Screen
from bot.dialogue.turn import Turn, rows
from bot.dialogue.types import Button, Reply
from bot.store.models import DraftRecord, ShareKind, ShareRecord


def access(turn: Turn, record: DraftRecord, expiry: int, *, note: str = "") -> Reply:
    """Who has access (collaborators, live links) and the buttons to share and revoke."""
    shares = turn.deps.store.shares
    links = shares.for_draft(record.id)
    names = shares.names(record.id)
    record_view(turn, Screen.SHARE, record, page=expiry)
    people = [person(turn, names, uid) for uid in record.collaborators]
    listed = [
        {"kind": kind_label(turn, link.kind), "expiry": expiry_text(turn, link),
         "opened": len(link.opened_by)}
        for link in links
    ]
    text = turn.screen(
        "share_access", note=note, draft_name=record.name, people=people, links=listed,
        expiry=turn.say(f"expiry_{EXPIRY_CHOICES[expiry][0]}"),
    )
    make = [turn.labelled(f"btn_share_{kind.value}", ShareAct.SHARE_NEW, record.id, k, expiry)
            for k, kind in enumerate(SHARE_KINDS)]
    choose = [_choice(turn, record, j, j == expiry) for j in range(len(EXPIRY_CHOICES))]
    manage = [turn.labelled("btn_link", ShareAct.SHARE_LINK, record.id, link.link_id, n=n,
                            kind=kind_label(turn, link.kind))
              for n, link in enumerate(links[:MAX_BUTTONS], start=1)]
    remove = [turn.labelled("btn_remove_person", ShareAct.SHARE_REMOVE, record.id, user_tag(uid),
                            name=short(person(turn, names, uid), NAME_LABEL))
              for uid in record.collaborators[:MAX_BUTTONS]]
    back = [turn.labelled("btn_overview", DraftAct.OPEN, record.id)]
    return turn.reply(text, [make, choose, *rows(manage, 2), *rows(remove, 2), back])


def _choice(turn: Turn, record: DraftRecord, j: int, chosen: bool) -> Button:
    label = turn.say(f"expiry_{EXPIRY_CHOICES[j][0]}")
    if chosen:
        label = turn.say("btn_chosen", label=label)
    return turn.button(label, ShareAct.SHARE, record.id, j)


def new_link(turn: Turn, record: DraftRecord, token: str, link: ShareRecord) -> Reply:
    """The link (or, without a bot name, the token for /open), in a message of its own."""
    text = turn.screen(
        "share_new", kind=link.kind.value, kind_label=kind_label(turn, link.kind),
        url=link_url(turn, token), token=token, expiry=expiry_text(turn, link),
        draft_name=record.name,
    )
    return Reply(text=text)


def _share(turn: Turn, action: Action) -> list[Reply]:
    record = owned(turn, action.draft)
    return [access(turn, record, index_in(len(EXPIRY_CHOICES), action.ints[0]))]


def _new(turn: Turn, action: Action) -> list[Reply]:
    record = owned(turn, action.draft)
    kind = SHARE_KINDS[index_in(len(SHARE_KINDS), action.ints[0])]
    expiry = index_in(len(EXPIRY_CHOICES), action.ints[1])
    shares = turn.deps.store.shares
    shares.remember_name(record.id, turn.user_id, turn.event.user_name)
    token, link = shares.create(record.id, kind, turn.user_id, EXPIRY_CHOICES[expiry][1])
    note = turn.say("link_made")
    return [access(turn, record, expiry, note=note), new_link(turn, record, token, link)]


def _remove(turn: Turn, action: Action) -> list[Reply]:
    record = owned(turn, action.draft)
    user = next((u for u in record.collaborators if user_tag(u) == action.ints[0]), None)
    if user is None:
        return [access(turn, record, DEFAULT_EXPIRY, note=turn.say("person_gone"))]
    store = turn.deps.store
    store.drafts.remove_collaborator(record.id, user)
    edit_links = any(link.kind is ShareKind.EDIT for link in store.shares.for_draft(record.id))
    name = person(turn, store.shares.names(record.id), user)
    note = turn.say("person_removed", name=name, edit_links=edit_links)
    return [access(turn, store.drafts.get(record.id) or record, DEFAULT_EXPIRY, note=note)]


PRESSES: dict[Code, Handler] = {
    ShareAct.SHARE: _share,
    ShareAct.SHARE_NEW: _new,
    ShareAct.SHARE_REMOVE: _remove,
}
