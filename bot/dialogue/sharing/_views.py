"""The screens of sharing: who has access, one link, a new link, a draft opened read-only.

Only the owner sees the access screens. A link's token is shown once, in its own message, when
it is made (only its hash is stored); buttons name a link by its ``link_id``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.compose.plan import PLACEHOLDER_RE, Plan, SectionRole
from bot.dialogue.codes.draft import DraftAct
from bot.dialogue.codes.sharing import ShareAct
from bot.dialogue.draft import (
    DEFAULT_EXPIRY,
    EXPORT_FORMATS,
    Labels,
    load_plan,
    section_name,
)
from bot.dialogue.layout import DISPLAY_TZ, short
from bot.dialogue.state.draft import Screen, View
from bot.dialogue.turn import Turn, rows
from bot.dialogue.types import Button, Reply
from bot.store.models import DraftRecord, ShareKind, ShareRecord

# (message id suffix, lifetime); a new link gets the default unless the owner picks another
EXPIRY_CHOICES: tuple[tuple[str, timedelta | None], ...] = (
    ("1d", timedelta(days=1)),
    ("7d", timedelta(days=7)),
    ("30d", timedelta(days=30)),
    ("never", None),
)
assert EXPIRY_CHOICES[DEFAULT_EXPIRY][0] == "30d"
SHARE_KINDS = (ShareKind.VIEW, ShareKind.COPY, ShareKind.EDIT)
USER_TAG = 36**7  # a collaborator in a button: the user id modulo this (7 base-36 digits)
NAME_LABEL = 12
MAX_BUTTONS = 30  # links and people with a button each (Telegram allows 100 buttons a message)
LINK_BASE = "https://t.me/{bot}?start={token}"


def user_tag(user_id: int) -> int:
    return user_id % USER_TAG


def person(turn: Turn, names: dict[int, str], user_id: int) -> str:
    """What to call a user: the name they had when they used a link, else their id."""
    return names.get(user_id) or turn.say("person_unknown", id=user_id)


def kind_label(turn: Turn, kind: ShareKind) -> str:
    return turn.say(f"share_kind_{kind.value}")


def expiry_text(turn: Turn, link: ShareRecord) -> str:
    if link.expires_at is None:
        return turn.say("expires_never")
    when = link.expires_at.astimezone(DISPLAY_TZ).strftime("%Y-%m-%d %H:%M")
    return turn.say("expires_at", when=when)


def link_url(turn: Turn, token: str) -> str:
    """``https://t.me/<bot>?start=<token>``; empty where the transport has no bot name."""
    bot = turn.event.bot_username
    return LINK_BASE.format(bot=bot, token=token) if bot else ""


def summaries(turn: Turn, plan: Plan) -> list[dict[str, Any]]:
    """The sections as the overview lists them: label, heading, how many items."""
    labels = Labels.of(plan)
    return [
        {"label": labels.sections.get(s, ""), "heading": section_name(turn, plan, s),
         "count": len(section.items), "group": section.role is SectionRole.GROUP}
        for s, section in enumerate(plan.sections)
    ]


def placeholder_count(plan: Plan) -> int:
    return sum(len(PLACEHOLDER_RE.findall(text)) for text in plan.texts())


def _go(turn: Turn, screen: Screen, record: DraftRecord, **fields: Any) -> None:
    turn.session.view = View(screen=screen, draft_id=record.id, **fields)


def access(turn: Turn, record: DraftRecord, expiry: int, *, note: str = "") -> Reply:
    """Who has access (collaborators, live links) and the buttons to share and revoke."""
    shares = turn.deps.store.shares
    links = shares.for_draft(record.id)
    names = shares.names(record.id)
    _go(turn, Screen.SHARE, record, page=expiry)
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


def link_view(
    turn: Turn, record: DraftRecord, link: ShareRecord, number: int, *, note: str = ""
) -> Reply:
    """One link: its kind, expiry and who opened it; change the expiry, revoke it."""
    names = turn.deps.store.shares.names(record.id)
    _go(turn, Screen.SHARE_LINK, record, link=link.link_id)
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


def new_link(turn: Turn, record: DraftRecord, token: str, link: ShareRecord) -> Reply:
    """The link (or, without a bot name, the token for /open), in a message of its own."""
    text = turn.screen(
        "share_new", kind=link.kind.value, kind_label=kind_label(turn, link.kind),
        url=link_url(turn, token), token=token, expiry=expiry_text(turn, link),
        draft_name=record.name,
    )
    return Reply(text=text)


def shared_view(turn: Turn, record: DraftRecord, grant: str, *, note: str = "") -> Reply:
    """A draft opened by a view link: read it, preview it, export it; nothing else."""
    plan = load_plan(record)
    _go(turn, Screen.SHARED, record, grant=grant)
    owner = turn.deps.store.shares.names(record.id).get(record.owner, "")
    text = turn.screen(
        "share_view", note=note, title=plan.title, sections=summaries(turn, plan),
        placeholders=placeholder_count(plan), owner=owner,
    )
    formats = [f for f in EXPORT_FORMATS if f != "docx" or turn.deps.word_export is not None]
    export = [turn.labelled(f"btn_export_{fmt}", ShareAct.VIEW_EXPORT, record.id,
                            EXPORT_FORMATS.index(fmt)) for fmt in formats]
    return turn.reply(text, [
        [turn.labelled("btn_preview", ShareAct.VIEW_PREVIEW, record.id)],
        *rows(export, 1),
        [turn.labelled("btn_drafts", DraftAct.LIST, 0)],
    ])
