"""Retry a Bot API call through flood control (429) and network trouble."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram.error import BadRequest, NetworkError, RetryAfter

logger = logging.getLogger(__name__)

# Opt in now to PTB's coming time periods as ``timedelta``: PTB 22 otherwise emits a deprecation
# warning whenever it builds a RetryAfter (its constructor reads ``retry_after``). Read at use.
os.environ.setdefault("PTB_TIMEDELTA", "true")

T = TypeVar("T")

ATTEMPTS = 4
BASE_DELAY = 0.5  # seconds before the 2nd try after a network error; doubles each time
MAX_RETRY_AFTER = 60.0  # flood waits longer than this are not worth holding an update for


async def with_retry(
    call: Callable[[], Awaitable[T]],
    *,
    what: str,
    attempts: int = ATTEMPTS,
    base_delay: float = BASE_DELAY,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> T:
    """``await call()``, again after ``RetryAfter`` (waiting as told) or a network error or
    timeout (exponential back-off), at most ``attempts`` times. ``BadRequest`` and every other
    error propagate at once."""
    for attempt in range(1, attempts + 1):
        try:
            return await call()
        except BadRequest:
            raise
        except (RetryAfter, NetworkError) as exc:
            delay = _delay(exc, attempt, base_delay)
            if attempt == attempts or delay > MAX_RETRY_AFTER:
                raise
            logger.warning(
                "%s: %s, try %d of %d in %.1f s",
                what,
                type(exc).__name__,
                attempt + 1,
                attempts,
                delay,
            )
        await sleep(delay)
    raise ValueError(f"attempts must be at least 1, not {attempts}")


def _delay(exc: RetryAfter | NetworkError, attempt: int, base_delay: float) -> float:
    if isinstance(exc, RetryAfter):
        return retry_after_seconds(exc)
    return base_delay * 2.0 ** (attempt - 1)


def retry_after_seconds(exc: RetryAfter) -> float:
    """The wait Telegram asked for (a timedelta with PTB_TIMEDELTA, else seconds)."""
    value = exc.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)
