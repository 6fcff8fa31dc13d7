"""Load and validate the clause library; report ALL problems at once.

Each problem names the file, the line, the clause id and the field, so a curator can fix a
file without reading Python.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from jinja2 import TemplateSyntaxError
from pydantic import ValidationError

from bot.library.eras import EraFile, Eras, LintFile
from bot.library.eras_check import check_clause_terms, check_era_terms
from bot.library.kinds import PlanKind
from bot.library.library import Library
from bot.library.models import MAX_YEAR, MIN_YEAR, Clause, ClauseKind, Topic, TopicFile, VarSpec
from bot.library.templates import BUILTIN_NAMES, variables_used
from bot.library.titles import check_titles

__all__ = [
    "Collector", "IdLines", "LibraryError", "Problem", "check_across_files", "check_clause",
    "load_library", "load_topic_text",
]


_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: ~10× faster
ERAS_FILE = "_eras.yaml"
LINT_FILE = "_lint.yaml"
KINDS_DIR = "kinds"


@dataclass(frozen=True)
class Problem:
    file: str
    clause_id: str
    field: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        clause = f" [{self.clause_id}]" if self.clause_id else ""
        return f"{where}{clause} {self.field}: {self.message}"


class LibraryError(Exception):
    """The library has problems; ``problems`` lists every one of them."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the clause library")
        self.problems = problems


@dataclass
class _Collector:
    problems: list[Problem] = field(default_factory=list)

    def add(self, file: str, clause_id: str, fld: str, message: str, line: int | None) -> None:
        self.problems.append(Problem(file, clause_id, fld, message, line))


Collector = _Collector  # public name for modules that run these checks (bot.curation._candidate)


def load_library(directory: Path) -> Library:
    """Load every topic file, ``_eras.yaml`` and ``_lint.yaml``; raise LibraryError on problems."""
    out = _Collector()
    topics: list[Topic] = []
    for path in sorted(directory.glob("*.yaml")):
        if path.name.startswith("_"):
            continue
        topic = load_topic_text(path.name, path.read_text(encoding="utf-8"), out)
        if topic is not None:
            topics.append(topic)
    check_across_files(topics, out)
    eras = _load_aux(directory / ERAS_FILE, EraFile, out)
    lint = _load_aux(directory / LINT_FILE, LintFile, out)
    if lint is not None:
        check_library_titles(topics, lint.titles, out)
        check_library_terms(topics, eras, lint, out)
    headings = {c.id for t in topics for c in t.clauses if c.kind is ClauseKind.HEADING}
    kinds = load_kinds(directory / KINDS_DIR, {t.id for t in topics}, out, headings)
    if out.problems:
        raise LibraryError(out.problems)
    assert eras is not None and lint is not None
    return Library(topics, Eras(eras), lint, kinds)


def load_kinds(
    directory: Path, topic_ids: set[str], out: _Collector, headings: set[str] | None = None
) -> list[PlanKind]:
    """Plan kinds; a section or theme naming an unknown topic (``topic`` or ``topics``) is a
    problem, so is a theme heading that is not a heading clause (when ``headings`` is given), and
    a kind id, name or alias used by two files."""
    kinds: list[PlanKind] = []
    names: dict[str, str] = {}  # id, name or alias -> the file that used it first
    for path in sorted(directory.glob("*.yaml")):
        name = f"{KINDS_DIR}/{path.name}"
        kind = _load_aux(path, PlanKind, out, name)
        if kind is None:
            continue
        for index, section in enumerate(kind.sections):
            named = [(f"sections[{index}].topic", section.topic)] if section.topic else []
            named += [(f"sections[{index}].topics[{i}]", t) for i, t in enumerate(section.topics)]
            for fld, topic in named:
                if topic not in topic_ids:
                    out.add(name, kind.id, fld, f"unknown topic '{topic}'", None)
        _check_themes(kind, name, topic_ids, headings, out)
        for key in dict.fromkeys((kind.id, kind.name, *kind.aliases)):
            if names.setdefault(key, name) != name:
                out.add(name, kind.id, "id", f"'{key}' also names a kind in {names[key]}", None)
        kinds.append(kind)
    if not kinds:
        out.add(KINDS_DIR, "", "kinds", "no plan kind defined", None)
    return kinds


