"""The library held to its own 提法 rules (``_lint.yaml`` ``rules``), when it loads.

The same rules ``planbot check`` reads a plan by check the library: every era of
``_eras.yaml`` for each of its years (and the wording of the years after the last era), and the
text of every clause that stands whatever the year (outside ``{% if %}`` blocks, without the
``{{ … }}`` it fills in) for each year the clause claims. A term outside its years is a problem
naming the file, the clause, the field and the year, like every other problem of the library.

>>> standing("落实{% if year >= 2022 %}双减{% endif %}要求，{{ scope }}推进")
'落实\\x00要求，\\x00推进'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import cache

from bot.library.eras import Eras, LintFile, LintRule
from bot.library.models import MAX_YEAR, Clause

__all__ = ["check_clause_terms", "check_era_terms", "out_of_years", "standing"]

_CUT = "\x00"
_TAG = re.compile(r"\{%-?\s*(\w+).*?-?%\}|\{\{.*?\}\}|\{#.*?#\}", re.S)
Add = Callable[[str, str], None]


def standing(template: str) -> str:
    """The text of a template that stands in every rendering (see the module docstring)."""
    out: list[str] = []
    depth, at = 0, 0
    for match in _TAG.finditer(template):
        if depth == 0:
            out.append(template[at : match.start()])
        word = match.group(1)
        if word in ("if", "for"):
            depth += 1
        elif word in ("endif", "endfor"):
            depth = max(0, depth - 1)
        elif word is None and depth == 0:
            out.append(_CUT)
        at = match.end()
    if depth == 0:
        out.append(template[at:])
    return "".join(out)


def out_of_years(
    text: str, years: Iterable[int], rules: Iterable[LintRule]
) -> list[tuple[str, int]]:
    """(term, first year) for every rule whose term the text uses in a year it does not hold."""
    found: list[tuple[str, int]] = []
    years = list(years)
    for rule in rules:
        uses = [m for m in rule.regex.finditer(text) if rule.used_at(text, m)]
        if not uses:
            continue
        bad = next((year for year in years if not rule.allows(year)), None)
        if bad is not None:
            found.append((uses[0].group(0), bad))
    return found


def check_era_terms(eras: Eras, lint: LintFile, add: Add) -> None:
    """Every era's wording against the rules for the years it covers (and one year after)."""
    for year in range(eras.first_year, eras.latest_year + 2):
        for name, text in eras.lookup(year).wording.items():
            for term, _ in out_of_years(text, [year], lint.rules):
                why = _why(lint, term)
                add(f"eras[{year}].{name}", f"{term} is not the wording of {year} ({why})")


def check_clause_terms(clause: Clause, lint: LintFile, last_year: int, add: Add) -> None:
    """The clause's standing text against the rules for every year it claims (up to
    ``last_year``: later years take the last era's wording)."""
    start, end = clause.years
    years = range(start, min(end or MAX_YEAR, last_year) + 1)
    any_term = _any_term(tuple(rule.pattern for rule in lint.rules))
    for index, wording in enumerate(clause.wordings()):
        prefix = "" if index == 0 else f"variants[{index - 1}]."
        for fld, source in (("title", wording.title or ""), ("text", wording.text)):
            if not any_term.search(source):  # most wordings name no term: one search for all
                continue
            for term, year in out_of_years(standing(source), years, lint.rules):
                add(f"{prefix}{fld}",
                    f"{term} does not fit a {year} plan ({_why(lint, term)}): narrow `years` "
                    "or put the term in {% if year … %}")


@cache
def _any_term(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{pattern})" for pattern in patterns))


def _why(lint: LintFile, term: str) -> str:
    rule = next((r for r in lint.rules if r.regex.search(term)), None)
    return f"{rule.reason}; {rule.source}" if rule else ""
