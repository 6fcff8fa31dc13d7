"""The Telegram adapter's small helpers: text splitting, retrying, command parsing."""

from __future__ import annotations

import asyncio
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.adapters.http import ConnectTimedOut, NotSent, ServerFailed
from bot.adapters.retry import deliver, with_retry
from bot.adapters.retry_policy import TELEGRAM, Outcome, RetryPolicy, outcome_of_status
from bot.adapters.split import split_text
from bot.adapters.telegram import _button_action, _parse_command

# -- split_text -------------------------------------------------------------------------------


def _ink(text: str) -> str:
    return re.sub(r"\s", "", text)


@given(
    st.lists(st.sampled_from(["字", "a", " ", "\n", "\n\n", "。"]), max_size=300).map("".join),
    st.integers(min_value=1, max_value=60),
)
def test_split_keeps_every_character_within_the_limit(text: str, limit: int) -> None:
    parts = split_text(text, limit)
    assert all(0 < len(part) <= limit and part.strip() for part in parts)
    assert _ink("".join(parts)) == _ink(text)


def test_split_prefers_paragraphs_then_lines() -> None:
    paragraphs = ["一" * 6, "二" * 6, "三" * 3 + "\n" + "四" * 3]
    assert split_text("\n\n".join(paragraphs), 14) == [
        "一" * 6 + "\n\n" + "二" * 6,
        "三" * 3 + "\n" + "四" * 3,
    ]
    assert split_text("一" * 5 + "\n" + "二" * 5, 8) == ["一" * 5, "二" * 5]
    assert split_text("一" * 10, 4) == ["一" * 4, "一" * 4, "一" * 2]


def test_short_texts_are_kept_whole_and_blank_ones_dropped() -> None:
    assert split_text("　　第一条\n", 4096) == ["　　第一条\n"]
    assert split_text(" \n ", 4096) == []
    assert split_text("", 4096) == []


# -- with_retry -------------------------------------------------------------------------------


class Flaky:
    """Fails with the given errors, then returns "ok"; records the sleeps."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0
        self.sleeps: list[float] = []

    async def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "ok"

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)


def run_retry(flaky: Flaky, what: str = "editMessageText") -> str:
    return asyncio.run(with_retry(flaky, what=what, base_delay=0.5, sleep=flaky.sleep))


def test_retry_after_waits_as_told() -> None:
    flaky = Flaky(RetryAfter(3))
    assert run_retry(flaky) == "ok"
    assert flaky.sleeps == [3.0]


def test_network_errors_back_off_exponentially() -> None:
    flaky = Flaky(NetworkError("reset"), TimedOut(), NetworkError("reset"))
    assert run_retry(flaky) == "ok"
    assert flaky.sleeps == [0.5, 1.0, 2.0]


def test_gives_up_after_four_tries() -> None:
    flaky = Flaky(*(TimedOut() for _ in range(4)))
    with pytest.raises(TimedOut):
        run_retry(flaky)
    assert flaky.calls == 4


@pytest.mark.parametrize("error", [BadRequest("message is not modified"), Forbidden("blocked")])
def test_other_errors_are_not_retried(error: Exception) -> None:
    flaky = Flaky(error)
    with pytest.raises(type(error)):
        run_retry(flaky)
    assert flaky.calls == 1


SURELY_NOT_SENT = [
    RetryAfter(2),
    NotSent("aiohttp.ClientConnectorError: refused"),
    ConnectTimedOut("aiohttp.ConnectionTimeoutError"),
    ServerFailed(502, "Bad Gateway (502)"),
    ServerFailed(503, "Service Unavailable (503)"),
]
MAYBE_DELIVERED = [
    TimedOut(),
    NetworkError("aiohttp.ServerDisconnectedError"),
    ServerFailed(500, "Internal Server Error (500)"),
    ServerFailed(504, "Gateway Timeout (504)"),
]


@pytest.mark.parametrize("method", ["sendMessage", "sendDocument", "sendSticker"])
@pytest.mark.parametrize("error", SURELY_NOT_SENT, ids=repr)
def test_a_send_is_retried_where_it_surely_did_not_arrive(method: str, error: Exception) -> None:
    flaky = Flaky(error)
    assert run_retry(flaky, method) == "ok"
    assert flaky.calls == 2


@pytest.mark.parametrize("method", ["sendMessage", "sendDocument", "sendSticker"])
@pytest.mark.parametrize("error", MAYBE_DELIVERED, ids=repr)
def test_a_send_that_may_have_arrived_is_not_retried(method: str, error: Exception) -> None:
    flaky = Flaky(error)
    with pytest.raises(type(error)):
        run_retry(flaky, method)
    assert flaky.calls == 1


@pytest.mark.parametrize("method", ["editMessageText", "answerCallbackQuery", "getFile"])
@pytest.mark.parametrize("error", SURELY_NOT_SENT + MAYBE_DELIVERED, ids=repr)
def test_safe_calls_are_retried_after_any_network_failure(method: str, error: Exception) -> None:
    flaky = Flaky(error)
    assert run_retry(flaky, method) == "ok"
    assert flaky.calls == 2


def test_deliver_takes_a_send_that_may_have_arrived_as_delivered(
    caplog: pytest.LogCaptureFixture,
) -> None:
    flaky = Flaky(TimedOut())
    asyncio.run(deliver(flaky, what="sendMessage", sleep=flaky.sleep))
    assert flaky.calls == 1
    assert "may have been delivered" in caplog.text
    refused = Flaky(*(NotSent("refused") for _ in range(4)))  # surely not delivered: raised
    with pytest.raises(NotSent):
        asyncio.run(deliver(refused, what="sendMessage", sleep=refused.sleep))
    assert refused.calls == 4


def test_the_policy_per_method_and_outcome() -> None:
    policy = RetryPolicy(safe=frozenset({"edit"}), attempts=2)
    assert [policy.may_retry("send", o) for o in Outcome] == [
        o is not Outcome.UNKNOWN for o in Outcome
    ]
    assert all(policy.may_retry("edit", o) for o in Outcome)
    assert [outcome_of_status(s) for s in (400, 403, 429, 500, 502, 503, 504)] == [
        None, None, Outcome.WAIT, Outcome.UNKNOWN, Outcome.UNAVAILABLE, Outcome.UNAVAILABLE,
        Outcome.UNKNOWN,
    ]
    assert TELEGRAM.adds("sendMessage") and TELEGRAM.adds("sendDocument")
    assert not TELEGRAM.adds("editMessageText") and not TELEGRAM.adds("answerCallbackQuery")


# -- commands and logs ------------------------------------------------------------------------


def test_parse_command() -> None:
    assert _parse_command("/new") == ("new", "", "")
    assert _parse_command("/New@planbot_bot 2025 清远市\n第二行") == (
        "new",
        "planbot_bot",
        "2025 清远市\n第二行",
    )
    assert _parse_command("/帮助") == ("帮助", "", "")


def test_button_action_is_the_leading_word_only() -> None:
    assert _button_action("sec:swap:d-123") == "sec"
    assert _button_action(":x") == "?"
