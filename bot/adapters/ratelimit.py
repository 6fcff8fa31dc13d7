"""Telegram's limits on the messages a bot sends, kept across processes and instances.

Telegram asks bots to send at most about 30 messages a second in all, one a second in a chat and
20 a minute in a group (https://core.telegram.org/bots/faq, "My bot is hitting limits"); above
that it answers 429. :class:`TelegramRateLimiter` is python-telegram-bot's rate-limiter hook
(every Bot API call of the application goes through it, ``LeanBot.call`` included): a call that
sends a message (``sendMessage``, ``sendDocument`` … see :func:`counted`) first books a slot in
the buckets of the bot, of its chat and, for a group, of the group
(:mod:`bot.store.rates`), then waits until the slot. Edits, button answers, inline answers and
"typing…" are not messages sent and go at once.

Where the buckets live:

- with ``PLANBOT_DATABASE_URL``, in the database (``bot.store.postgres.PgRateBuckets``), shared
  by every process and instance on it: two ``planbot webhook`` instances together keep the
  limits. If the database cannot be reached, the process goes on with buckets of its own (a
  WARNING says so);
- otherwise in the process (:class:`~bot.store.rates.MemoryRateBuckets`). With
  ``PLANBOT_WORKERS`` > 1 each worker keeps 1/N of the bot's and of each group's limit (a
  group's messages may come from several workers); a private chat is one user's, served by one
  worker, and keeps its whole limit.

The limits are settings (``TELEGRAM_MAX_PER_SECOND``, ``TELEGRAM_MAX_PER_CHAT_SECOND``,
``TELEGRAM_MAX_PER_GROUP_MINUTE``; 0 switches one off). A chat's rate is kept over
``TELEGRAM_CHAT_BURST_SECONDS`` (3): a reply of up to three messages (a notice, the question, a
file) goes at once, as Telegram allows short bursts; only a chat sent to without pause waits.
A 429 that still comes is handled by :mod:`bot.adapters.retry` as before.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram.ext import BaseRateLimiter

from bot.config import Settings
from bot.store.rates import MemoryRateBuckets, RateBuckets, RatesUnavailable, Window

logger = logging.getLogger(__name__)

JSONDict = dict[str, Any]
Result = bool | JSONDict | list[JSONDict]
_SENDS = ("send", "copyMessage", "forwardMessage")  # + sendMediaGroup, sendPhoto …
_NOT_MESSAGES = frozenset({"sendChatAction", "sendInvoice"})


def counted(endpoint: str) -> bool:
    """Whether a call of ``endpoint`` sends a message into a chat (and so is limited)."""
    return endpoint.startswith(_SENDS) and endpoint not in _NOT_MESSAGES


@dataclass(frozen=True)
class Limits:
    """The windows of the bot, of a chat, of a group (None: not limited)."""

    bot: Window | None
    chat: Window | None
    group: Window | None

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        def window(count: int, period: float) -> Window | None:
            return Window(count, period) if count > 0 else None

        burst = settings.telegram_chat_burst_seconds
        return cls(window(settings.telegram_max_per_second, 1.0),
                   window(settings.telegram_max_per_chat_second * burst, float(burst)),
                   window(settings.telegram_max_per_group_minute, 60.0))

    def shared_by(self, processes: int) -> Limits:
        """The part of one of ``processes`` processes that keep buckets of their own: the bot's
        and the groups' limits divided (at least one slot each); a private chat's whole."""
        def part(window: Window | None) -> Window | None:
            if window is None or processes <= 1:
                return window
            return Window(max(1, window.count // processes), window.period)

        return Limits(part(self.bot), self.chat, part(self.group))

    def wanted(self, chat_id: object) -> list[tuple[str, Window]]:
        """The buckets a message to ``chat_id`` books a slot in."""
        group = _is_group(chat_id)
        wanted = [("bot", self.bot), (f"chat:{chat_id}", self.chat),
                  (f"group:{chat_id}", self.group if group else None)]
        return [(key, window) for key, window in wanted if window is not None]


def _is_group(chat_id: object) -> bool:
    """Groups, supergroups and channels have negative ids (or an ``@username``)."""
    if isinstance(chat_id, str):
        try:
            return int(chat_id) < 0
        except ValueError:
            return True
    return isinstance(chat_id, int) and chat_id < 0


class TelegramRateLimiter(BaseRateLimiter[None]):
    """The rate-limiter hook (see the module). ``blocking``: ``buckets.reserve`` does I/O and
    runs in a worker thread; ``fallback``: the buckets used while those cannot be reached."""

    def __init__(
        self,
        limits: Limits,
        buckets: RateBuckets,
        *,
        blocking: bool = False,
        fallback: RateBuckets | None = None,
        on_shutdown: Callable[[], None] | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.limits = limits
        self._buckets = buckets
        self._blocking = blocking
        self._fallback = fallback or MemoryRateBuckets()
        self._on_shutdown = on_shutdown
        self._sleep = sleep
        self._unavailable = False  # said once, until the buckets answer again

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        if self._on_shutdown is not None:
            self._on_shutdown()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> Result:
        wanted = self.limits.wanted(data.get("chat_id")) if counted(endpoint) else []
        if wanted:
            wait = await self._reserve(wanted)
            if wait > 0:
                await self._sleep(wait)
        return await callback(*args, **kwargs)

    async def _reserve(self, wanted: list[tuple[str, Window]]) -> float:
        try:
            if self._blocking:
                wait = await asyncio.to_thread(self._buckets.reserve, wanted)
            else:
                wait = self._buckets.reserve(wanted)
        except RatesUnavailable as exc:
            if not self._unavailable:
                logger.warning("rate buckets unavailable (%s): this process keeps its own", exc)
            self._unavailable = True
            return self._fallback.reserve(wanted)
        if self._unavailable:
            logger.warning("rate buckets available again")
            self._unavailable = False
        return wait


def rate_limiter(settings: Settings) -> TelegramRateLimiter | None:
    """The limiter for the bot of ``settings`` (None if every limit is off): buckets in the
    database when there is one, else in the process (a 1/``PLANBOT_WORKERS`` part)."""
    limits = Limits.from_settings(settings)
    if limits == Limits(None, None, None):
        return None
    url = settings.database_url.get_secret_value()
    if not url:
        return TelegramRateLimiter(limits.shared_by(settings.workers), MemoryRateBuckets())
    from bot.store.postgres import PgRateBuckets, open_database

    db = open_database(url, max_size=2)
    return TelegramRateLimiter(limits, PgRateBuckets(db), blocking=True,
                               fallback=MemoryRateBuckets(), on_shutdown=db.close)
