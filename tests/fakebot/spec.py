"""Checks a Bot API request against the published spec (``../shared/telegram-bot-api/api.json``).

The spec lists every method with its fields (name, allowed types, required, description) and
every type with its fields. :meth:`BotApiSpec.check` returns human-readable violations:

* the method exists; no parameter the method does not have;
* required fields are present (``Required if X is not specified`` is honoured);
* every value has one of the allowed types — Integer, String, Boolean, Float, ``Array of …``,
  InputFile (an uploaded part or ``attach://``) and spec objects such as InlineKeyboardMarkup,
  checked recursively (required fields, unknown fields, field types; union types such as
  InlineQueryResult match if any subtype matches);
* lengths written in a field's description, ``1-4096 characters`` (text), ``0-1024 characters``
  (caption), ``1-64 bytes`` (callback_data, UTF-8), ``0-200 characters`` …; texts that must be
  non-empty may not be only whitespace;
* array sizes from ``At most N`` / ``up to N`` in a field's description and ``No more than 50
  results per query`` in a method's (answerInlineQuery);
* bot commands: lowercase letters, digits and underscores.

Form and multipart requests carry every value as a string (JSON-encoded unless it is a string),
so top-level values are decoded first; nested JSON values are checked strictly.

The fake server checks thousands of requests that differ only in a few values (the same keyboard
for every user at a step), so with ``plain=True`` (values decoded from the request by the server:
strings, or what JSON decodes to) what the set of parameter names decides (unknown and missing
parameters) is worked out once per set, and a field's verdict is remembered by the field, the
value's type and its exact JSON text. Both are pure functions of what they are keyed by, so the
answer is the one checking afresh gives, word for word and in the same order.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import orjson

SPEC_PATH = Path(
    os.environ.get(
        "PLANBOT_BOT_API_SPEC",
        Path(__file__).resolve().parents[3] / "shared" / "telegram-bot-api" / "api.json",
    )
)

_LENGTH = re.compile(r"\b(\d+)-(\d+) (characters|bytes)\b")
_ARRAY_MAX = re.compile(r"(?i)\b(?:at most|up to) (\d+)\b")
_METHOD_ARRAY_MAX = re.compile(r"No more than (\d+) (\w+) per")
_REQUIRED_UNLESS = re.compile(
    r"(?i)required if (\w+(?: and \w+)*) (?:is not|are not|isn't|aren't) specified"
)
_BOT_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_INTEGER = re.compile(r"-?\d+")
_VERDICTS_KEPT = 8192  # field verdicts remembered (forgotten all at once when full)

Field = Mapping[str, Any]


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request."""

    filename: str
    content: bytes
    content_type: str = "application/octet-stream"