def _check_themes(
    kind: PlanKind, name: str, topic_ids: set[str], headings: set[str] | None, out: _Collector
) -> None:
    for index, theme in enumerate(kind.themes):
        for i, topic in enumerate(theme.topics):
            if topic not in topic_ids:
                out.add(name, kind.id, f"themes[{index}].topics[{i}]", f"unknown topic '{topic}'",
                        None)
        for i, heading in enumerate(theme.headings):
            if headings is not None and heading not in headings:
                out.add(name, kind.id, f"themes[{index}].headings[{i}]",
                        f"'{heading}' is not a heading clause", None)


def load_topic_text(
    name: str, text: str, out: _Collector, *, check_clauses: bool = True
) -> Topic | None:
    """Parse and check one topic file's text; problems go to ``out``.

    ``check_clauses=False`` stops after the schema: the caller checks the clauses itself (an
    upload first refuses unsafe templates, which compiling them could expand; see
    ``bot.curation._upload``)."""
    try:
        raw = yaml.load(text, Loader=_SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        out.add(name, "", "yaml", str(getattr(exc, "problem", exc)), line)
        return None
    if not isinstance(raw, dict):
        out.add(name, "", "file", "expected a mapping with schema_version, topic and clauses", 1)
        return None
    lines = _IdLines(text)
    try:
        data = TopicFile.model_validate(raw)
    except ValidationError as exc:
        for err in exc.errors():
            clause_id, fld = _locate(raw, err["loc"])
            out.add(name, clause_id, fld, err["msg"], lines.of(clause_id))
        return None
    for clause in data.clauses if check_clauses else []:
        check_clause(clause, name, lines.of(clause.id), out)
    return Topic(
        id=data.topic,
        name=data.name,
        order=data.order,
        priority=data.priority,
        keywords=data.keywords,
        clauses=data.clauses,
        source=name,
        lines=lines.all(),
    )


def check_clause(clause: Clause, file: str, line: int | None, out: _Collector) -> None:
    def add(fld: str, message: str) -> None:
        out.add(file, clause.id, fld, message, line)

    start, end = clause.years
    if not MIN_YEAR <= start <= MAX_YEAR or (end is not None and not start <= end <= MAX_YEAR):
        add("years", f"bad year range [{start}, {end}]: need {MIN_YEAR} ≤ start ≤ end ≤ {MAX_YEAR}")
    if not clause.levels:
        add("levels", "no level: the clause would never be used")
    for var, spec in clause.vars.items():
        if spec.min is not None and spec.max is not None and spec.min > spec.max:
            add(f"vars.{var}", "min is greater than max")
    if clause.kind is ClauseKind.HEADING:
        _check_heading(clause, add)
    elif not clause.text.strip():
        add("text", "empty text")
    for index, wording in enumerate(clause.wordings()):
        prefix = "" if index == 0 else f"variants[{index - 1}]."
        if index and clause.kind is not ClauseKind.HEADING and not wording.text.strip():
            add(f"{prefix}text", "empty text")
        _check_wording(clause, prefix, wording.title or "", wording.text, add)


def _check_heading(clause: Clause, add: Any) -> None:
    if not clause.title.strip():
        add("title", "a heading needs a title")
    if clause.vars:
        add("vars", "a heading cannot take variables")


def _check_wording(clause: Clause, prefix: str, title: str, text: str, add: Any) -> None:
    used: set[str] = set()
    for fld, source in (("title", title), ("text", text)):
        if "{" not in source:  # no Jinja markup ({{ {% {#), so nothing to parse: most titles
            continue
        try:
            used |= variables_used(source)
        except TemplateSyntaxError as exc:
            add(f"{prefix}{fld}", f"template syntax error (line {exc.lineno}): {exc.message}")
    used -= BUILTIN_NAMES
    declared = set(clause.vars)
    for name in sorted(used - declared):
        add(f"{prefix}text", f"variable '{name}' is used but not declared in vars")
    if clause.kind is not ClauseKind.HEADING:
        for name in sorted(declared - used):
            add(f"{prefix}text", f"declared variable '{name}' is not used")


def check_library_titles(topics: Iterable[Topic], titles: list[str], out: _Collector) -> None:
    """Every listed title a clause names stands in 书名号 (``bot.library.titles``)."""
    for topic in topics:
        for clause in topic.clauses:
            line = topic.lines.get(clause.id)

            def add(fld: str, message: str, clause_id: str = clause.id, at: int | None = line,
                    source: str = topic.source) -> None:
                out.add(source, clause_id, fld, message, at)

            check_titles(clause, titles, add)


def check_library_terms(
    topics: Iterable[Topic], eras: EraFile | None, lint: LintFile, out: _Collector
) -> None:
    """The library held to its own 提法 rules (``bot.library.eras_check``)."""
    if eras is not None:
        check_era_terms(Eras(eras), lint, lambda fld, msg: out.add(ERAS_FILE, "", fld, msg, None))
    for topic in topics:
        for clause in topic.clauses:
            line = topic.lines.get(clause.id)

            def add(fld: str, message: str, clause_id: str = clause.id, at: int | None = line,
                    source: str = topic.source) -> None:
                out.add(source, clause_id, fld, message, at)

            check_clause_terms(clause, lint, MAX_YEAR, add)


def check_across_files(topics: Iterable[Topic], out: _Collector) -> None:
    """Duplicate ids, duplicate topics, one meaning per variable name."""
    seen_topics: dict[str, str] = {}
    seen_ids: dict[str, str] = {}
    specs: dict[str, tuple[VarSpec, str]] = {}
    for topic in topics:
        if topic.id in seen_topics:
            where = seen_topics[topic.id]
            out.add(topic.source, "", "topic", f"topic '{topic.id}' also in {where}", 1)
        seen_topics.setdefault(topic.id, topic.source)
        for clause in topic.clauses:
            if clause.id in seen_ids:
                where = seen_ids[clause.id]
                line = topic.lines.get(clause.id)
                out.add(topic.source, clause.id, "id", f"duplicate id (also in {where})", line)
            seen_ids.setdefault(clause.id, topic.source)
            for name, spec in clause.vars.items():
                first = specs.setdefault(name, (spec, clause.id))
                if first[0] != spec:
                    out.add(
                        topic.source,
                        clause.id,
                        f"vars.{name}",
                        f"differs from the declaration in {first[1]}",
                        topic.lines.get(clause.id),
                    )


def _load_aux(path: Path, model: Any, out: _Collector, name: str | None = None) -> Any:
    name = name or path.name
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_SafeLoader)
        return model.model_validate(raw)
    except FileNotFoundError:
        out.add(name, "", "file", "missing", None)
    except yaml.YAMLError as exc:
        out.add(name, "", "yaml", str(exc), None)
    except ValidationError as exc:
        for err in exc.errors():
            out.add(name, "", ".".join(map(str, err["loc"])), err["msg"], None)
    return None


def _locate(raw: dict[str, Any], loc: tuple[int | str, ...]) -> tuple[str, str]:
    """Clause id and dotted field name for a pydantic error location."""
    if len(loc) >= 2 and loc[0] == "clauses" and isinstance(loc[1], int):
        clauses = raw.get("clauses") or []
        entry = clauses[loc[1]] if loc[1] < len(clauses) else {}
        clause_id = str(entry.get("id", f"clauses[{loc[1]}]")) if isinstance(entry, dict) else ""
        return clause_id, ".".join(map(str, loc[2:])) or "clause"
    return "", ".".join(map(str, loc)) or "file"


class _IdLines:
    """Line number of each ``id: …`` in a YAML text (for messages)."""

    _RE = re.compile(r"^\s*-?\s*id:\s*['\"]?([\w.]+)", re.MULTILINE)

    def __init__(self, text: str) -> None:
        self._lines = {
            m.group(1): text.count("\n", 0, m.start()) + 1 for m in self._RE.finditer(text)
        }

    def all(self) -> dict[str, int]:
        return dict(self._lines)

    def of(self, clause_id: str) -> int | None:
        return self._lines.get(clause_id)


IdLines = _IdLines  # public name (bot.curation._upload)
