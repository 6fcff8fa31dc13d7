"""One renderer for every clause: Jinja2 sandboxed, StrictUndefined, visible placeholders.

A declared variable the user has not given renders as 【待填：label】, never as blank text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from jinja2 import Template

from bot.library.models import VarSpec, VarType
from bot.library.templates import environment

__all__ = ["Missing", "compile_template", "render", "warm_up"]


# Whitespace touching a non-ASCII character is an artefact of YAML line folding.
_WS_RE = re.compile(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])")


class Missing:
    """A value the user has not given: renders as a visible placeholder."""

    __slots__ = ("label",)

    def __init__(self, label: str) -> None:
        self.label = label

    def __str__(self) -> str:
        return f"【待填：{self.label}】"

    def __html__(self) -> str:  # pragma: no cover - autoescape is off
        return str(self)


class Given:
    """A value the user gave, formatted for its type (a percent carries its % sign)."""

    __slots__ = ("spec", "value")

    def __init__(self, value: str, spec: VarSpec) -> None:
        self.value = value
        self.spec = spec

    def __str__(self) -> str:
        if self.spec.type is VarType.PERCENT and not self.value.endswith("%"):
            return f"{self.value}%"
        return self.value


_ENV = environment()  # shared with the library's checks (bot.library.templates)


@lru_cache(maxsize=8192)
def compile_template(source: str) -> Template:
    return _ENV.from_string(source)


def warm_up(sources: Iterable[str]) -> int:
    """Compile the templates among ``sources`` now (the library's, at start); how many."""
    templates = {source for source in sources if source and "{" in source}
    for source in templates:
        compile_template(source)
    return len(templates)


def value_for(name: str, spec: VarSpec, targets: Mapping[str, str]) -> Given | Missing:
    raw = targets.get(name)
    if raw is None or str(raw).strip() == "":
        return Missing(spec.label)
    return Given(str(raw).strip(), spec)


def render(
    source: str,
    context: Mapping[str, Any],
    declared: Mapping[str, VarSpec],
    targets: Mapping[str, str],
) -> str:
    """Render one template with the built-in context and the user's targets.

    Whitespace that YAML folding leaves between Chinese sentences is collapsed.
    """
    if not source:
        return ""
    if "{" not in source:  # no Jinja markup ({{, {%, {#): the text is itself, newlines as Jinja's
        text = source.replace("\r\n", "\n").replace("\r", "\n") if "\r" in source else source
        return _WS_RE.sub("", text.strip())
    values: dict[str, Any] = dict(context)
    for name, spec in declared.items():
        values[name] = value_for(name, spec, targets)
    text = compile_template(source).render(values)
    return _WS_RE.sub("", text.strip())
