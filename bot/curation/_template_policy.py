"""What a clause template may contain: ``{{ name }}``, ``{{ era.field }}`` and ``{% if %}``.

Clause templates already render in Jinja2's ``ImmutableSandboxedEnvironment``
(``bot.library.templates``). Templates that admins type in the chat or upload get a stricter check
before they are accepted, by a walk over the parsed template (``jinja2.nodes``), so a curator
can never write code, only wording:

- allowed: text, ``{{ name }}``, ``{{ name.attr }}`` (one level, as ``era.spirit``),
  ``{% if %}``/``{% elif %}``/``{% else %}`` with comparisons, ``and``/``or``/``not``,
  ``x if c else y``, constants, the filters in ``ALLOWED_FILTERS`` and the tests in
  ``ALLOWED_TESTS`` with constant arguments, ``+ - % //`` on the plan ``year`` and integer
  constants only (``year % 5 == 0``: the last year of a five-year plan), and a slice or index
  of a name with integer constants (``{{ scope[1:] }}``: 市 of 全市);
- refused: any name or attribute starting with ``_`` (``__class__`` …), ``x['a']``, calls
  (``x.format()``, ``range()``), any other arithmetic and ``~`` (``'a' * 10**9``,
  ``'%999999999s' % x``), list/dict literals, every other statement (``for``, ``set``,
  ``macro``, ``call``, ``include``, ``import``, ``extends``, ``block``, ``with``, ``filter``),
  Jinja's global helpers (``range``, ``lipsum``, ``cycler`` …), and templates longer than
  ``MAX_TEMPLATE_CHARS``.

Without loops, calls or string arithmetic a template's output is at most its own length plus the
values it prints, so it always ends quickly; ``MAX_OUTPUT_CHARS`` caps a rendered sample too
(``bot.curation._candidate``). The shipped library passes this policy (a test keeps it so).
"""

from __future__ import annotations

from collections.abc import Iterator

from jinja2 import TemplateSyntaxError, nodes

from bot.library.models import Clause
from bot.library.templates import parse

MAX_TEMPLATE_CHARS = 5000
MAX_OUTPUT_CHARS = 5000
ALLOWED_FILTERS = frozenset({"default", "trim", "upper", "lower"})
ALLOWED_TESTS = frozenset({"defined", "undefined", "none", "string", "number"})
ALLOWED_COMPARISONS = frozenset({"eq", "ne", "lt", "gt", "lteq", "gteq", "in", "notin"})
# Names Jinja resolves to its own helpers or to the template object itself.
RESERVED_NAMES = frozenset(
    {"range", "lipsum", "dict", "cycler", "joiner", "namespace", "self", "loop", "caller",
     "varargs", "kwargs"}
)

YEAR_ARITHMETIC = (nodes.Add, nodes.Sub, nodes.Mod, nodes.FloorDiv)
YEAR_NAME = "year"
MAX_INT_CONSTANT = 10_000
_STRUCTURE = (nodes.Template, nodes.Output, nodes.TemplateData, nodes.If)
_LOGIC = (nodes.And, nodes.Or, nodes.Not, nodes.CondExpr, nodes.Compare, nodes.Operand)


def clause_violations(clause: Clause) -> list[tuple[str, str]]:
    """(field, reason) for every wording of a clause: ``title``, ``variants[0].text`` …"""
    out: list[tuple[str, str]] = []
    for index, wording in enumerate(clause.wordings()):
        prefix = "" if index == 0 else f"variants[{index - 1}]."
        for fld, source in (("title", wording.title or ""), ("text", wording.text)):
            out.extend((f"{prefix}{fld}", reason) for reason in template_violations(source))
    return out


def template_violations(source: str) -> list[str]:
    """Why ``source`` is not an acceptable clause template; empty when it is acceptable."""
    if len(source) > MAX_TEMPLATE_CHARS:
        return [f"template is too long ({len(source)} characters, at most {MAX_TEMPLATE_CHARS})"]
    try:
        tree = parse(source)
    except TemplateSyntaxError as exc:
        return [f"template syntax error (line {exc.lineno}): {exc.message}"]
    return list(dict.fromkeys(_violations(tree)))


def _violations(node: nodes.Node) -> Iterator[str]:
    reason = _refusal(node)
    if reason is not None:
        yield reason
        return
    for child in node.iter_child_nodes():
        yield from _violations(child)


