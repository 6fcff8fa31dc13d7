"""The clause template language: Jinja2, sandboxed, undefined names are errors.

The library checks its templates with this (a clause's declared variables must equal the ones
its templates use, ``BUILTIN_NAMES`` aside); ``bot.compose.render`` renders them with it.
``BUILTIN_NAMES`` are what every template may use without declaring it: the render context
(``bot.compose.context.render_context`` lists their meaning).
"""

from __future__ import annotations

from jinja2 import StrictUndefined, meta, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

__all__ = ["BUILTIN_NAMES", "environment", "make_environment", "parse", "variables_used"]

BUILTIN_NAMES = frozenset(
    {
        "region", "region_short", "province", "level", "self_ref", "scope",
        "bureau", "year", "period", "era", "kind", "subs", "sub_bureaus", "direct_schools",
        "schools", "addressees", "municipality", "division",
    }
)


def make_environment() -> ImmutableSandboxedEnvironment:
    return ImmutableSandboxedEnvironment(
        undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False
    )


_ENV = make_environment()


def environment() -> ImmutableSandboxedEnvironment:
    """The one environment every clause template is parsed and compiled in."""
    return _ENV


def parse(source: str) -> nodes.Template:
    """Parse a template (raises jinja2.TemplateSyntaxError)."""
    return _ENV.parse(source)


def variables_used(source: str) -> set[str]:
    """Top-level names a template uses."""
    return set(meta.find_undeclared_variables(parse(source)))
