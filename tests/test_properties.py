"""Random event sequences from three users against one engine (hypothesis).

Whatever they send — commands (/clause searches included), texts, presses of the buttons they
were shown, junk data, forged buttons naming another user's draft — the engine never raises,
never shows one user's draft to another, keeps every stored session valid, and every reply has
something to show with button data within 64 bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.compose.assemble import PlanRequest, assemble_plan
from bot.compose.gazetteer import resolve_region
from bot.dialogue.actions import encode
from bot.dialogue.codes import Codes as Act
from bot.dialogue.engine import Engine
from bot.dialogue.session import NONCE_MODULUS, Session
from bot.dialogue.types import Button, Event, EventKind, Reply
from bot.search import Analyzer, MissLog, SearchService
from bot.store import memory_store
from tests.chat import check_reply, make_engine, small_library

USERS = (11, 22, 33)
SECRET = {11: "甲方秘密条目", 22: "乙方秘密条目", 33: "丙方秘密条目"}
NAMES = {11: "甲方草稿", 22: "乙方草稿", 33: "丙方草稿"}
COMMANDS = ("start", "new", "drafts", "clause", "back", "skip", "cancel", "help", "frob")
TEXTS = (
    "清远", "朝阳", "桃花源", "某县", "2026", "2019年", "1999", "abc", "92", "120", "-3", "5",
    "工作要点", "学前教育、党的建设", "体育", "  ", "长" * 4001, "字" * 2001, "【待填：县名】",
    "幼儿园", "義務教育 均衡", "教育",
)

event_specs = st.tuples(
    st.sampled_from(USERS),
    st.sampled_from(("command", "text", "press", "press", "press", "junk", "forged")),
    st.one_of(st.sampled_from(COMMANDS), st.sampled_from(TEXTS), st.text(max_size=12)),
    st.integers(min_value=0, max_value=1000),
)


@pytest.fixture(scope="module")
def search(clause_analyzer: Analyzer, tmp_path_factory: pytest.TempPathFactory) -> SearchService:
    """One search index over the tests' library for every example (/clause)."""
    misses = MissLog(tmp_path_factory.mktemp("properties") / "misses.json")
    return SearchService(clause_analyzer, small_library(), misses)


@dataclass
class World:
    search: SearchService
    engine: Engine = field(init=False)
    buttons: dict[int, list[Button]] = field(default_factory=dict)
    drafts: dict[int, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.engine = make_engine(memory_store(), page_size=2, search=self.search)

    def seed(self) -> None:
        """Each user owns a draft holding a text nobody else may ever see."""
        library = small_library()
        region = resolve_region("清远市").candidates[0]
        for user in USERS:
            plan = assemble_plan(
                PlanRequest(region=region, year=2026, topics=["preschool", "party"]), library
            )
            plan.sections[1].items[0].text = SECRET[user]
            plan.sections[1].items[0].edited = True
            record = self.engine.deps.store.drafts.create(user, NAMES[user],
                                                          plan.model_dump(mode="json"))
            self.drafts[user] = record.id

    def event(self, user: int, how: str, payload: str, number: int) -> Event:
        base = {"user_id": user, "chat_id": user}
        if how == "command":
            text = TEXTS[number % len(TEXTS)] if payload == "clause" and number % 2 else ""
            return Event(kind=EventKind.COMMAND, command=payload, text=text, **base)
        if how == "text":
            return Event(kind=EventKind.TEXT, text=payload, **base)
        offered = self.buttons.get(user, [])
        if how == "press" and offered:
            return Event(kind=EventKind.BUTTON, data=offered[number % len(offered)].data, **base)
        if how == "forged":
            other = USERS[(USERS.index(user) + 1 + number % 2) % len(USERS)]
            return Event(kind=EventKind.BUTTON, data=self.forge(user, other, number), **base)
        return Event(kind=EventKind.BUTTON, data=payload, **base)

    def forge(self, user: int, victim: int, number: int) -> str:
        """Button data with the user's current nonce and the victim's draft id."""
        data = self.engine.deps.store.sessions.load(user)
        nonce = Session.model_validate(data).nonce if data else number % NONCE_MODULUS
        acts = [Act.OPEN, Act.PREVIEW, Act.COPY, Act.DROP_YES, Act.DELETE, Act.EDIT, Act.ITEM,
                Act.RENAME, Act.EXPORT, Act.SECTION, Act.TODO, Act.CLAUSE_DRAFT,
                Act.CLAUSE_SECTION]
        act = acts[number % len(acts)]
        shape = {Act.DROP_YES: 1, Act.RENAME: 1, Act.EXPORT: 1, Act.TODO: 1, Act.SECTION: 2,
                 Act.DELETE: 3, Act.EDIT: 3, Act.ITEM: 3, Act.CLAUSE_DRAFT: 1,
                 Act.CLAUSE_SECTION: 3}.get(act, 0)
        return encode(nonce, act, self.drafts[victim], *([0, 1, 0][:shape]))

    def check(self, user: int, replies: list[Reply]) -> None:
        assert replies
        for reply in replies:
            check_reply(reply)
            shown = " ".join([reply.text, reply.notice,
                              *(b.text for row in reply.buttons for b in row),
                              *(d.content.decode("utf-8", "replace") for d in reply.documents)])
            for other in USERS:
                if other != user:
                    assert SECRET[other] not in shown and NAMES[other] not in shown
        stored = self.engine.deps.store.sessions.load(user)
        if stored is not None:
            Session.model_validate(stored)
        if any(r.text for r in replies):  # a new screen; a bare notice leaves the old one
            self.buttons[user] = [b for r in replies for row in r.buttons for b in row]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(event_specs, min_size=1, max_size=40))
def test_random_events_never_break_or_leak(
    search: SearchService, specs: list[tuple[int, str, str, int]]
) -> None:
    world = World(search)
    world.seed()
    for user, how, payload, number in specs:
        replies = world.engine.handle(world.event(user, how, payload, number))
        world.check(user, replies)
    for user in USERS:  # nobody lost a draft to somebody else
        record = world.engine.deps.store.drafts.get(world.drafts[user])
        assert record is None or record.owner == user


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(USERS), st.integers(0, 1000)), max_size=60))
def test_pressing_only_offered_buttons_walks_the_whole_dialogue(
    search: SearchService, presses: list[tuple[int, int]]
) -> None:
    """Users who tap only what they are shown (or type an answer) never meet a refused button."""
    world = World(search)
    world.seed()
    for user in USERS:
        world.check(user, world.engine.handle(
            Event(user_id=user, chat_id=user, kind=EventKind.COMMAND, command="drafts")))
    answers = ("清远", "2026", "90", "3", "修文县")
    for user, number in presses:
        how = "press" if world.buttons.get(user) else "text"
        replies = world.engine.handle(world.event(user, how, answers[number % 5], number))
        world.check(user, replies)
        assert all("已过期" not in r.notice and "无效" not in r.notice for r in replies)