class BotApiSpec:
    """The methods and types of one Bot API version."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.version: str = data.get("version", "?")
        self._methods: dict[str, Mapping[str, Any]] = {
            name.lower(): method for name, method in data["methods"].items()
        }
        self._types: Mapping[str, Mapping[str, Any]] = data["types"]
        # what every check needs, worked out once: fields by name, limits from descriptions
        self._fields: dict[str, dict[str, Field]] = {
            owner["name"]: {field["name"]: field for field in owner.get("fields", [])}
            for owner in (*self._methods.values(), *self._types.values())
        }
        self._limits: dict[int, _Limits] = {
            id(field): _Limits.of(field)
            for fields in self._fields.values()
            for field in fields.values()
        }
        self._params: dict[str, list[_Param]] = {
            method["name"]: [
                _Param.of(method["name"], field, self._limits[id(field)])
                for field in self._fields[method["name"]].values()
            ]
            for method in self._methods.values()
        }
        self._array_limits: dict[str, list[tuple[str, int]]] = {
            method["name"]: [
                (match.group(2), int(match.group(1)))
                for line in method.get("description", [])
                for match in _METHOD_ARRAY_MAX.finditer(line)
            ]
            for method in self._methods.values()
        }
        self._verdicts: dict[tuple[str, type, object], tuple[str, ...]] = {}
        self._shapes: dict[tuple[str, ...], _Shape] = {}

    def method_name(self, name: str) -> str | None:
        """The spec's spelling of ``name`` (method names are case-insensitive), or None."""
        method = self._methods.get(name.lower())
        return None if method is None else str(method["name"])

    def check(
        self,
        method: str,
        params: Mapping[str, object],
        files: Mapping[str, UploadedFile] | None = None,
        *,
        plain: bool = False,
    ) -> list[str]:
        """Violations of the spec by a call of ``method`` with ``params`` (empty if none).

        ``plain``: every value is a string or was decoded from JSON (dict, list, str, int,
        float, bool, None and nothing else), as the fake server's are; the verdicts on such
        values are remembered (see the module's docstring)."""
        spec = self._methods.get(method.lower())
        if spec is None:
            return [f"{method}: no such method in {self.version}"]
        name = spec["name"]
        if plain and not files:  # no value names an uploaded part
            return self._check_plain(name, params)
        fields = self._fields[name]
        errors = [f"{name}: unknown parameter {key!r}" for key in params if key not in fields]
        files = files or {}
        for param in self._params[name]:
            key = param.key
            if key in params:
                errors += param.check(self, params[key], files)
            elif param.required or (
                param.unless is not None and not all(other in params for other in param.unless)
            ):
                errors.append(f"{name}: missing required parameter {key!r}")
        for key, limit in self._array_limits[name]:
            value = _decode_form_value(params.get(key), ())
            if isinstance(value, list) and len(value) > limit:
                errors.append(f"{name}.{key}: {len(value)} items, no more than {limit} allowed")
        return errors

    def _check_plain(self, name: str, params: Mapping[str, object]) -> list[str]:
        """:meth:`check` of plain values: the same violations in the same order, from what
        the parameters' names alone decide (worked out once per set of names) and the
        remembered verdicts on their values."""
        names = (name, *params)
        shape = self._shapes.get(names)
        if shape is None:
            shape = self._shape(name, params)
            if len(self._shapes) >= _VERDICTS_KEPT:
                self._shapes.clear()
            self._shapes[names] = shape
        errors: list[str] = []
        for step in shape.steps:
            if isinstance(step, str):
                errors.append(step)
            else:
                errors += self._remembered(step, params[step.key])
        for key, limit in shape.array_limits:
            value = _decode_form_value(params[key], ())
            if isinstance(value, list) and len(value) > limit:
                errors.append(f"{name}.{key}: {len(value)} items, no more than {limit} allowed")
        return errors

    def _shape(self, name: str, params: Mapping[str, object]) -> _Shape:
        fields = self._fields[name]
        steps: list[_Param | str] = [
            f"{name}: unknown parameter {key!r}" for key in params if key not in fields
        ]
        for param in self._params[name]:
            if param.key in params:
                steps.append(param)
            elif param.required or (
                param.unless is not None and not all(other in params for other in param.unless)
            ):
                steps.append(f"{name}: missing required parameter {param.key!r}")
        limits = tuple((key, limit) for key, limit in self._array_limits[name] if key in params)
        return _Shape(tuple(steps), limits)

    def _remembered(self, param: _Param, value: object) -> list[str]:
        """``param.check`` of a plain value, remembered by its type and its JSON text."""
        kind = type(value)
        if kind in param.fits:
            return []
        if kind is str or kind is int or kind is bool or value is None:
            text: object = value
        elif kind is dict or kind is list:
            try:
                text = orjson.dumps(value)
            except TypeError:  # not JSON after all: checked, not remembered
                return param.check(self, value, {})
            if b"null" in text:  # NaN and infinities (json.loads takes them) are written so
                return param.check(self, value, {})
        else:  # a float (NaN is not even equal to itself) or not JSON
            return param.check(self, value, {})
        key = (param.path, kind, text)
        verdict = self._verdicts.get(key)
        if verdict is None:
            verdict = tuple(param.check(self, value, {}))
            if len(self._verdicts) >= _VERDICTS_KEPT:
                self._verdicts.clear()
            self._verdicts[key] = verdict
        return list(verdict)

    def _check_field(
        self, path: str, value: object, field: Field, files: Mapping[str, UploadedFile]
    ) -> list[str]:
        errors = self._check_types(path, value, field["types"], files)
        return errors or self._limits[id(field)].check(path, value)

    def _check_types(
        self, path: str, value: object, types: Sequence[str], files: Mapping[str, UploadedFile]
    ) -> list[str]:
        """No errors if ``value`` fits any of ``types``; else the errors of the closest fit."""
        best: list[str] | None = None
        for type_name in types:
            errors = self._check_type(path, value, type_name, files)
            if not errors:
                return []
            if best is None or len(errors) < len(best):
                best = errors
        return best or []

    def _check_type(
        self, path: str, value: object, type_name: str, files: Mapping[str, UploadedFile]
    ) -> list[str]:
        scalar = _SCALARS.get(type_name)
        if scalar is not None:
            return [] if scalar(value) else [f"{path}: expected {type_name}, got {value!r:.80}"]
        if type_name == "InputFile":
            return [] if _is_input_file(value, files) else [f"{path}: expected an uploaded file"]
        if type_name.startswith("Array of "):
            if not isinstance(value, list):
                return [f"{path}: expected {type_name}, got {type(value).__name__}"]
            inner = type_name.removeprefix("Array of ")
            return [
                error
                for index, item in enumerate(value)
                for error in self._check_type(f"{path}[{index}]", item, inner, files)
            ]
        spec_type = self._types.get(type_name)
        if spec_type is None:
            return []  # a type the spec does not describe: nothing to check against
        if "subtypes" in spec_type:
            return self._check_types(path, value, spec_type["subtypes"], files)
        return self._check_object(path, value, spec_type, files)

    def _check_object(
        self,
        path: str,
        value: object,
        spec_type: Mapping[str, Any],
        files: Mapping[str, UploadedFile],
    ) -> list[str]:
        type_name = spec_type["name"]
        if not isinstance(value, dict):
            return [f"{path}: expected {type_name} object, got {type(value).__name__}"]
        fields = self._fields[type_name]
        errors = [f"{path}: {type_name} has no field {key!r}" for key in value if key not in fields]
        for key, field in fields.items():
            if key in value:
                errors += self._check_field(f"{path}.{key}", value[key], field, files)
            elif field.get("required"):
                errors.append(f"{path}: {type_name} misses required field {key!r}")
        command = value.get("command") if type_name == "BotCommand" else None
        if isinstance(command, str) and not _BOT_COMMAND.fullmatch(command):
            errors.append(f"{path}.command: only a-z, 0-9 and _ allowed, 1-32 characters")
        return errors


