"""Run the real Telegram application (``build_application``) against the fake Bot API.

The application runs in a background thread with its own event loop, exactly as in production
(initialize, post_init, start, long polling); the test body stays synchronous and talks to it as
users do::

    def test_new_draft(tmp_path: Path) -> None:
        settings = hermetic_settings(tmp_path)
        with running_bot(Engine(settings), settings) as bot:
            user = bot.user(42)
            user.command("new")
            assert "地区" in user.wait_for_reply().text
            user.press("学前教育")
            reply = user.wait_for_reply()
            ...

On leaving the block (if the body passed) it checks that the fake server saw no request that
breaks the Bot API spec, that every button press was answered and that nothing was logged at
ERROR (pass ``expect_errors=True`` where an error is the point of the test; the records are in
:attr:`RunningBot.error_logs`).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import TypeHandler

from bot.adapters.protocol import DialogueEngine
from bot.adapters.telegram import ALLOWED_UPDATES, PlanbotApplication, build_application
from bot.config import Settings
from tests.fakebot.server import FakeBotApi
from tests.fakebot.user import SimulatedUser

STARTUP_TIMEOUT = 10.0
# After every handler group of the application: tells the server the update was handled.
_HARNESS_GROUP = 1_000


# Telegram's limits on messages sent are off: the fake Bot API has none, and a whole dialogue
# would wait a second for each message (tests/test_ratelimit*.py turn them on).
NO_RATE_LIMITS: dict[str, object] = {
    "telegram_max_per_second": 0, "telegram_max_per_chat_second": 0,
    "telegram_max_per_group_minute": 0,
}


def hermetic_settings(data_dir: Path | None = None) -> Settings:
    """Settings built from defaults only (no environment, no .env): hermetic for tests."""
    if data_dir is None:
        return Settings.model_construct(**NO_RATE_LIMITS)
    return Settings.model_construct(data_dir=data_dir, **NO_RATE_LIMITS)


class RunningBot:
    """The fake server and the application polling it."""

    def __init__(self, server: FakeBotApi, application: PlanbotApplication) -> None:
        self.server = server
        self.application = application
        self.error_logs: list[logging.LogRecord] = []

    def user(self, user_id: int, *, first_name: str = "Tester") -> SimulatedUser:
        """A user in a private chat with the bot (chat id = user id)."""
        return SimulatedUser(self.server, user_id, first_name=first_name)


@contextmanager
def running_bot(
    engine: DialogueEngine,
    settings: Settings | None = None,
    *,
    expect_errors: bool = False,
) -> Iterator[RunningBot]:
    """Start the fake server and the application over ``engine``; stop both on leaving."""
    with FakeBotApi() as server:
        settings = (settings or hermetic_settings()).model_copy(
            update={
                "bot_token": server.token,
                "telegram_api_base_url": server.base_url,
                "telegram_file_base_url": server.base_file_url,
            }
        )
        application = build_application(settings, engine)
        application.add_handler(TypeHandler(Update, _mark_handled(server)), group=_HARNESS_GROUP)
        bot = RunningBot(server, application)
        runner = _Runner(application)
        with _capture_errors(bot.error_logs):
            runner.start_and_wait()
            try:
                yield bot
            finally:
                runner.stop()
        assert server.violations == [], server.violations
        assert server.unanswered_callback_queries() == [], "callback queries left unanswered"
        if not expect_errors:
            assert [r.getMessage() for r in bot.error_logs] == [], "errors were logged"


def _mark_handled(server: FakeBotApi) -> Callable[[Update, Any], Coroutine[Any, Any, None]]:
    async def mark(update: Update, context: Any) -> None:
        server.mark_processed(update.update_id)

    return mark


class _Runner:
    """The application's event loop, in a thread."""

    def __init__(self, application: PlanbotApplication) -> None:
        self.application = application
        self.error: BaseException | None = None
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, name="planbot-under-test", daemon=True)

    def start_and_wait(self) -> None:
        self._thread.start()
        if not self._ready.wait(STARTUP_TIMEOUT):
            raise AssertionError("the application did not start")
        if self.error is not None:
            raise AssertionError("the application failed to start") from self.error

    def stop(self) -> None:
        if self._loop is not None and self._stopping is not None:
            self._loop.call_soon_threadsafe(self._stopping.set)
        self._thread.join(STARTUP_TIMEOUT)
        if self.error is not None:
            raise AssertionError("the application failed") from self.error

    def _run(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as exc:
            self.error = exc
        finally:
            self._ready.set()

    async def _main(self) -> None:
        app = self.application
        self._loop, self._stopping = asyncio.get_running_loop(), asyncio.Event()
        await app.initialize()
        try:
            if app.post_init is not None:
                await app.post_init(app)
            await app.start()
            assert app.updater is not None
            await app.updater.start_polling(
                poll_interval=0, timeout=1, allowed_updates=ALLOWED_UPDATES
            )
            self._ready.set()
            await self._stopping.wait()
        finally:
            if app.updater is not None and app.updater.running:
                await app.updater.stop()
            if app.running:
                await app.stop()
            await app.shutdown()


class _ErrorRecords(logging.Handler):
    def __init__(self, records: list[logging.LogRecord]) -> None:
        super().__init__(logging.ERROR)
        self.records = records

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def _capture_errors(records: list[logging.LogRecord]) -> Iterator[None]:
    handler = _ErrorRecords(records)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)
