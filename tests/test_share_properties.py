"""Random events with sharing in the mix (hypothesis): three users, each with a secret draft,
press what they are shown, forge sharing buttons naming the others' drafts, guess tokens and
post in a group. Nobody who was not given a link ever sees another's draft, nothing crashes,
every stored session validates."""

from __future__ import annotations

import secrets

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.dialogue.actions import encode
from bot.dialogue.codes import Codes as Act
from bot.dialogue.engine import Engine
from bot.dialogue.session import NONCE_MODULUS, Session
from bot.dialogue.types import Button, Event, EventKind, Reply
from tests.chat import check_reply
from tests.share_support import seed_draft, share_engine

USERS = (11, 22, 33)
GROUP = -100500
SECRET = {11: "甲方秘密条目", 22: "乙方秘密条目", 33: "丙方秘密条目"}
NAMES = {11: "甲方草稿", 22: "乙方草稿", 33: "丙方草稿"}
FORGED = {  # sharing acts and how many numbers they carry
    Act.SHARE: 1, Act.SHARE_NEW: 2, Act.SHARE_LINK: 1, Act.SHARE_EXPIRY: 2,
    Act.SHARE_REVOKE: 1, Act.SHARE_REMOVE: 1, Act.VIEW_OPEN: 0, Act.VIEW_PREVIEW: 0,
    Act.VIEW_EXPORT: 1, Act.POST: 0, Act.KEEP_MINE: 1, Act.DISCARD: 0,
}

specs = st.tuples(
    st.sampled_from(USERS),
    st.sampled_from(("press", "press", "press", "forged", "guess", "post", "text", "drafts")),
    st.integers(min_value=0, max_value=1000),
)


class World:
    def __init__(self) -> None:
        self.engine: Engine = share_engine()
        self.buttons: dict[tuple[int, int], list[Button]] = {}
        self.drafts = {u: seed_draft(self.engine, u, NAMES[u], secret=SECRET[u]).id for u in USERS}

    def event(self, user: int, how: str, number: int) -> Event:
        chat = GROUP if how == "post" or (how == "press" and number % 4 == 0) else user
        base = {"user_id": user, "chat_id": chat, "user_name": f"u{user}"}
        offered = self.buttons.get((user, chat), [])
        if how == "press" and offered:
            return Event(kind=EventKind.BUTTON, data=offered[number % len(offered)].data, **base)
        if how == "forged":
            return Event(kind=EventKind.BUTTON, data=self.forge(user, number), **base)
        if how == "guess":
            token = secrets.token_urlsafe(24) if number % 2 else str(number)
            return Event(kind=EventKind.COMMAND, command="start", text=token, **base)
        if how == "post":
            return Event(kind=EventKind.COMMAND, command="post", **base)
        if how == "text":
            return Event(kind=EventKind.TEXT, text=f"改成{number}", **base)
        return Event(kind=EventKind.COMMAND, command="drafts", **base)

    def forge(self, user: int, number: int) -> str:
        data = self.engine.deps.store.sessions.load(user)
        nonce = Session.model_validate(data).nonce if data else number % NONCE_MODULUS
        victim = USERS[(USERS.index(user) + 1 + number % 2) % len(USERS)]
        act = list(FORGED)[number % len(FORGED)]
        numbers = [number % 3, number % 4][: FORGED[act]]
        return encode(nonce, act, self.drafts[victim], *numbers)

    def check(self, user: int, chat: int, replies: list[Reply]) -> None:
        assert replies
        for reply in replies:
            check_reply(reply)
            shown = " ".join([reply.text, reply.notice,
                              *(b.text for row in reply.buttons for b in row),
                              *(d.content.decode("utf-8", "replace") for d in reply.documents
                                if not d.filename.endswith(".docx"))])
            for other in USERS:
                if other != user:
                    assert SECRET[other] not in shown and NAMES[other] not in shown
        stored = self.engine.deps.store.sessions.load(user)
        if stored is not None:
            Session.model_validate(stored)
        if any(r.text for r in replies):
            self.buttons[(user, chat)] = [b for r in replies for row in r.buttons for b in row]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(specs, min_size=1, max_size=40))
def test_sharing_never_leaks_without_a_link(steps: list[tuple[int, str, int]]) -> None:
    world = World()
    for user, how, number in steps:
        event = world.event(user, how, number)
        world.check(user, event.chat_id, world.engine.handle(event))
    for user in USERS:
        record = world.engine.deps.store.drafts.get(world.drafts[user])
        assert record is not None and record.owner == user
        assert record.collaborators == []  # nobody joined: no link was handed to anyone
