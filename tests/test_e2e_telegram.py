"""End to end: the real python-telegram-bot Application against the fake Bot API on 127.0.0.1.

The engine here is :class:`ScriptedEngine`, a test-only stand-in for ``bot.dialogue.engine``:
each test says what it answers. Conversations with the real engine use the same harness::

    with running_bot(Engine(settings), settings) as bot:
        user = bot.user(42)
        user.command("new")
        reply = user.wait_for_reply()

Leaving ``running_bot`` checks ``server.violations == []``, that every callback query was
answered and that nothing was logged at ERROR (unless ``expect_errors``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import pytest

from bot.adapters import telegram as telegram_adapter
from bot.dialogue.types import Button, Document, Event, EventKind, InlineAnswer, Reply
from bot.errors import InputError
from bot.messages import Messages
from tests.fakebot.harness import running_bot

APOLOGY = Messages().text("internal_error")
AGAIN = [[Button(text="Again", data="echo:again"), Button(text="Edit", data="echo:edit")]]


def echo(event: Event) -> list[Reply]:
    """What the scripted engine answers unless a test says otherwise."""
    said = event.command or event.file_name or event.text or event.data
    return [Reply(text=f"{event.kind.value}: {said}", buttons=AGAIN)]


class ScriptedEngine:
    """TEST ONLY: a stand-in for the dialogue engine that answers ``respond(event)``."""

    def __init__(self, respond: Callable[[Event], list[Reply]] = echo) -> None:
        self.respond = respond
        self.events: list[Event] = []
        self._lock = threading.Lock()

    def handle(self, event: Event) -> list[Reply]:
        with self._lock:
            self.events.append(event)
        return self.respond(event)

    def inline(self, event: Event) -> InlineAnswer:
        with self._lock:
            self.events.append(event)
        return InlineAnswer()

    def commands(self) -> list[tuple[str, str]]:
        return [("new", "new draft"), ("help", "help")]


def test_startup_sets_the_command_menu() -> None:
    with running_bot(ScriptedEngine()) as bot:
        pass
    assert bot.server.commands == [
        {"command": "new", "description": "new draft"},
        {"command": "help", "description": "help"},
    ]


def test_commands_and_texts_become_events() -> None:
    engine = ScriptedEngine()
    with running_bot(engine) as bot:
        user = bot.user(42, first_name="Li")
        user.command("new", "2025 清远市\n第二行")
        assert user.wait_for_reply().text == "command: new"
        user.command("whatever")
        user.wait_for_reply()
        user.send_text("/帮助")
        user.wait_for_reply()
        user.send_text("清远市")
        reply = user.wait_for_reply()
    assert reply.text == "text: 清远市"
    assert reply.button_texts == ["Again", "Edit"]
    assert [(e.kind, e.command, e.text) for e in engine.events] == [
        (EventKind.COMMAND, "new", "2025 清远市\n第二行"),
        (EventKind.COMMAND, "whatever", ""),
        (EventKind.COMMAND, "帮助", ""),
        (EventKind.TEXT, "", "清远市"),
    ]
    assert {(e.user_id, e.chat_id, e.user_name) for e in engine.events} == {(42, 42, "Li")}


def edit_on_press(event: Event) -> list[Reply]:
    if event.kind is EventKind.BUTTON:
        return [Reply(text=f"pressed {event.data}", edit=True, notice="OK!", buttons=AGAIN)]
    return echo(event)


def test_a_button_edits_its_message_and_is_answered() -> None:
    engine = ScriptedEngine(edit_on_press)
    with running_bot(engine) as bot:
        user = bot.user(7)
        user.command("new")
        menu = user.wait_for_reply()
        query = user.press("Edit")
        edited = user.wait_for_reply()
        assert (edited.message_id, edited.edits) == (menu.message_id, 1)
        assert edited.text == "pressed echo:edit"
        assert bot.server.callback_answers[query]["text"] == "OK!"
        user.press("Edit")  # the same content again: "message is not modified" is not an error
        assert user.wait_for_replies() == []
    assert engine.events[-1].message_id == menu.message_id
    assert len(bot.server.bot_messages(7)) == 1


def test_a_callback_is_answered_even_without_replies_or_when_the_engine_fails() -> None:
    def respond(event: Event) -> list[Reply]:
        if event.data == "echo:again":
            raise RuntimeError("boom")
        return [] if event.kind is EventKind.BUTTON else echo(event)

    with running_bot(ScriptedEngine(respond), expect_errors=True) as bot:
        user = bot.user(8)
        user.command("new")
        user.wait_for_reply()
        silent = user.press("Edit")
        assert user.wait_for_replies() == []
        failed = user.press("Again")
        assert user.wait_for_reply().text == APOLOGY
    assert bot.server.callback_answers == {
        silent: {"text": "", "show_alert": False},
        failed: {"text": "", "show_alert": False},
    }


def test_a_long_reply_arrives_in_parts_with_the_buttons_on_the_last() -> None:
    paragraphs = [f"{n:03d} " + "要点" * 300 for n in range(20)]  # 604 characters, 6 per part
    long_text = "\n\n".join(paragraphs)

    def respond(event: Event) -> list[Reply]:
        return [Reply(text=long_text, buttons=AGAIN)]

    with running_bot(ScriptedEngine(respond)) as bot:
        user = bot.user(9)
        user.send_text("draft")
        parts = user.wait_for_replies()
    assert [len(part.text) for part in parts] == [6 * 604 + 5 * 2] * 3 + [2 * 604 + 2]
    assert [bool(part.buttons) for part in parts] == [False, False, False, True]
    assert "\n\n".join(part.text for part in parts) == long_text


def test_a_long_edit_edits_the_first_part_and_sends_the_rest() -> None:
    long_text = "\n".join("条款" * 100 for _ in range(30))  # lines only, no paragraphs

    def respond(event: Event) -> list[Reply]:
        if event.kind is EventKind.BUTTON:
            return [Reply(text=long_text, buttons=AGAIN, edit=True)]
        return echo(event)

    with running_bot(ScriptedEngine(respond)) as bot:
        user = bot.user(10)
        user.command("new")
        menu = user.wait_for_reply()
        user.press("Edit")
        parts = user.wait_for_replies()
    assert parts[0].message_id == menu.message_id
    assert [bool(part.buttons) for part in parts] == [False, True]
    assert "\n".join(part.text for part in parts) == long_text


def test_a_message_that_cannot_be_edited_is_sent_anew() -> None:
    with running_bot(ScriptedEngine(edit_on_press)) as bot:
        user = bot.user(11)
        user.command("new")
        menu = user.wait_for_reply()
        bot.server.fail_next("editMessageText", description="Bad Request: message can't be edited")
        user.press("Edit")
        reply = user.wait_for_reply()
    assert reply.message_id != menu.message_id
    assert reply.text == "pressed echo:edit"


def test_an_engine_error_yields_the_apology_and_no_details(
    caplog: pytest.LogCaptureFixture,
) -> None:
    secret = "本县2025年新建幼儿园12所"

    def respond(event: Event) -> list[Reply]:
        raise ValueError(f"cannot place clause in draft: {secret}")

    with running_bot(ScriptedEngine(respond), expect_errors=True) as bot:
        user = bot.user(12)
        user.send_text(secret)
        assert user.wait_for_reply().text == APOLOGY
    [record] = bot.error_logs
    chat = [message.text for message in bot.server.bot_messages(12)]
    assert chat == [APOLOGY]
    assert "user=12 action=text" in record.getMessage()
    assert "ValueError" in record.getMessage()
    assert all(secret not in r.getMessage() for r in caplog.records)


def test_a_user_error_from_the_engine_is_shown_in_its_own_words() -> None:
    error = InputError("year_out_of_range", min=2000, max=2035, value="1800")

    def respond(event: Event) -> list[Reply]:
        raise error

    with running_bot(ScriptedEngine(respond)) as bot:  # no ERROR logged
        user = bot.user(18)
        user.command("new", "1800")
        assert user.wait_for_reply().text == Messages().error(error)


def test_logs_name_user_and_action_not_what_was_written(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="bot")
    with running_bot(ScriptedEngine(edit_on_press)) as bot:
        user = bot.user(13)
        user.send_text("草稿全文")
        user.wait_for_reply()
        user.press("Again")
        user.wait_for_reply()
    lines = [r.getMessage() for r in caplog.records if r.name.startswith("bot")]
    assert "user=13 action=text" in lines
    assert "user=13 action=button:echo" in lines
    assert not any("草稿全文" in line for line in lines)


def test_flood_control_is_waited_out() -> None:
    with running_bot(ScriptedEngine()) as bot:
        user = bot.user(14)
        bot.server.fail_next(
            "sendMessage",
            error_code=429,
            description="Too Many Requests: retry after 1",
            retry_after=1,
        )
        started = time.monotonic()
        user.send_text("hello")
        reply = user.wait_for_reply()
        waited = time.monotonic() - started
    assert reply.text == "text: hello"
    assert len(bot.server.calls_to("sendMessage")) == 2
    assert waited >= 1.0
    assert len(bot.server.bot_messages(14)) == 1


def test_documents_are_sent_with_name_bytes_and_a_clipped_caption() -> None:
    docx = b"PK\x03\x04" + bytes(range(256)) * 40

    def respond(event: Event) -> list[Reply]:
        document = Document(filename="工作要点.docx", content=docx, caption="说明" * 600)
        return [Reply(text="done", documents=[document])]

    with running_bot(ScriptedEngine(respond)) as bot:
        user = bot.user(15)
        user.command("new")
        replies = user.wait_for_replies()
    assert [reply.text for reply in replies] == ["done", ""]
    sent = replies[1].document
    assert sent is not None
    assert (sent.filename, sent.content) == ("工作要点.docx", docx)
    assert len(replies[1].caption) == 1024
    assert replies[1].caption.endswith("…")


def test_uploads_reach_the_engine_and_large_ones_are_refused() -> None:
    engine = ScriptedEngine()
    with running_bot(engine) as bot:
        user = bot.user(16)
        targets = "学前教育毛入园率=92".encode()
        user.upload("targets.txt", targets, mime_type="text/plain", caption="目标")
        assert user.wait_for_reply().text == "file: targets.txt"
        user.upload("huge.docx", b"x" * (1024 * 1024 + 1))
        refusal = user.wait_for_reply().text
    [event] = engine.events
    assert (event.kind, event.file_bytes, event.text) == (EventKind.FILE, targets, "目标")
    assert refusal == Messages().text("file_too_large", size="1.0 MB", limit="1.0 MB")
    assert len(bot.server.calls_to("getFile")) == 1


def test_users_are_served_in_parallel() -> None:
    second_user_served = threading.Event()

    def respond(event: Event) -> list[Reply]:
        if event.user_id == 1:  # blocks until user 2 was served: deadlock if updates queue up
            assert second_user_served.wait(timeout=3), "user 2 waited for user 1"
        else:
            second_user_served.set()
        return echo(event)

    with running_bot(ScriptedEngine(respond)) as bot:
        first, second = bot.user(1), bot.user(2)
        first.send_text("slow")
        second.send_text("fast")
        assert second.wait_for_reply().text == "text: fast"
        assert first.wait_for_reply().text == "text: slow"


def test_a_slow_engine_shows_typing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(telegram_adapter, "TYPING_DELAY", 0.05)

    def respond(event: Event) -> list[Reply]:
        time.sleep(0.3)
        return echo(event)

    with running_bot(ScriptedEngine(respond)) as bot:
        user = bot.user(17)
        user.send_text("export")
        user.wait_for_reply()
    assert bot.server.chat_actions == [(17, "typing")]
