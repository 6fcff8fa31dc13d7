"""Helpers for the sharing tests: named users (in private or in a group), a clock to move by
hand, the token in a link message, a draft made without the interview."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.compose.assemble import PlanRequest, assemble_plan
from bot.compose.gazetteer import resolve_region
from bot.compose.plan import Plan
from bot.dialogue.engine import Engine
from bot.dialogue.types import Event
from bot.export.docx import plan_to_docx
from bot.store import Store, memory_store
from bot.store.models import DraftRecord
from tests.chat import Chat, make_engine, small_library

BOT_NAME = "planbot_test_bot"
LINK = re.compile(r"https://t\.me/(\w+)\?start=([A-Za-z0-9_-]+)")
OPEN = re.compile(r"/open ([A-Za-z0-9_-]+)")
INVALID = "这个链接无效或已失效"


class Clock:
    """The store's clock, moved by hand (link expiry is measured by it)."""

    def __init__(self) -> None:
        self.now = datetime(2025, 12, 1, 1, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


def share_engine(store: Store | None = None, **options: Any) -> Engine:
    """The engine of the tests, with the Word export on."""
    return make_engine(store or memory_store(), word_export=plan_to_docx, **options)


class Member(Chat):
    """A user with a display name, in a private chat (default) or in a group chat."""

    def __init__(
        self, engine: Engine, user_id: int, name: str = "", *, chat_id: int | None = None,
        bot: str = "",
    ) -> None:
        super().__init__(engine, user_id)
        self.name = name
        self.chat_id = user_id if chat_id is None else chat_id
        self.bot = bot

    def _event(self, **fields: Any) -> Event:
        return Event(user_id=self.user_id, chat_id=self.chat_id, user_name=self.name,
                     bot_username=self.bot, **fields)

    def in_chat(self, chat_id: int) -> Member:
        """The same user, talking in another chat."""
        return Member(self.engine, self.user_id, self.name, chat_id=chat_id, bot=self.bot)

    def record(self, draft_id: str) -> DraftRecord:
        record = self.engine.deps.store.drafts.get(draft_id)
        assert record is not None
        return record

    def open_draft(self, name: str) -> None:
        self.cmd("drafts")
        self.press(name)

    def make_link(self, kind: str, expiry: str = "") -> str:
        """From the draft's overview: 分享, the expiry (if given), the kind; the token."""
        self.press("分享")
        if expiry:
            self.press(expiry)
        self.press(kind)
        return token_in(self.text)


def token_in(text: str) -> str:
    found = LINK.search(text) or OPEN.search(text)
    assert found, text
    return found.groups()[-1]


def seed_draft(engine: Engine, owner: int, name: str = "", *, secret: str = "") -> DraftRecord:
    """A draft of 清远市 2026 (学前教育, 党的建设), made without the interview."""
    region = resolve_region("清远市").candidates[0]
    plan = assemble_plan(PlanRequest(region=region, year=2026, topics=["preschool", "party"]),
                         small_library())
    if secret:
        plan.sections[1].items[0].text = secret
        plan.sections[1].items[0].edited = True
    return engine.deps.store.drafts.create(owner, name or plan.title, plan.model_dump(mode="json"))


def plan_of(engine: Engine, draft_id: str) -> Plan:
    record = engine.deps.store.drafts.get(draft_id)
    assert record is not None
    return Plan.model_validate(record.plan)
