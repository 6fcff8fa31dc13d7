"""The Telegram adapter's small helpers: text splitting, retrying, command parsing."""

from __future__ import annotations

import asyncio
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.adapters.retry import with_retry
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


def run_retry(flaky: Flaky) -> str:
    return asyncio.run(with_retry(flaky, what="test", base_delay=0.5, sleep=flaky.sleep))


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
