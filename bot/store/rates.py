"""Rate buckets: when the next message may go out, shared by everyone who sends with one token.

A :class:`Window` is a limit, "at most ``count`` in any ``period`` seconds" (Telegram's: about
30 messages a second per bot, one a second per chat, 20 a minute per group). A sender asks
:meth:`RateBuckets.reserve` for a slot under several keys at once (the bot, the chat, the
group) and gets the seconds to wait before sending; the slot is recorded under every key at
once, so whoever asks next is scheduled after it. A slot is the earliest moment at or after now
that keeps every key's window (:func:`earliest_slot`); slots may be booked out of order (a
message to one chat waiting for its chat's window does not hold up another chat's).

Two implementations, one rule: :class:`MemoryRateBuckets` in one process (a lock and a clock),
and ``bot.store.postgres.PgRateBuckets``, the buckets of every instance on one database.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

__all__ = [
    "MemoryRateBuckets", "RateBuckets", "RatesUnavailable", "Window", "book", "earliest_slot",
]


@dataclass(frozen=True)
class Window:
    """At most ``count`` slots in any ``period`` seconds (a half-open window)."""

    count: int
    period: float

    def __post_init__(self) -> None:
        if self.count < 1 or self.period <= 0:
            raise ValueError(f"a rate window needs count >= 1 and period > 0, not {self}")


Wanted = Sequence[tuple[str, Window]]


class RatesUnavailable(Exception):
    """The shared buckets cannot be reached (the database is down …)."""


class RateBuckets(Protocol):
    def reserve(self, wanted: Wanted) -> float:
        """Book the earliest slot that keeps every ``(key, window)``; seconds until it."""
        ...


def _conflict(slots: Sequence[float], at: float, window: Window) -> float | None:
    """None if a slot at ``at`` keeps ``window`` with the booked ``slots`` (sorted); else the
    earliest moment after ``at`` worth trying (no moment before it can do)."""
    near = [t for t in slots if at - window.period < t < at + window.period]
    n = window.count
    for i in range(len(near) - n + 1):
        first, last = near[i], near[i + n - 1]
        if max(last, at) - min(first, at) < window.period:  # n booked + this one in a window
            return first + window.period
    return None


def earliest_slot(booked: Mapping[str, Sequence[float]], wanted: Wanted, now: float) -> float:
    """The earliest moment ``>= now`` at which one more slot keeps every key's window."""
    at = now
    moved = True
    while moved:
        moved = False
        for key, window in wanted:
            later = _conflict(booked.get(key, ()), at, window)
            if later is not None:
                at, moved = later, True
    return at


def book(booked: Mapping[str, Sequence[float]], wanted: Wanted, now: float
         ) -> tuple[float, dict[str, list[float]]]:
    """The slot (:func:`earliest_slot`) and every wanted key's slots with it, sorted, without
    those no window can reach any more (older than ``now`` minus the key's period)."""
    at = earliest_slot(booked, wanted, now)
    kept: dict[str, list[float]] = {}
    for key, window in wanted:
        recent = [t for t in booked.get(key, ()) if t > now - window.period]
        kept[key] = sorted([*recent, at])
    return at, kept


class MemoryRateBuckets:
    """The buckets of one process (thread-safe); ``clock`` in seconds (monotonic by default)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._booked: dict[str, list[float]] = {}

    def reserve(self, wanted: Wanted) -> float:
        with self._lock:
            now = self._clock()
            at, kept = book(self._booked, wanted, now)
            self._booked.update(kept)
            if len(self._booked) > 10_000:  # chats long quiet: their slots bind nobody
                self._booked = {k: v for k, v in self._booked.items() if v[-1] > now - 3600}
            return at - now
