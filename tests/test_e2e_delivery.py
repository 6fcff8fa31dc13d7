"""A message reaches the chat once: the retry rule (``bot.adapters.retry_policy``) end to end.

The real application against the fake Bot API, which can deliver a message and answer late
(after the bot's read timeout), answer 429 with ``retry_after`` (and refuse an early repeat),
or answer as a gateway in front of the Bot API would (an HTML 502 page, nothing delivered).
"""

from __future__ import annotations

import logging
import time

import pytest

from bot.adapters import telegram as telegram_adapter
from bot.dialogue.types import Document, Event, Reply
from tests.fakebot.harness import running_bot
from tests.test_e2e_telegram import APOLOGY, ScriptedEngine, edit_on_press

READ_TIMEOUT = 0.3
LATE = 1.0  # the fake's answer comes this long after it delivered the message


@pytest.fixture(autouse=True)
def short_read_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(telegram_adapter, "READ_TIMEOUT", READ_TIMEOUT)


def test_a_message_answered_late_is_not_sent_again(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING), running_bot(ScriptedEngine()) as bot:
        user = bot.user(31)
        bot.server.answer_late("sendMessage", LATE)
        user.command("start")
        assert user.wait_for_reply().text == "command: start"
        time.sleep(LATE + READ_TIMEOUT)  # time enough for a second try, had there been one
        assert [m.text for m in bot.server.bot_messages(31)] == ["command: start"]
        assert len(bot.server.calls_to("sendMessage")) == 1
        user.send_text("next")  # the bot goes on as usual
        assert user.wait_for_reply().text == "text: next"
    assert APOLOGY not in [m.text for m in bot.server.bot_messages(31)]
    assert any("may have been delivered" in r.getMessage() for r in caplog.records)


def test_a_document_answered_late_is_not_sent_again() -> None:
    def respond(event: Event) -> list[Reply]:
        return [Reply(text="", documents=[Document(filename="plan.txt", content=b"plan")])]

    with running_bot(ScriptedEngine(respond)) as bot:
        user = bot.user(32)
        bot.server.answer_late("sendDocument", LATE)
        user.command("export")
        user.wait_for_replies()
        time.sleep(LATE + READ_TIMEOUT)
        assert len(bot.server.calls_to("sendDocument")) == 1
        assert [m.document.filename for m in bot.server.bot_messages(32) if m.document] == [
            "plan.txt"
        ]


def test_an_edit_answered_late_is_made_again_harmlessly() -> None:
    with running_bot(ScriptedEngine(edit_on_press)) as bot:
        user = bot.user(33)
        user.command("new")
        menu = user.wait_for_reply()
        bot.server.answer_late("editMessageText", LATE)
        user.press("Edit")
        edited = user.wait_for_reply()
        assert (edited.message_id, edited.text) == (menu.message_id, "pressed echo:edit")
        # the second try found the text there already ("message is not modified"): done
        assert len(bot.server.calls_to("editMessageText")) == 2
        assert len(bot.server.bot_messages(33)) == 1


def test_flood_control_is_waited_out_and_the_message_sent_once() -> None:
    with running_bot(ScriptedEngine()) as bot:
        user = bot.user(34)
        bot.server.fail_next("sendDocument", error_code=429,
                             description="Too Many Requests: retry after 1", retry_after=1)
        bot.server.fail_next("sendMessage", error_code=429,
                             description="Too Many Requests: retry after 1", retry_after=1)
        started = time.monotonic()
        user.send_text("hello")
        assert user.wait_for_reply().text == "text: hello"
        assert time.monotonic() - started >= 1.0
        assert len(bot.server.calls_to("sendMessage")) == 2  # the refused one, the sent one
        assert len(bot.server.bot_messages(34)) == 1
    # leaving running_bot checked that no repeat came before retry_after ran out


def test_a_gateways_502_is_retried() -> None:
    with running_bot(ScriptedEngine()) as bot:
        user = bot.user(35)
        bot.server.fail_next("sendMessage", error_code=502, description="Bad Gateway",
                             gateway=True)
        user.send_text("hello")
        assert user.wait_for_reply().text == "text: hello"
        assert len(bot.server.calls_to("sendMessage")) == 2
        assert len(bot.server.bot_messages(35)) == 1


@pytest.mark.parametrize("status", [500, 504])
def test_a_500_or_504_to_a_message_is_not_retried(status: int) -> None:
    """The Bot API (or its gateway after waiting for it) may have delivered it."""
    with running_bot(ScriptedEngine()) as bot:
        user = bot.user(36)
        bot.server.fail_next("sendMessage", error_code=status, description="Internal Error")
        user.send_text("hello")
        assert user.wait_for_replies() == []
        assert len(bot.server.calls_to("sendMessage")) == 1
        user.send_text("again")
        assert user.wait_for_reply().text == "text: again"


def test_a_button_press_answered_late_is_answered_once_more() -> None:
    with running_bot(ScriptedEngine(edit_on_press)) as bot:
        user = bot.user(37)
        user.command("new")
        user.wait_for_reply()
        bot.server.answer_late("answerCallbackQuery", LATE)
        query = user.press("Edit")
        user.wait_for_reply()
        assert bot.server.callback_answers[query]["text"] == "OK!"
        # the second answer is refused ("query is too old"): logged, nothing else
        assert len(bot.server.calls_to("answerCallbackQuery")) == 2
