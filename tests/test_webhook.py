"""``bot.adapters.webhook`` in this process: its secret, its path; ``serve_webhook`` run twice
at once (two instances on two ports over one engine and one store, as several instances behind
one entry point will be), each serving the updates posted to it, each stopping on its own; and a
stop while an update is in hand: that update is handled and answered before the server ends."""

from __future__ import annotations

import asyncio
import re
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest
from pydantic import SecretStr

from bot.adapters.webhook import SECRET_HEADER, serve_webhook, webhook_path, webhook_secret
from bot.config import Settings
from bot.dialogue.engine import Engine
from bot.dialogue.types import Event, InlineAnswer, Reply
from bot.store import open_store
from tests.chat import make_engine
from tests.fakebot import FakeBotApi, SimulatedUser
from tests.fakebot.harness import hermetic_settings

TIMEOUT = 10.0


def test_the_secret_is_derived_from_the_token_unless_given() -> None:
    one = Settings.model_construct(bot_token="1:aaa", telegram_webhook_secret=SecretStr(""))
    again = one.model_copy()
    other = one.model_copy(update={"bot_token": "1:bbb"})
    assert re.fullmatch(r"[0-9a-f]{64}", webhook_secret(one))
    assert webhook_secret(one) == webhook_secret(again) != webhook_secret(other)
    assert "aaa" not in webhook_secret(one)
    given = one.model_copy(update={"telegram_webhook_secret": SecretStr("my_secret-2")})
    assert webhook_secret(given) == "my_secret-2"


@pytest.mark.parametrize(("url", "path"), [
    ("https://bot.example.org/planbot/updates", "/planbot/updates"),
    ("https://bot.example.org", "/"),
    ("https://bot.example.org:8443/hook?x=1", "/hook"),
])
def test_the_server_answers_on_the_path_of_the_url(url: str, path: str) -> None:
    assert webhook_path(Settings.model_construct(telegram_webhook_url=url)) == path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server() -> Iterator[FakeBotApi]:
    with FakeBotApi() as fake:
        yield fake


def instance(server: FakeBotApi, tmp_path: Path, port: int) -> Settings:
    return hermetic_settings(tmp_path).model_copy(update={
        "bot_token": server.token,
        "telegram_api_base_url": server.base_url,
        "telegram_file_base_url": server.base_file_url,
        "telegram_webhook_url": f"http://127.0.0.1:{port}/hook",
        "telegram_webhook_secret": SecretStr(""),
        "webhook_listen": "127.0.0.1",
        "webhook_port": port,
    })


def command(user: SimulatedUser, update_id: int, name: str) -> dict[str, object]:
    text = f"/{name}"
    message = {"message_id": update_id, "date": 0, "chat": user.chat, "from": user.sender,
               "text": text, "entities": [{"type": "bot_command", "offset": 0,
                                           "length": len(text)}]}
    return {"update_id": update_id, "message": message}


async def two_instances(server: FakeBotApi, tmp_path: Path) -> None:
    engine = make_engine(open_store(tmp_path))
    ports = free_port(), free_port()
    settings = [instance(server, tmp_path, port) for port in ports]
    stops = [asyncio.Event(), asyncio.Event()]
    readies = [asyncio.Event(), asyncio.Event()]
    tasks = [asyncio.create_task(serve_webhook(s, engine, stop, ready=ready))
             for s, stop, ready in zip(settings, stops, readies, strict=True)]
    await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), TIMEOUT)
    users = [SimulatedUser(server, 7001), SimulatedUser(server, 7002)]
    secret = {SECRET_HEADER: webhook_secret(settings[0])}
    async with aiohttp.ClientSession() as http:
        for number, (port, user) in enumerate(zip(ports, users, strict=True)):
            update = command(user, 100 + number, "new")
            async with http.post(f"http://127.0.0.1:{port}/hook", json=update,
                                 headers=secret) as answer:
                assert answer.status == 200  # answered once handled: the reply is out
            assert "哪个地区" in user.last_message.text
        stops[0].set()
        await asyncio.wait_for(tasks[0], TIMEOUT)
        with pytest.raises(aiohttp.ClientConnectionError):
            await http.get(f"http://127.0.0.1:{ports[0]}/healthz")
        async with http.get(f"http://127.0.0.1:{ports[1]}/healthz") as health:
            assert health.status == 200 and await health.json() == {"status": "ok"}
    stops[1].set()
    await asyncio.wait_for(tasks[1], TIMEOUT)


def test_two_instances_serve_side_by_side_and_stop_one_by_one(
    server: FakeBotApi, tmp_path: Path
) -> None:
    asyncio.run(two_instances(server, tmp_path))
    assert len(server.calls_to("setWebhook")) == 2 and server.calls_to("deleteWebhook") == []
    assert len(server.calls_to("setMyCommands")) == 2
    assert server.violations == []


class HeldEngine:
    """The real engine, whose ``handle`` waits until the test lets it go on."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.entered = threading.Event()
        self.go_on = threading.Event()

    def handle(self, event: Event) -> list[Reply]:
        self.entered.set()
        assert self.go_on.wait(TIMEOUT)
        return self.engine.handle(event)

    def inline(self, event: Event) -> InlineAnswer:
        return self.engine.inline(event)

    def commands(self) -> list[tuple[str, str]]:
        return self.engine.commands()


async def stop_with_an_update_in_hand(server: FakeBotApi, tmp_path: Path) -> None:
    engine = HeldEngine(make_engine(open_store(tmp_path)))
    settings = instance(server, tmp_path, free_port())
    stop, ready = asyncio.Event(), asyncio.Event()
    serving = asyncio.create_task(serve_webhook(settings, engine, stop, ready=ready))
    await asyncio.wait_for(ready.wait(), TIMEOUT)
    user = SimulatedUser(server, 7003)
    url = f"http://127.0.0.1:{settings.webhook_port}/hook"
    async with aiohttp.ClientSession() as http:
        posting = asyncio.create_task(http.post(url, json=command(user, 300, "new"),
                                                headers={SECRET_HEADER: webhook_secret(settings)}))
        assert await asyncio.to_thread(engine.entered.wait, TIMEOUT)
        stop.set()  # SIGTERM, as run_webhook turns it into
        await asyncio.sleep(0.2)
        assert not serving.done()  # waits for the update in hand
        engine.go_on.set()
        answer = await asyncio.wait_for(posting, TIMEOUT)
        assert answer.status == 200
        answer.release()
    await asyncio.wait_for(serving, TIMEOUT)
    assert "哪个地区" in user.last_message.text


def test_a_stop_answers_the_update_in_hand_first(server: FakeBotApi, tmp_path: Path) -> None:
    asyncio.run(stop_with_an_update_in_hand(server, tmp_path))
    assert server.violations == []
