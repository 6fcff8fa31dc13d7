"""Telegram updates over HTTP (a webhook) instead of long polling.

Usage::

    BOT_TOKEN=123456:ABC-DEF TELEGRAM_WEBHOOK_URL=https://bot.example.org/planbot planbot webhook

or from Python, with the settings and the engine ``planbot telegram`` uses (it may run twice,
e.g. two instances on two ports in one test)::

    await serve_webhook(settings, engine, stop)   # until ``stop`` (an asyncio.Event) is set

Telegram posts every update to ``TELEGRAM_WEBHOOK_URL``; a reverse proxy that terminates TLS
forwards it to ``PLANBOT_WEBHOOK_LISTEN``:``PLANBOT_WEBHOOK_PORT``, the same path. An aiohttp web
server (aiohttp is already the bot's HTTP client) hands each update to
``Application.process_update`` of the application :func:`~bot.adapters.telegram.build_application`
builds, with the same :class:`~bot.adapters.telegram.TelegramAdapter` handlers as long polling and
as a worker process: only where the updates come from differs.

- **The secret token.** ``setWebhook`` registers ``secret_token`` (``TELEGRAM_WEBHOOK_SECRET``, or
  one derived from the bot token so that every instance of the bot uses the same); Telegram sends
  it in ``X-Telegram-Bot-Api-Secret-Token`` with every update. A request without it, or with
  another, gets 403 before its body is read (compared in constant time:
  :func:`hmac.compare_digest`).
- **Handled, then answered.** The answer (200) goes back once the update is handled, so an update
  whose instance dies meanwhile is delivered again by Telegram, not lost. A handler's failure is
  the error handler's business (logged, the user gets the apology) and still answers 200: Telegram
  would only send the same update again.
- **Several instances on one PostgreSQL** (``PLANBOT_DATABASE_URL``): every update's
  ``update_id`` is claimed in the database before it is handled
  (:class:`~bot.store.postgres.UpdateLedger`), so an update Telegram delivers twice, to this
  instance or another, is handled once: a second delivery of a handled update gets 200 and
  nothing else, one another instance is handling now gets 503 (Telegram delivers it again
  later). Without a database there is one instance and no claim.
- **Health.** ``GET /healthz`` answers 200 ``{"status": "ok"}`` while the application runs,
  503 otherwise (for the proxy or the orchestrator).
- **Stopping** (SIGTERM or Ctrl-C): the server stops listening, the updates in hand are handled
  and answered, the application stops. The webhook stays registered (no ``deleteWebhook``):
  another instance behind the same URL goes on serving, and while none runs Telegram keeps the
  updates and delivers them when one is back. ``planbot telegram`` (long polling) removes the
  webhook when it starts.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import signal
import urllib.parse
from functools import partial
from typing import TYPE_CHECKING, Final

import orjson
from aiohttp import web
from telegram import Update

from bot.adapters.protocol import DialogueEngine
from bot.adapters.retry import with_retry
from bot.adapters.telegram import ALLOWED_UPDATES, PlanbotApplication, build_application
from bot.config import Settings

if TYPE_CHECKING:
    from bot.store.postgres import UpdateLedger

logger = logging.getLogger(__name__)

SECRET_HEADER: Final = "X-Telegram-Bot-Api-Secret-Token"
HEALTH_PATH: Final = "/healthz"
STOP_TIMEOUT: Final = 60.0  # seconds the updates in hand get to be handled after a stop
_DERIVED_SECRET: Final = b"planbot webhook secret token"


def webhook_secret(settings: Settings) -> str:
    """``TELEGRAM_WEBHOOK_SECRET``, or an HMAC of the bot token: the same for every instance of
    the bot, unknown to whoever does not know the token (64 hex digits, within Telegram's
    1-256 characters ``A-Za-z0-9_-``)."""
    given = settings.telegram_webhook_secret.get_secret_value()
    if given:
        return given
    return hmac.new(settings.bot_token.encode(), _DERIVED_SECRET, hashlib.sha256).hexdigest()


def webhook_path(settings: Settings) -> str:
    """The path the server answers on: that of ``TELEGRAM_WEBHOOK_URL`` (``/`` if it has none)."""
    return urllib.parse.urlsplit(settings.telegram_webhook_url).path or "/"


class WebhookServer:
    """The HTTP side: the webhook path and the health endpoint, feeding ``application``."""

    def __init__(self, application: PlanbotApplication, secret: str, path: str,
                 ledger: UpdateLedger | None = None) -> None:
        self.application = application
        self.ledger = ledger
        self._secret = secret.encode()
        self.app = web.Application()
        self.app.router.add_post(path, self.on_update)
        self.app.router.add_get(HEALTH_PATH, self.on_health)

    async def on_update(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            logger.warning("webhook: refused a request from %s without the secret token",
                           request.remote)
            return web.Response(status=403, text="Forbidden")
        try:
            data = orjson.loads(await request.read())
            update = Update.de_json(data, self.application.bot)
        except (orjson.JSONDecodeError, AttributeError, TypeError, KeyError, ValueError) as exc:
            logger.warning("webhook: a request that is not an update: %s", type(exc).__name__)
            return web.Response(status=400, text="Bad Request")
        if self.ledger is None:
            await self.application.process_update(update)
            return web.Response(status=200)
        return await self._once(update, self.ledger)

    async def _once(self, update: Update, ledger: UpdateLedger) -> web.Response:
        """Handle the update unless it was handled or is being handled (see the module)."""
        from bot.store.postgres import Claim

        claim = await asyncio.to_thread(ledger.claim, update.update_id)
        if claim is Claim.DONE:
            logger.info("webhook: update %d was handled already", update.update_id)
            return web.Response(status=200)
        if claim is Claim.BUSY:
            return web.Response(status=503, text="Busy", headers={"Retry-After": "5"})
        try:
            await self.application.process_update(update)
        except BaseException:
            await asyncio.to_thread(ledger.release, update.update_id)
            raise
        await asyncio.to_thread(ledger.done, update.update_id)
        return web.Response(status=200)

    async def on_health(self, request: web.Request) -> web.Response:
        running = self.application.running
        body = orjson.dumps({"status": "ok" if running else "stopped"})
        return web.Response(status=200 if running else 503, body=body,
                            content_type="application/json")


async def serve_webhook(
    settings: Settings,
    engine: DialogueEngine,
    stop: asyncio.Event,
    *,
    ready: asyncio.Event | None = None,
    ledger: UpdateLedger | None = None,
) -> None:
    """Serve the bot's updates over HTTP until ``stop`` is set (``ready``: set once the server
    listens and the webhook is registered); then stop as the module docstring says. ``ledger``:
    where updates are claimed (default: the database of ``settings.database_url``, if any)."""
    application = build_application(settings, engine, polling=False)
    ledger = ledger if ledger is not None else _ledger(settings)
    server = WebhookServer(application, webhook_secret(settings), webhook_path(settings), ledger)
    runner = web.AppRunner(server.app, handle_signals=False, access_log=None,
                           shutdown_timeout=STOP_TIMEOUT)
    async with application:  # getMe … and, on leaving, the HTTP clients closed
        if application.post_init is not None:
            await application.post_init(application)  # the command menu
        await application.start()
        await runner.setup()
        try:
            await web.TCPSite(runner, settings.webhook_listen, settings.webhook_port).start()
            await _register(application, settings)
            logger.info("serving webhook updates on %s:%d%s", settings.webhook_listen,
                        settings.webhook_port, webhook_path(settings))
            if ready is not None:
                ready.set()
            await stop.wait()
        finally:
            await runner.cleanup()  # stops listening; the requests in hand are answered first
            await application.stop()


def _ledger(settings: Settings) -> UpdateLedger | None:
    url = settings.database_url.get_secret_value()
    if not url:
        return None
    from bot.store.postgres import UpdateLedger, open_database

    ledger = UpdateLedger(open_database(url, max_size=4))
    ledger.prune()
    return ledger


async def _register(application: PlanbotApplication, settings: Settings) -> None:
    """``setWebhook`` (after the server listens: Telegram may post at once)."""
    register = partial(
        application.bot.set_webhook,
        url=settings.telegram_webhook_url,
        secret_token=webhook_secret(settings),
        allowed_updates=ALLOWED_UPDATES,
    )
    await with_retry(register, what="setWebhook")


def run_webhook(settings: Settings, engine: DialogueEngine) -> int:
    """``planbot webhook``: serve until SIGTERM or Ctrl-C; the exit status."""
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        await serve_webhook(settings, engine, stop)

    asyncio.run(main())
    return 0