def _is_integer(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


_SCALARS: dict[str, Callable[[object], bool]] = {
    "Integer": _is_integer,
    "String": lambda value: isinstance(value, str),
    "Boolean": lambda value: isinstance(value, bool),
    "True": lambda value: value is True,
    "Float": lambda value: _is_integer(value) or isinstance(value, float),
}


def _is_input_file(value: object, files: Mapping[str, UploadedFile]) -> bool:
    if isinstance(value, UploadedFile):
        return True
    return isinstance(value, str) and value.removeprefix("attach://") in files


def _decode_form_value(value: object, types: Sequence[str]) -> object:
    """A form field's string as the JSON value it encodes, if the field is not a string."""
    if not isinstance(value, str) or "String" in types:
        return value
    if value.startswith("attach://") and "InputFile" in types:
        return value
    if value in ("true", "false") and "Boolean" in types:
        return value == "true"
    if _INTEGER.fullmatch(value) and ("Integer" in types or "Float" in types):
        return int(value)
    try:
        return json.loads(value)
    except ValueError:
        return value  # left as a string: the type check reports it


@dataclass(frozen=True)
class _Param:
    """A method's parameter, with what checking it needs worked out once."""

    key: str
    path: str  # method.key, as violations name it
    field: Field
    types: Sequence[str]
    required: bool
    unless: tuple[str, ...] | None  # required if any of these parameters is missing
    fits: frozenset[type]  # a value of exactly such a type passes as it is (see _fits)

    @classmethod
    def of(cls, method: str, field: Field, limits: _Limits) -> _Param:
        unless = _REQUIRED_UNLESS.search(field.get("description", ""))
        return cls(
            field["name"],
            f"{method}.{field['name']}",
            field,
            field["types"],
            bool(field.get("required")),
            tuple(unless.group(1).split(" and ")) if unless else None,
            _fits(field["types"], limits),
        )

    def check(
        self, spec: BotApiSpec, value: object, files: Mapping[str, UploadedFile]
    ) -> list[str]:
        value = _decode_form_value(value, self.types)
        return spec._check_field(self.path, value, self.field, files)


def _fits(types: Sequence[str], limits: _Limits) -> frozenset[type]:
    """The Python types whose values pass a field's check whatever they are: the value is not
    decoded (a string only is, and only when the field takes no String), its type is one the
    field takes, and no limit applies to it (a length applies to strings, a size to lists)."""
    fits: set[type] = set()
    if "String" in types and limits.length is None:
        fits.add(str)
    if "Integer" in types or "Float" in types:
        fits.add(int)
    if "Float" in types:
        fits.add(float)
    if "Boolean" in types:
        fits.add(bool)
    return frozenset(fits)


@dataclass(frozen=True)
class _Shape:
    """What a method's parameter names decide: the steps of the check in order (a violation,
    or a parameter whose value to check) and the array limits that apply."""

    steps: tuple[_Param | str, ...]
    array_limits: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class _Limits:
    """The limits a field's description states: a length range, a largest array size."""

    length: tuple[int, int, str] | None
    array_max: int | None

    @classmethod
    def of(cls, field: Field) -> _Limits:
        description = field.get("description", "")
        length = _LENGTH.search(description)
        array_max = _ARRAY_MAX.search(description)
        return cls(
            (int(length.group(1)), int(length.group(2)), length.group(3)) if length else None,
            int(array_max.group(1)) if array_max else None,
        )

    def check(self, path: str, value: object) -> list[str]:
        if isinstance(value, str) and self.length is not None:
            low, high, unit = self.length
            size = len(value.encode()) if unit == "bytes" else len(value)
            if not low <= size <= high:
                return [f"{path}: {size} {unit}, must be {low}-{high}"]
            if low > 0 and unit == "characters" and not value.strip():
                return [f"{path}: only whitespace, must have 1-{high} characters"]
        if isinstance(value, list) and self.array_max is not None and len(value) > self.array_max:
            return [f"{path}: {len(value)} items, at most {self.array_max} allowed"]
        return []


@cache
def load_spec(path: Path = SPEC_PATH) -> BotApiSpec:
    """The spec at ``path``, parsed once per process."""
    return BotApiSpec(json.loads(path.read_text(encoding="utf-8")))
