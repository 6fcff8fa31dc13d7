"""Drive the dialogue engine as a user would: commands, texts and button presses by label."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from bot.compose.plan import Plan
from bot.dialogue.engine import Engine
from bot.dialogue.session import Session
from bot.dialogue.types import MAX_BUTTON_DATA, Button, Event, EventKind, Reply
from bot.library.library import Library
from bot.library.loader import load_library
from bot.messages import Messages
from bot.store import Store, memory_store
from bot.store.models import DraftRecord

TEST_LIBRARY = Path(__file__).resolve().parent / "data" / "library"
TODAY = date(2025, 12, 1)  # plans made in December are for next year


@cache
def small_library() -> Library:
    """Three topics with targets of every kind: the engine tests' own, stable library."""
    return load_library(TEST_LIBRARY)


@cache
def messages() -> Messages:
    return Messages()


def make_engine(
    store: Store | None = None, library: Library | None = None, **options: Any
) -> Engine:
    return Engine(
        library or small_library(), store or memory_store(), messages(),
        clock=lambda: TODAY, raise_errors=True, **options,
    )


def check_reply(reply: Reply) -> None:
    """What every reply must be: something to show, buttons within Telegram's limits."""
    assert reply.text.strip() or reply.notice.strip() or reply.documents, reply
    if not reply.text:  # a bare notice answers a press and shows nothing else
        assert not reply.buttons and not reply.documents, reply
    for row in reply.buttons:
        for button in row:
            assert button.text.strip()
            assert len(button.data.encode()) <= MAX_BUTTON_DATA


class Chat:
    """One user talking to the engine; remembers the latest buttons like a chat screen."""

    def __init__(self, engine: Engine, user_id: int = 1) -> None:
        self.engine = engine
        self.user_id = user_id
        self.replies: list[Reply] = []
        self.buttons: list[Button] = []

    def _event(self, **fields: Any) -> Event:
        return Event(user_id=self.user_id, chat_id=self.user_id, **fields)

    def _send(self, **fields: Any) -> list[Reply]:
        self.replies = self.engine.handle(self._event(**fields))
        assert self.replies
        for reply in self.replies:
            check_reply(reply)
        offered = [b for r in self.replies for row in r.buttons for b in row]
        if offered:
            self.buttons = offered
        return self.replies

    def cmd(self, command: str, text: str = "") -> list[Reply]:
        return self._send(kind=EventKind.COMMAND, command=command, text=text)

    def say(self, text: str) -> list[Reply]:
        return self._send(kind=EventKind.TEXT, text=text)

    def press_data(self, data: str) -> list[Reply]:
        return self._send(kind=EventKind.BUTTON, data=data, message_id=1)

    def button(self, label: str) -> Button:
        """The latest button whose label is ``label``, or else contains it."""
        exact = [b for b in self.buttons if b.text == label]
        found = exact or [b for b in self.buttons if label in b.text]
        assert found, f"no button {label!r} among {self.labels}"
        return found[0]

    def press(self, label: str) -> list[Reply]:
        return self.press_data(self.button(label).data)

    def has_button(self, label: str) -> bool:
        return any(label in b.text for b in self.buttons)

    @property
    def labels(self) -> list[str]:
        return [b.text for b in self.buttons]

    @property
    def text(self) -> str:
        return "\n".join(r.text for r in self.replies)

    @property
    def notice(self) -> str:
        return " ".join(r.notice for r in self.replies if r.notice)

    # --- what the store holds ----------------------------------------------------------------

    def session(self) -> Session:
        data = self.engine.deps.store.sessions.load(self.user_id)
        assert data is not None
        return Session.model_validate(data)

    def drafts(self) -> list[DraftRecord]:
        return self.engine.deps.store.drafts.list_for(self.user_id)

    def plan(self, index: int = 0) -> Plan:
        return Plan.model_validate(self.drafts()[index].plan)

    # --- shortcuts -------------------------------------------------------------------------

    def draft_quickly(
        self, region: str = "清远市", topics: tuple[str, ...] = ("学前教育", "党的建设"),
        targets: dict[str, str] | None = None,
    ) -> DraftRecord:
        """Answer the interview (targets by label, the rest skipped) and generate a draft."""
        self.cmd("new")
        self.say(region)
        self.press("2026年")
        self.press("工作要点")
        for topic in topics:
            self.press(topic)
        self.press("完成")
        wanted = targets or {}
        if not wanted and self.has_button("全部跳过"):
            self.press("全部跳过")  # no 主要目标
        while "目标" in self.text and self.has_button("全部跳过"):
            label = next((k for k in wanted if k in self.text), None)
            if label is None:
                self.press("跳过")  # its line stays, with 【待填】
            else:
                self.say(wanted[label])
        self.press("分级编号")
        self.press("生成草稿")
        assert "草稿已生成" in self.text, self.text
        return self.drafts()[0]
