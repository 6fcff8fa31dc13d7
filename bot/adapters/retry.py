"""Retry a Bot API call through flood control (429) and network trouble, by the rule of
:mod:`bot.adapters.retry_policy`: a call that adds to the chat (``sendMessage``,
``sendDocument``) is made again only where the request surely did not arrive; a call that is
safe to repeat (``editMessageText``, ``answerCallbackQuery`` …) also after a timeout.

:func:`with_retry` raises what the last try raised; :func:`deliver` is for the calls that add
to the chat: a failure after which the message may have been delivered is logged and taken as
delivered (no apology that would follow a message the user got).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError

from bot.adapters.http import NotSent, ServerFailed
from bot.adapters.retry_policy import TELEGRAM, Outcome, RetryPolicy, outcome_of_status

logger = logging.getLogger(__name__)

# Opt in now to PTB's coming time periods as ``timedelta``: PTB 22 otherwise emits a deprecation
# warning whenever it builds a RetryAfter (its constructor reads ``retry_after``). Read at use.
os.environ.setdefault("PTB_TIMEDELTA", "true")

T = TypeVar("T")

BASE_DELAY = 0.5  # seconds before the 2nd try after a network error; doubles each time
MAX_RETRY_AFTER = 60.0  # flood waits longer than this are not worth holding an update for


async def with_retry(
    call: Callable[[], Awaitable[T]],
    *,
    what: str,
    policy: RetryPolicy = TELEGRAM,
    attempts: int | None = None,
    base_delay: float = BASE_DELAY,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> T:
    """``await call()``, again while ``policy`` allows it for the method ``what`` and the
    failure (:func:`outcome_of`): after ``RetryAfter`` waiting as told, else with exponential
    back-off; at most ``attempts`` tries (the policy's by default). ``BadRequest`` and every
    other error propagate at once."""
    tries = policy.attempts if attempts is None else attempts
    for attempt in range(1, tries + 1):
        try:
            return await call()
        except TelegramError as exc:
            outcome = outcome_of(exc)
            if outcome is None or attempt == tries or not policy.may_retry(what, outcome):
                raise
            delay = _delay(exc, attempt, base_delay)
            if delay > MAX_RETRY_AFTER:
                raise
            logger.warning("%s: %s (%s), try %d of %d in %.1f s", what, type(exc).__name__,
                           outcome.value, attempt + 1, tries, delay)
        await sleep(delay)
    raise ValueError(f"attempts must be at least 1, not {tries}")


async def deliver(
    call: Callable[[], Awaitable[object]],
    *,
    what: str,
    policy: RetryPolicy = TELEGRAM,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> None:
    """A call that adds to the chat, by :func:`with_retry`; when it fails where the request
    may have been delivered (sent, then no answer in time), it is not made again: logged at
    WARNING and taken as delivered. Other failures propagate."""
    try:
        await with_retry(call, what=what, policy=policy, sleep=sleep)
    except TelegramError as exc:
        if outcome_of(exc) is not Outcome.UNKNOWN or policy.may_retry(what, Outcome.UNKNOWN):
            raise
        logger.warning("%s: %s after the request went out; not sent again (it may have been "
                       "delivered)", what, type(exc).__name__)


def outcome_of(exc: TelegramError) -> Outcome | None:
    """What a failed call tells about its request (None: not worth repeating)."""
    if isinstance(exc, RetryAfter):
        return Outcome.WAIT
    if isinstance(exc, BadRequest):  # a NetworkError in PTB's hierarchy
        return None
    if isinstance(exc, NotSent):
        return Outcome.NOT_SENT
    if isinstance(exc, ServerFailed):
        return outcome_of_status(exc.status)
    if isinstance(exc, NetworkError):  # TimedOut, a connection cut, another HTTP backend's
        return Outcome.UNKNOWN
    return None  # Forbidden, InvalidToken, Conflict …


def _delay(exc: TelegramError, attempt: int, base_delay: float) -> float:
    if isinstance(exc, RetryAfter):
        return retry_after_seconds(exc)
    return base_delay * 2.0 ** (attempt - 1)


def retry_after_seconds(exc: RetryAfter) -> float:
    """The wait Telegram asked for (a timedelta with PTB_TIMEDELTA, else seconds)."""
    value = exc.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)
