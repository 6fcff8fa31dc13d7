"""Telegram's limits on messages sent: the booking rule (bot.store.rates), the buckets of one
process with an injected clock, and the limiter hook of the Telegram adapter with an injected
sleep (no timing in these tests)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.adapters.ratelimit import Limits, TelegramRateLimiter, counted, rate_limiter
from bot.store.rates import MemoryRateBuckets, RatesUnavailable, Window, earliest_slot
from tests.fakebot.harness import hermetic_settings

BOT, CHAT, GROUP = Window(30, 1.0), Window(1, 1.0), Window(20, 60.0)
BURSTY_CHAT = Window(3, 3.0)  # the default: one a second kept over three seconds


def most_in_a_window(slots: Sequence[float], period: float) -> int:
    """The most slots in any half-open window of ``period`` seconds."""
    ordered = sorted(slots)
    return max((sum(1 for t in ordered if start <= t < start + period) for start in ordered),
               default=0)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_to_one_chat_goes_out_a_second_apart() -> None:
    clock = Clock()
    buckets = MemoryRateBuckets(clock)
    wanted = [("bot", BOT), ("chat:7", CHAT)]
    assert [buckets.reserve(wanted) for _ in range(4)] == [0.0, 1.0, 2.0, 3.0]


def test_a_reply_of_three_messages_goes_at_once_then_one_a_second() -> None:
    buckets = MemoryRateBuckets(Clock())
    wanted = [("bot", BOT), ("chat:7", BURSTY_CHAT)]
    assert [buckets.reserve(wanted) for _ in range(5)] == [0.0, 0.0, 0.0, 3.0, 3.0]


def test_a_waiting_chat_holds_up_no_other_chat() -> None:
    buckets = MemoryRateBuckets(Clock())
    for _ in range(3):
        buckets.reserve([("bot", BOT), ("chat:7", CHAT)])  # booked at +0, +1, +2
    assert buckets.reserve([("bot", BOT), ("chat:8", CHAT)]) == 0.0


def test_the_bot_sends_thirty_a_second_in_all() -> None:
    clock = Clock()
    buckets = MemoryRateBuckets(clock)
    waits = [buckets.reserve([("bot", BOT), (f"chat:{n}", CHAT)]) for n in range(75)]
    assert waits[:30] == [0.0] * 30 and waits[30:60] == [1.0] * 30 and waits[60:] == [2.0] * 15
    clock.now += 5  # the slots in the past bind nobody
    assert buckets.reserve([("bot", BOT), ("chat:1", CHAT)]) == 0.0


def test_a_group_gets_twenty_a_minute() -> None:
    clock = Clock()
    buckets = MemoryRateBuckets(clock)
    wanted = [("bot", BOT), ("chat:-5", CHAT), ("group:-5", GROUP)]
    waits = []
    for _ in range(22):
        waits.append(buckets.reserve(wanted))
        clock.now += 0.5  # asked twice a second
    slots = [1000.0 + 0.5 * n + wait for n, wait in enumerate(waits)]
    assert waits[:2] == [0.0, 0.5]  # one a second for the chat
    assert most_in_a_window(slots, 60.0) == 20
    assert slots[20] == pytest.approx(slots[0] + 60.0)  # the 21st when the first slot leaves


requests = st.lists(
    st.tuples(st.floats(0, 0.5), st.sampled_from(["chat:1", "chat:2", "chat:-3"])),
    min_size=1, max_size=60,
)


@settings(max_examples=150, deadline=None)
@given(requests)
def test_booked_slots_keep_every_window_and_never_come_early(
    asks: list[tuple[float, str]],
) -> None:
    """Any sequence of asks (time steps, chats): every key's slots keep its window, and no slot
    is before its ask."""
    clock = Clock()
    buckets = MemoryRateBuckets(clock)
    small_bot, group = Window(4, 1.0), Window(3, 5.0)
    booked: dict[str, list[float]] = {}
    for step, chat in asks:
        clock.now += step
        wanted = [("bot", small_bot), (chat, CHAT)]
        if chat.startswith("chat:-"):
            wanted.append(("group", group))
        wait = buckets.reserve(wanted)
        assert wait >= 0
        for key, _ in wanted:
            booked.setdefault(key, []).append(clock.now + wait)
    for key, slots in booked.items():
        window = small_bot if key == "bot" else group if key == "group" else CHAT
        assert most_in_a_window(slots, window.period) <= window.count, (key, slots)


def test_the_earliest_slot_is_found_between_booked_ones() -> None:
    booked = {"bot": [10.0, 10.2, 13.0], "chat": [11.0]}
    wanted = [("bot", Window(2, 1.0)), ("chat", Window(1, 1.0))]
    assert earliest_slot(booked, wanted, 10.0) == 12.0  # after 10.2's window, 1 s after 11
    assert earliest_slot(booked, [("bot", Window(2, 1.0))], 10.0) == pytest.approx(11.0)


def test_only_messages_sent_are_counted() -> None:
    assert all(counted(m) for m in ("sendMessage", "sendDocument", "sendPhoto", "copyMessage"))
    assert not any(counted(m) for m in ("sendChatAction", "editMessageText", "getUpdates",
                                        "answerCallbackQuery", "answerInlineQuery", "getMe"))


def test_limits_come_from_the_settings_and_workers_share_the_bots() -> None:
    limits = Limits.from_settings(hermetic_settings().model_copy(update={
        "telegram_max_per_second": 30, "telegram_max_per_chat_second": 1,
        "telegram_max_per_group_minute": 0}))
    assert limits == Limits(BOT, BURSTY_CHAT, None)
    strict = Limits.from_settings(hermetic_settings().model_copy(update={
        "telegram_max_per_chat_second": 1, "telegram_chat_burst_seconds": 1}))
    assert strict.chat == CHAT
    assert limits.wanted(-100) == [("bot", BOT), ("chat:-100", BURSTY_CHAT)]
    shared = Limits(BOT, CHAT, GROUP).shared_by(4)
    assert shared == Limits(Window(7, 1.0), CHAT, Window(5, 60.0))
    assert [key for key, _ in shared.wanted("@channel")] == ["bot", "chat:@channel",
                                                              "group:@channel"]
    assert rate_limiter(hermetic_settings()) is None  # the tests' settings: all off
    two_workers = rate_limiter(hermetic_settings().model_copy(update={
        "telegram_max_per_second": 30, "telegram_max_per_chat_second": 1,
        "telegram_max_per_group_minute": 20, "workers": 2}))
    assert two_workers is not None
    assert two_workers.limits == Limits(Window(15, 1.0), BURSTY_CHAT, Window(10, 60.0))


class Failing:
    def reserve(self, wanted: object) -> float:
        raise RatesUnavailable("the database is down")


def test_the_hook_waits_for_the_slot_and_sends_in_order() -> None:
    clock = Clock()
    slept: list[float] = []
    sent: list[tuple[str, object]] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.now += seconds

    async def call(endpoint: str, chat: object) -> bool:
        sent.append((endpoint, chat))
        return True

    async def main(limiter: TelegramRateLimiter) -> None:
        for endpoint, chat in [("sendMessage", 1), ("sendDocument", 1), ("editMessageText", 1),
                               ("sendChatAction", 1), ("sendMessage", 2), ("sendMessage", 1)]:
            await limiter.process_request(call, (endpoint, chat), {}, endpoint,
                                          {"chat_id": chat}, None)

    limiter = TelegramRateLimiter(Limits(BOT, CHAT, GROUP), MemoryRateBuckets(clock),
                                  sleep=sleep)
    asyncio.run(main(limiter))
    assert [e for e, _ in sent] == ["sendMessage", "sendDocument", "editMessageText",
                                    "sendChatAction", "sendMessage", "sendMessage"]
    assert slept == [1.0, 1.0]  # the document a second after the text, and the third message



def test_without_its_buckets_the_hook_keeps_its_own_and_says_so_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock, slept = Clock(), []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.now += seconds

    async def call() -> bool:
        return True

    async def main() -> None:
        for _ in range(3):
            await limiter.process_request(call, (), {}, "sendMessage", {"chat_id": 5}, None)

    limiter = TelegramRateLimiter(Limits(BOT, CHAT, GROUP), Failing(), blocking=True,
                                  fallback=MemoryRateBuckets(clock), sleep=sleep)
    asyncio.run(main())  # the process's own buckets meanwhile
    assert slept == [1.0, 1.0]
    assert [r.getMessage() for r in caplog.records].count(
        "rate buckets unavailable (the database is down): this process keeps its own") == 1
