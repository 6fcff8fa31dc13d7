"""Telegram's limits kept by several instances together, through the buckets in PostgreSQL.

- The buckets: two databases (two instances' pools), several threads each booking slots at once
  for the bot, their chats and a group: every booking is in the table (none lost to a race) and
  every key's slots keep its window. The windows are long (a minute), so nothing expires while
  the test runs and nothing here depends on timing.
- End to end: two ``planbot webhook`` instances on one database behind one entry point, with
  small limits (4 messages a second in all, one a second per chat), and users who each make the
  bot send two messages at once. At the fake Bot API the ``sendMessage`` calls, time-stamped as
  they arrive, are never more than 4 in any second and never closer than a second in one chat,
  with a tolerance for the way from the booking to the fake server; each instance alone would
  have allowed 4 a second of its own.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest
from aiohttp import web

from bot.adapters.webhook import serve_webhook
from bot.app import build_engine
from bot.store.postgres import PgRateBuckets, PgStore, open_database
from bot.store.rates import Window
from tests.fakebot import FakeBotApi, SimulatedUser
from tests.test_ratelimit import most_in_a_window
from tests.test_webhook import TIMEOUT, free_port
from tests.test_webhook_many_users import EntryPoint, settings_for

TOLERANCE = 0.3  # seconds: how much later one send may reach the fake server than another


def booked(url: str) -> dict[str, list[float]]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT key, slots FROM rate_buckets").fetchall()
    return {str(key): [float(t) for t in slots] for key, slots in rows}


def test_two_instances_book_their_slots_in_one_set_of_buckets(pg_url: str) -> None:
    dbs = [open_database(pg_url, max_size=4), open_database(pg_url, max_size=4)]
    buckets = [PgRateBuckets(db) for db in dbs]
    bot, chat, group = Window(7, 60.0), Window(2, 60.0), Window(3, 60.0)
    start = threading.Barrier(8)
    waits: list[float] = []

    def sender(n: int) -> None:
        start.wait()
        for i in range(5):
            wanted = [("bot", bot), (f"chat:{n}", chat)]
            if i % 2:
                wanted += [("chat:-9", chat), ("group:-9", group)]
            waits.append(buckets[n % 2].reserve(wanted))

    try:
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(sender, range(8)))
        slots = booked(pg_url)
    finally:
        for db in dbs:
            db.close()
    assert len(slots["bot"]) == len(waits) == 40  # none lost between the instances
    assert len(slots["group:-9"]) == 16 and len(slots["chat:3"]) == 5
    for key, window in [("bot", bot), ("chat:-9", chat), ("group:-9", group),
                        *((f"chat:{n}", chat) for n in range(8))]:
        assert most_in_a_window(slots[key], window.period) <= window.count, key
    assert max(waits) >= 60.0 * 7 - 5  # the group chat's 16, two a minute: minutes out


def two_messages(server: FakeBotApi, user_id: int) -> None:
    """/new and a region at once: the bot sends a question for each."""
    user = SimulatedUser(server, user_id, timeout=TIMEOUT * 2)
    user.command("new")
    user.send_text("修文县")
    user.wait_for_reply(containing="哪一年")


@pytest.fixture
def server() -> Iterator[FakeBotApi]:
    with FakeBotApi(settle=0.1) as fake:
        yield fake


async def limited_instances(server: FakeBotApi, tmp_path: Path, pg_url: str, users: int) -> None:
    ports, entry_port = [free_port(), free_port()], free_port()
    entry = EntryPoint(ports)
    runner = web.AppRunner(entry.app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", entry_port).start()
    limits = {"telegram_max_per_second": 4, "telegram_max_per_chat_second": 1,
              "telegram_chat_burst_seconds": 1, "telegram_max_per_group_minute": 20}
    settings = [settings_for(server, tmp_path / n, p, entry_port, pg_url).model_copy(
        update=limits) for n, p in zip("ab", ports, strict=True)]
    engines = [build_engine(s) for s in settings]
    stops, readies = [asyncio.Event(), asyncio.Event()], [asyncio.Event(), asyncio.Event()]
    tasks = [asyncio.create_task(serve_webhook(s, e, stop, ready=ready))
             for s, e, stop, ready in zip(settings, engines, stops, readies, strict=True)]
    try:
        await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), TIMEOUT)
        loop = asyncio.get_running_loop()
        with ThreadPoolExecutor(users) as pool:
            await asyncio.gather(*(loop.run_in_executor(pool, two_messages, server, 7300 + n)
                                   for n in range(users)))
    finally:
        for stop in stops:
            stop.set()
        await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), TIMEOUT)
        await runner.cleanup()
        for engine in engines:
            assert isinstance(engine.deps.store, PgStore)
            engine.deps.store.db.close()


def test_two_instances_together_keep_the_limits(
    server: FakeBotApi, tmp_path: Path, pg_url: str
) -> None:
    users = 8
    asyncio.run(limited_instances(server, tmp_path, pg_url, users))
    sends = server.calls_to("sendMessage")
    assert len(sends) >= 2 * users
    times = sorted(call.at for call in sends)
    assert most_in_a_window(times, 1.0 - TOLERANCE) <= 4
    assert times[-1] - times[0] >= (len(times) - 4) / 4 - TOLERANCE  # paced, not at once
    for n in range(users):
        mine = sorted(c.at for c in sends if c.params.get("chat_id") == 7300 + n)
        assert all(b - a >= 1.0 - TOLERANCE for a, b in itertools.pairwise(mine)), mine
    assert server.violations == []