def _refusal(node: nodes.Node) -> str | None:
    if isinstance(node, _STRUCTURE + _LOGIC):
        return _refuse_operator(node) if isinstance(node, nodes.Operand) else None
    if isinstance(node, nodes.Name):
        return _refuse_name(node.name)
    if isinstance(node, nodes.Getattr):
        if node.attr.startswith("_"):
            return f"attribute '{node.attr}' is not allowed"
        if not isinstance(node.node, nodes.Name):
            return f"only one level of attributes is allowed (.{node.attr})"
        return None
    if isinstance(node, nodes.Const):
        return _refuse_constant(node.value)
    if isinstance(node, nodes.Filter | nodes.Test):
        return _refuse_filter_or_test(node)
    if isinstance(node, YEAR_ARITHMETIC) and _year_expression(node):
        return None
    if isinstance(node, nodes.Getitem | nodes.Slice):
        return _refuse_item(node)
    if isinstance(node, nodes.BinExpr):
        return f"'{node.operator}' is only allowed on year and whole numbers"
    return f"'{_construct(node)}' is not allowed in a clause (only {{{{ … }}}} and {{% if %}})"


def _year_expression(node: nodes.Node) -> bool:
    """``year``, a small integer constant, or ``+ - % //`` of those."""
    if isinstance(node, nodes.Name):
        return node.name == YEAR_NAME
    if isinstance(node, nodes.Const):
        value = node.value
        return type(value) is int and abs(value) <= MAX_INT_CONSTANT
    if isinstance(node, YEAR_ARITHMETIC):
        return _year_expression(node.left) and _year_expression(node.right)
    return False


def _refuse_item(node: nodes.Getitem | nodes.Slice) -> str | None:
    """``name[1:]``, ``name[0]``: integer constants only (the walk checks the parts)."""
    if isinstance(node, nodes.Slice):
        parts = (node.start, node.stop, node.step)
        ok = all(p is None or (isinstance(p, nodes.Const) and type(p.value) is int)
                 for p in parts)
        return None if ok else "a slice takes whole numbers only ([1:], [:2])"
    index_ok = isinstance(node.arg, nodes.Slice) or (
        isinstance(node.arg, nodes.Const) and type(node.arg.value) is int)
    if isinstance(node.node, nodes.Name | nodes.Getattr) and index_ok:
        return None
    return "'[ ]' is only allowed with whole numbers on a name ([1:], [0])"


def _refuse_name(name: str) -> str | None:
    if name.startswith("_"):
        return f"name '{name}' is not allowed"
    if name in RESERVED_NAMES:
        return f"'{name}' is not allowed in a clause"
    return None


def _refuse_operator(node: nodes.Operand) -> str | None:
    if node.op not in ALLOWED_COMPARISONS:
        return f"operator '{node.op}' is not allowed"
    return None


def _refuse_constant(value: object) -> str | None:
    if value is None or isinstance(value, bool | int | float | str):
        return None
    return f"constant of type {type(value).__name__} is not allowed"


def _refuse_filter_or_test(node: nodes.Filter | nodes.Test) -> str | None:
    what, allowed = ("filter", ALLOWED_FILTERS) if isinstance(node, nodes.Filter) else (
        "test", ALLOWED_TESTS)
    if node.name not in allowed:
        return f"{what} '{node.name}' is not allowed (allowed: {', '.join(sorted(allowed))})"
    if node.kwargs or node.dyn_args is not None or node.dyn_kwargs is not None:
        return f"{what} '{node.name}' may only take plain arguments"
    if any(not isinstance(arg, nodes.Const) for arg in node.args):
        return f"{what} '{node.name}' may only take constant arguments"
    return None


def _construct(node: nodes.Node) -> str:
    """A curator's name for a refused node: the statement keyword or the expression kind."""
    keywords = {
        nodes.For: "for", nodes.Macro: "macro", nodes.CallBlock: "call", nodes.Assign: "set",
        nodes.AssignBlock: "set", nodes.Include: "include", nodes.Import: "import",
        nodes.FromImport: "import", nodes.Extends: "extends", nodes.Block: "block",
        nodes.With: "with", nodes.FilterBlock: "filter", nodes.Call: "call ()",
        nodes.Concat: "~",
    }
    for kind, word in keywords.items():
        if isinstance(node, kind):
            return word
    if isinstance(node, nodes.UnaryExpr):
        return node.operator
    return type(node).__name__
