"""Check and normalise a value the user gives: a declared variable (a target), a plan year."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from bot.errors import InputError
from bot.library.models import MAX_YEAR, MIN_YEAR, VarSpec, VarType

__all__ = ["normalise_target", "parse_year"]


MAX_TEXT_VALUE = 60
_NUMBER_RE = re.compile(r"^\d+(\.\d+)?$")
# Chinese digits as written in years (二〇二五) and figures (九成, 五十所): read for years only.
_YEAR_DIGITS = str.maketrans("〇○零一二三四五六七八九", "000123456789")
_NUMERAL_WORDS = re.compile(r"[〇○零一二两三四五六七八九十百千万亿成]")
# Measure words a count may carry (3个, 50名, 12所); a declared unit is accepted as well.
_MEASURE_WORDS = "个名所人项家座间次场支批套台件门位户类期班校园"
_PERCENT_WORDS = ("百分之",)


def parse_year(text: str) -> int:
    """A plan year: ``2025``, ``2025年``, ``2025年度``, ``二〇二五年``, ``25年``.

    InputError('year_format') when it is not written as a year, 'year_out_of_range' when it is
    one the library does not cover."""
    value = _year_digits(text)
    if value is None:
        raise InputError("year_format", value=text)
    if not MIN_YEAR <= value <= MAX_YEAR:
        raise InputError("year_out_of_range", value=text, min=MIN_YEAR, max=MAX_YEAR)
    return value


def _year_digits(text: str) -> int | None:
    value = unicodedata.normalize("NFKC", str(text)).strip().replace(" ", "")
    value = value.removesuffix("度").removesuffix("年").translate(_YEAR_DIGITS)
    if not value.isascii() or not value.isdigit():
        return None
    if len(value) == 2:  # 25年: this century
        return 2000 + int(value)
    return int(value) if len(value) == 4 else None


def normalise_target(key: str, spec: VarSpec, raw: str) -> str:
    """The value as it will be stored and rendered; InputError('bad_target_value') if invalid."""
    value = unicodedata.normalize("NFKC", raw).strip().replace("，", "").replace(",", "")
    value = value.replace(" ", "")
    if spec.type is VarType.PERCENT:
        return _number(key, spec, _without_percent(value), percent=True)
    if spec.type is VarType.INT:
        return _number(key, spec, _without_unit(value, spec.unit), percent=False)
    if spec.type is VarType.DATE:
        return _date(key, spec, value)
    text = raw.strip()
    limit = spec.max_length or MAX_TEXT_VALUE
    if not text or len(text) > limit:
        raise _bad(key, spec, raw, "text_length", limit=limit)
    return text


def _without_percent(value: str) -> str:
    for word in _PERCENT_WORDS:
        value = value.removeprefix(word)
    return value.removesuffix("%")


def _without_unit(value: str, unit: str) -> str:
    """``50名`` → ``50``: a count with its measure word (or the declared unit) after it."""
    if unit and value.endswith(unit) and value != unit:
        return value.removesuffix(unit)
    if len(value) > 1 and value[-1] in _MEASURE_WORDS:
        return value[:-1]
    return value


def _number(key: str, spec: VarSpec, value: str, *, percent: bool) -> str:
    if not any(ch.isdigit() for ch in value) and _NUMERAL_WORDS.search(value):
        raise _bad(key, spec, value, "digits")
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
