"""Two webhook instances on one PostgreSQL database behind one entry point, many simulated users
drafting at once through the fake Bot API in webhook mode.

The entry point (a small proxy here) hands each update to the instances in turn, and every third
one to both at once, as a second delivery by Telegram after a timeout would reach another
instance. Each user drafts a whole plan (region, year, kind, two priorities, a target,
numbering, generate). Then: every user has exactly one draft, complete, with the target they
typed; every reply was sent once (no update handled twice); no update was left unanswered; every
request to the Bot API met the spec. ``PLANBOT_TEST_USERS`` sets how many users (default 40; the
issue's 200 with ``PLANBOT_TEST_USERS=200``).
"""

from __future__ import annotations

import asyncio
import itertools
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from pydantic import SecretStr

from bot.adapters.webhook import serve_webhook
from bot.app import build_engine
from bot.config import Settings
from bot.store.postgres import PgStore
from tests.chat import TEST_LIBRARY
from tests.fakebot import FakeBotApi, SimulatedUser
from tests.test_e2e_restart import GENERATED, TIMEOUT, Talk, first_draft
from tests.test_webhook import free_port, instance

USERS = int(os.environ.get("PLANBOT_TEST_USERS", "40"))
HOOK = "/hook"


@pytest.fixture
def server() -> Iterator[FakeBotApi]:
    with FakeBotApi(settle=0.1) as fake:
        yield fake


class EntryPoint:
    """Round robin over the instances; every third update also to the next one, at once."""

    def __init__(self, ports: list[int]) -> None:
        self.ports = ports
        self.turn = itertools.count()
        self.app = web.Application()
        self.app.router.add_post(HOOK, self.forward)
        self.duplicates = 0

    async def forward(self, request: web.Request) -> web.Response:
        body, headers = await request.read(), {k: v for k, v in request.headers.items()
                                               if k.lower().startswith("x-telegram")}
        n = next(self.turn)
        targets = [self.ports[n % 2]] + ([self.ports[(n + 1) % 2]] if n % 3 == 0 else [])
        self.duplicates += len(targets) - 1
        async with aiohttp.ClientSession() as http:
            statuses = await asyncio.gather(*(self._post(http, port, body, headers)
                                              for port in targets))
        return web.Response(status=200 if 200 in statuses else max(statuses))

    @staticmethod
    async def _post(http: aiohttp.ClientSession, port: int, body: bytes,
                    headers: dict[str, str]) -> int:
        url = f"http://127.0.0.1:{port}{HOOK}"
        async with http.post(url, data=body, headers={**headers,
                                                      "Content-Type": "application/json"}) as r:
            return r.status


def settings_for(server: FakeBotApi, data_dir: Path, port: int, entry: int, url: str
                 ) -> Settings:
    return instance(server, data_dir, port).model_copy(update={
        "telegram_webhook_url": f"http://127.0.0.1:{entry}{HOOK}",
        "snippets_dir": TEST_LIBRARY,
        "database_url": SecretStr(url),
    })


def draft(server: FakeBotApi, user_id: int) -> str:
    talk = Talk(SimulatedUser(server, user_id, timeout=TIMEOUT * 4))
    name, _ = first_draft(talk)
    return name


async def many_users(server: FakeBotApi, tmp_path: Path, pg_url: str) -> list[str]:
    ports, entry_port = [free_port(), free_port()], free_port()
    entry = EntryPoint(ports)
    runner = web.AppRunner(entry.app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", entry_port).start()
    settings = [settings_for(server, tmp_path / n, p, entry_port, pg_url)
                for n, p in zip("ab", ports, strict=True)]
    engines = [build_engine(s) for s in settings]
    stops, readies = [asyncio.Event(), asyncio.Event()], [asyncio.Event(), asyncio.Event()]
    tasks = [asyncio.create_task(serve_webhook(s, e, stop, ready=ready))
             for s, e, stop, ready in zip(settings, engines, stops, readies, strict=True)]
    try:
        await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), TIMEOUT)
        loop = asyncio.get_running_loop()
        with ThreadPoolExecutor(USERS) as pool:
            names = await asyncio.gather(*(loop.run_in_executor(pool, draft, server, 9000 + n)
                                           for n in range(USERS)))
        assert entry.duplicates > USERS  # the same update went to both instances many times
    finally:
        for stop in stops:
            stop.set()
        await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), TIMEOUT)
        await runner.cleanup()
    store = engines[0].deps.store
    assert isinstance(store, PgStore)
    for n, name in enumerate(names):
        [record] = store.drafts.list_for(9000 + n)  # exactly one draft each
        assert record.name == name and record.revision == 0
        targets = record.plan["targets"]
        assert "95" in str(targets) or 95 in targets.values(), targets
        assert sum(len(s["items"]) for s in record.plan["sections"]) > 3
    for engine in engines:
        engine_store = engine.deps.store
        assert isinstance(engine_store, PgStore)
        engine_store.db.close()
    return names


def test_many_users_on_two_instances_lose_nothing_and_repeat_nothing(
    server: FakeBotApi, tmp_path: Path, pg_url: str
) -> None:
    names = asyncio.run(many_users(server, tmp_path, pg_url))
    assert len(names) == USERS
    sent = server.calls_to("sendMessage") + server.calls_to("editMessageText")
    for n in range(USERS):
        for words in ("哪个地区", GENERATED):  # answered once, though delivered to both
            assert sum(1 for c in sent if c.params.get("chat_id") == 9000 + n
                       and words in str(c.params.get("text"))) == 1, (n, words)
    assert server.violations == []
