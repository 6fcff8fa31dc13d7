"""Check and normalise a value the user gives: a declared variable (a target), a plan year."""

from __future__ import annotations

import re
from datetime import date

from bot.errors import InputError
from bot.library.models import MAX_YEAR, MIN_YEAR, VarSpec, VarType

__all__ = ["normalise_target", "parse_year"]


MAX_TEXT_VALUE = 60
_NUMBER_RE = re.compile(r"^\d+(\.\d+)?$")


def parse_year(text: str) -> int:
    """A plan year (``2025`` or ``2025年``) within the years the library knows."""
    value = str(text).strip().removesuffix("年")
    if not value.isdigit() or not MIN_YEAR <= int(value) <= MAX_YEAR:
        raise InputError("year_out_of_range", value=text, min=MIN_YEAR, max=MAX_YEAR)
    return int(value)


def normalise_target(key: str, spec: VarSpec, raw: str) -> str:
    """The value as it will be stored and rendered; InputError('bad_target_value') if invalid."""
    value = raw.strip().replace("，", "").replace(",", "")
    if spec.type is VarType.PERCENT:
        return _number(key, spec, value.removesuffix("%").removesuffix("％"), percent=True)
    if spec.type is VarType.INT:
        return _number(key, spec, value, percent=False)
    if spec.type is VarType.DATE:
        return _date(key, spec, value)
    text = raw.strip()
    limit = spec.max_length or MAX_TEXT_VALUE
    if not text or len(text) > limit:
        raise _bad(key, spec, raw, "text_length", limit=limit)
    return text


def _number(key: str, spec: VarSpec, value: str, *, percent: bool) -> str:
    if not _NUMBER_RE.match(value) or (not percent and "." in value):
        raise _bad(key, spec, value, "percent" if percent else "count")
    number = float(value)
    low = spec.min if spec.min is not None else 0.0
    high = spec.max if spec.max is not None else (100.0 if percent else None)
    if number < low or (high is not None and number > high):
        raise _bad(key, spec, value, "range", low=_fmt(low), high=_fmt(high) if high else "")
    return value.rstrip("0").rstrip(".") if "." in value else str(int(value))


def _date(key: str, spec: VarSpec, value: str) -> str:
    match = re.match(r"^(\d{4})[-./年](\d{1,2})(?:[-./月](\d{1,2})日?)?月?$", value)
    if not match:
        raise _bad(key, spec, value, "date")
    year, month, day = int(match[1]), int(match[2]), int(match[3] or 1)
    try:
        date(year, month, day)
    except ValueError:
        raise _bad(key, spec, value, "date") from None
    return f"{year}年{month}月{day}日" if match[3] else f"{year}年{month}月"


def _fmt(number: float) -> str:
    return str(int(number)) if number == int(number) else str(number)


def _bad(key: str, spec: VarSpec, value: str, rule: str, **params: str | int) -> InputError:
    return InputError("bad_target_value", key=key, label=spec.label, value=value, rule=rule,
                      **params)
