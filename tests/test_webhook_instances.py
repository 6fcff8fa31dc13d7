"""Two ``planbot webhook`` instances on one PostgreSQL database (each with an engine, a pool and
a data directory of its own, as two processes would be): an update delivered to both is handled
once, one delivered again after it was handled is not handled again, one in hand at the other
instance gets 503 (Telegram delivers it again later), and a user's draft made through one
instance is theirs on the other."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from pydantic import SecretStr

from bot.adapters.webhook import SECRET_HEADER, serve_webhook, webhook_secret
from bot.app import build_engine
from bot.config import Settings
from bot.store.postgres import Claim, PgStore, UpdateLedger, open_database
from tests.fakebot import FakeBotApi, SimulatedUser
from tests.test_webhook import TIMEOUT, HeldEngine, command, free_port, instance


@pytest.fixture
def server() -> Iterator[FakeBotApi]:
    with FakeBotApi() as fake:
        yield fake


def pg_instance(server: FakeBotApi, data_dir: Path, pg_url: str) -> Settings:
    settings = instance(server, data_dir, free_port())
    return settings.model_copy(update={"database_url": SecretStr(pg_url)})


def test_the_ledger_claims_an_update_once(pg_url: str) -> None:
    one, two = open_database(pg_url, max_size=2), open_database(pg_url, max_size=2)
    try:
        first, second = UpdateLedger(one), UpdateLedger(two)
        assert first.claim(1) is Claim.NEW and second.claim(1) is Claim.BUSY
        first.release(1)  # handling failed: the next delivery handles it
        assert second.claim(1) is Claim.NEW
        second.done(1)
        assert first.claim(1) is Claim.DONE and second.claim(1) is Claim.DONE
        import datetime as dt

        patient = UpdateLedger(one, stale_after=dt.timedelta(0))
        assert first.claim(2) is Claim.NEW
        assert patient.claim(2) is Claim.NEW  # its claimer fell silent: taken over
        assert first.prune(dt.timedelta(0)) == 1  # the handled one
    finally:
        one.close()
        two.close()


async def post(http: aiohttp.ClientSession, settings: Settings, update: dict[str, Any]) -> int:
    url = f"http://127.0.0.1:{settings.webhook_port}/hook"
    async with http.post(url, json=update,
                         headers={SECRET_HEADER: webhook_secret(settings)}) as answer:
        return answer.status


async def two_instances(server: FakeBotApi, tmp_path: Path, pg_url: str) -> None:
    settings = [pg_instance(server, tmp_path / name, pg_url) for name in ("a", "b")]
    engines = [build_engine(s) for s in settings]
    held = HeldEngine(engines[0])
    stops, readies = [asyncio.Event(), asyncio.Event()], [asyncio.Event(), asyncio.Event()]
    tasks = [asyncio.create_task(serve_webhook(s, e, stop, ready=ready))
             for s, e, stop, ready in zip(settings, [held, engines[1]], stops, readies,
                                          strict=True)]
    await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), TIMEOUT)
    user = SimulatedUser(server, 7101)
    update = command(user, 500, "new")
    async with aiohttp.ClientSession() as http:
        first = asyncio.create_task(post(http, settings[0], update))
        assert await asyncio.to_thread(held.entered.wait, TIMEOUT)  # in hand at instance a
        assert await post(http, settings[1], update) == 503  # the same update, delivered again
        held.go_on.set()
        assert await asyncio.wait_for(first, TIMEOUT) == 200
        assert await post(http, settings[1], update) == 200  # handled already: nothing more
        assert await post(http, settings[0], update) == 200
        assert [m.text for m in user.messages].count(user.last_message.text) == 1
        assert "哪个地区" in user.last_message.text
        assert await post(http, settings[1], command(user, 501, "drafts")) == 200
    for stop in stops:
        stop.set()
    await asyncio.wait_for(asyncio.gather(*tasks), TIMEOUT)
    for engine in engines:
        assert isinstance(engine.deps.store, PgStore)
        engine.deps.store.db.close()


def test_an_update_delivered_to_two_instances_is_handled_once(
    server: FakeBotApi, tmp_path: Path, pg_url: str
) -> None:
    asyncio.run(two_instances(server, tmp_path, pg_url))
    sent = [c for c in server.calls_to("sendMessage") if "哪个地区" in str(c.params.get("text"))]
    assert len(sent) == 1
    assert server.violations == []



