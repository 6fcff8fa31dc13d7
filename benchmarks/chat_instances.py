"""``planbot webhook`` instances for ``python -m benchmarks chat``: TinyDB or PostgreSQL, 1 or 2.

Each instance is the real command in a child process (``python -m bot webhook``), as in
``docker-compose.yml``. The fake Bot API posts every update to one entry point, a small
round-robin proxy in a thread of the benchmark (:class:`EntryPoint`, what nginx is in the
compose file), which hands each update to the next instance; with one instance the same proxy
stands in front of it, so the rows differ only in the instances and the store. With
PostgreSQL every run gets a schema of its own on the benchmark's server, and the instances
claim every update in it and book every message in its rate buckets.

The limits on messages are set far above what the users make the bot send
(:data:`UNBINDING_LIMITS`): the rows then measure the store, the ledger and the booking, not
Telegram's pacing; ``--telegram-limits`` adds a run with Telegram's own limits.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import secrets
import socket
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import aiohttp
from aiohttp import web

from tests.fakebot import webhook as fake_webhook
from tests.fakebot.process import BotProcess
from tests.fakebot.server import FakeBotApi

HOOK = "/planbot/updates"
UNBINDING_LIMITS = {"TELEGRAM_MAX_PER_SECOND": "100000", "TELEGRAM_MAX_PER_CHAT_SECOND": "1000",
                    "TELEGRAM_MAX_PER_GROUP_MINUTE": "1000"}
TELEGRAM_LIMITS = {"TELEGRAM_MAX_PER_SECOND": "30", "TELEGRAM_MAX_PER_CHAT_SECOND": "1",
                   "TELEGRAM_MAX_PER_GROUP_MINUTE": "20"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class EntryPoint:
    """A round-robin HTTP proxy on 127.0.0.1 in a thread of its own (keep-alive to the
    instances); the instance's status goes back to the fake Bot API."""

    def __init__(self, ports: list[int]) -> None:
        self.ports = ports
        self.port = free_port()
        self._turn = itertools.count()
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, name="entry-point", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{HOOK}"

    def __enter__(self) -> EntryPoint:
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        stop = self._stop
        if stop is not None:
            self._loop.call_soon_threadsafe(stop.set)
        self._thread.join(10)

    def _run(self) -> None:
        self._loop.run_until_complete(self._serve())
        self._loop.close()

    async def _serve(self) -> None:
        self._stop = asyncio.Event()
        connector = aiohttp.TCPConnector(limit=0)
        async with aiohttp.ClientSession(connector=connector) as http:
            app = web.Application()

            async def forward(request: web.Request) -> web.Response:
                port = self.ports[next(self._turn) % len(self.ports)]
                headers = {k: v for k, v in request.headers.items()
                           if k.lower().startswith("x-telegram") or k.lower() == "content-type"}
                async with http.post(f"http://127.0.0.1:{port}{HOOK}", data=await request.read(),
                                     headers=headers) as answer:
                    return web.Response(status=answer.status, body=await answer.read())

            app.router.add_post(HOOK, forward)
            runner = web.AppRunner(app, access_log=None)
            await runner.setup()
            await web.TCPSite(runner, "127.0.0.1", self.port).start()
            self._ready.set()
            await self._stop.wait()
            await runner.cleanup()


@contextlib.contextmanager
def pg_schema(server_url: str) -> Iterator[str]:
    """A database URL whose tables live in a schema of their own (dropped after)."""
    import psycopg

    schema = f"bench_{secrets.token_hex(4)}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}".encode())
    separator = "&" if "?" in server_url else "?"
    try:
        yield f"{server_url}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE".encode())


def as_many_connections_as_telegram() -> None:
    """The fake Bot API posts updates on as many connections at once as Telegram does by default
    (``max_connections`` 40), not the tests' few: else its senders, each waiting for the bot's
    answer, would be what the rows measure."""
    fake_webhook.MAX_SENDERS = fake_webhook.DEFAULT_MAX_CONNECTIONS


def instances(server: FakeBotApi, data_dir: Path, entry: EntryPoint, database_url: str,
              limits: dict[str, str], logs: Path) -> list[BotProcess]:
    """The webhook instances behind ``entry`` (not started), each with its data directory."""
    as_many_connections_as_telegram()
    bots = []
    for number, port in enumerate(entry.ports, start=1):
        own, log_dir = data_dir / f"instance-{number}", logs / f"instance-{number}"
        own.mkdir(parents=True, exist_ok=True)
        log_dir.mkdir(parents=True, exist_ok=True)
        env = {"TELEGRAM_WEBHOOK_URL": entry.url, "PLANBOT_WEBHOOK_PORT": str(port),
               "PLANBOT_WEBHOOK_LISTEN": "127.0.0.1", "PLANBOT_DATABASE_URL": database_url,
               **limits}
        bots.append(BotProcess(server, own, log_dir=log_dir, log_level="INFO", extra_env=env,
                               argv=[sys.executable, "-m", "bot", "webhook"],
                               ready_method="setWebhook"))
    return bots


def postgres_server() -> contextlib.AbstractContextManager[str | None]:
    """``PLANBOT_BENCH_DATABASE_URL``, else a server started for the run (fsync on), else None."""
    given = os.environ.get("PLANBOT_BENCH_DATABASE_URL")
    if given:
        return contextlib.nullcontext(given)
    return _started()


@contextlib.contextmanager
def _started() -> Iterator[str | None]:
    from tests.pg_cluster import Cluster, find_bin

    bin_dir = find_bin()
    if bin_dir is None:
        print("postgres: no initdb found (install postgresql): its rows skipped")
        yield None
        return
    cluster = Cluster(bin_dir, durable=True)
    try:
        yield cluster.start()
    finally:
        cluster.stop()
