"""How every feature's screens lay out their words: labels cut short, times in China's zone."""

from __future__ import annotations

from datetime import timedelta, timezone

LABEL = 24  # characters of a button's label
DISPLAY_TZ = timezone(timedelta(hours=8))  # times are shown in China Standard Time


def short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
