"""What the screens of sharing use: the expiry choices and kinds of links, what to call a
person, a link's expiry and address, a draft's summary, the owner's checks.

Only the owner manages sharing. A link's token is shown once, in its own message, when it is made
(only its hash is stored); buttons name a link by its ``link_id``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from bot.compose.plan import PLACEHOLDER_RE, Plan, SectionRole
from bot.dialogue.actions import Action
from bot.dialogue.draft import DEFAULT_EXPIRY, Labels, section_name
from bot.dialogue.layout import DISPLAY_TZ
from bot.dialogue.state.draft import Screen, View
from bot.dialogue.turn import Rejected, Turn
from bot.dialogue.types import Reply
from bot.errors import InputError
from bot.store.models import DraftRecord, ShareKind, ShareRecord

Handler = Callable[[Turn, Action], list[Reply]]


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


def record_view(turn: Turn, screen: Screen, record: DraftRecord, **fields: Any) -> None:
    turn.session.view = View(screen=screen, draft_id=record.id, **fields)


def owned(turn: Turn, draft_id: str) -> DraftRecord:
    record = turn.draft(draft_id)
    if record.owner != turn.user_id:
        raise InputError("only_owner_shares")
    return record


def index_in(options: int, index: int) -> int:
    if not 0 <= index < options:
        raise Rejected("button_invalid")
    return index


def live_link(turn: Turn, record: DraftRecord, link_id: int) -> tuple[ShareRecord, int] | None:
    """The live link of the draft with this id, and its number on the access screen."""
    links = turn.deps.store.shares.for_draft(record.id)
    return next(((link, n) for n, link in enumerate(links, start=1) if link.link_id == link_id),
                None)
