"""Read an uploaded topic file: limits first, then the loader's own parsing and checks.

An upload is one topic file in the library's format (``snippets/README.md``). Before the YAML is
built into Python objects it must be at most ``MAX_UPLOAD_BYTES``, UTF-8, free of anchors and
aliases (``&a`` / ``*a``: a few lines of them expand into billions of nodes) and nested at most
``MAX_DEPTH`` deep; after a safe load it may hold at most ``MAX_UPLOAD_CLAUSES`` clauses. Then
``load_topic_text`` parses and checks it as it checks a shipped file, with line numbers, except
that every wording first goes through the template policy (``bot.curation._template_policy``)
and only a clause that passes it gets the loader's ``check_clause`` (which compiles templates,
and compiling folds constant expressions such as ``'a' * 10**10``); ``check_across_files``
finds duplicate ids within the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

import yaml

from bot.curation._template_policy import clause_violations, template_violations
from bot.library.loader import (
    Collector,
    IdLines,
    Problem,
    check_across_files,
    check_clause,
    load_topic_text,
)
from bot.library.models import Topic

MAX_UPLOAD_BYTES = 1024 * 1024
MAX_UPLOAD_CLAUSES = 2000
MAX_DEPTH = 16
MAX_NAME_CHARS = 80
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class ParsedUpload:
    name: str
    topic: Topic | None
    problems: list[Problem] = field(default_factory=list)
    keys: frozenset[str] = frozenset()  # the file's top-level keys (which topic fields it sets)


def upload_name(name: str) -> str:
    """The file's own name, without any directory, shortened (it only appears in messages)."""
    base = PurePath(name.replace("\\", "/")).name.strip() or "upload.yaml"
    return base[-MAX_NAME_CHARS:]


def parse_upload(name: str, data: bytes) -> ParsedUpload:
    """The topic in ``data``, or every problem found (the topic is None when there are any)."""
    name = upload_name(name)
    out = Collector()
    text = _text(name, data, out)
    if text is None or not _structure_ok(name, text, out):
        return ParsedUpload(name, None, out.problems)
    raw = _load(text)
    if not _count_ok(name, raw, out):
        return ParsedUpload(name, None, out.problems)
    # The schema first; the clause checks compile templates, and compiling folds constants
    # ('a' * 10**10), so every template passes the policy before any is compiled.
    topic = load_topic_text(name, text, out, check_clauses=False)
    if topic is None:
        _raw_template_problems(name, text, raw, out)
    else:
        _check_clauses(topic, out)
        check_across_files([topic], out)  # ids and variables within the file
    if topic is None or out.problems:
        return ParsedUpload(name, None, out.problems)
    return ParsedUpload(name, topic, [], frozenset(raw))


def _load(text: str) -> Any:
    try:
        return yaml.load(text, Loader=_SafeLoader)
    except yaml.YAMLError:
        return None


def _text(name: str, data: bytes, out: Collector) -> str | None:
    if name.startswith("_"):
        out.add(name, "", "file", "only topic files can be uploaded (not _eras, _lint …)", None)
        return None
    if len(data) > MAX_UPLOAD_BYTES:
        out.add(name, "", "file", f"{len(data)} bytes; at most {MAX_UPLOAD_BYTES}", None)
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        out.add(name, "", "file", "not UTF-8 text", line)
        return None


def _structure_ok(name: str, text: str, out: Collector) -> bool:
    """No anchors, aliases or deep nesting (checked on parser events, before any object exists)."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_SafeLoader):
            line = event.start_mark.line + 1 if event.start_mark is not None else None
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                out.add(name, "", "yaml", "anchors and aliases (& and *) are not accepted", line)
                return False
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    out.add(name, "", "yaml", f"nested more than {MAX_DEPTH} levels", line)
                    return False
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        out.add(name, "", "yaml", str(getattr(exc, "problem", None) or exc), line)
        return False
    return True


def _check_clauses(topic: Topic, out: Collector) -> None:
    """The template policy, then (for clauses that pass it) the loader's clause checks."""
    for clause in topic.clauses:
        line = topic.lines.get(clause.id)
        refused = clause_violations(clause)
        for fld, reason in refused:
            out.add(topic.source, clause.id, fld, reason, line)
        if not refused:
            check_clause(clause, topic.source, line, out)


def _raw_template_problems(name: str, text: str, raw: Any, out: Collector) -> None:
    """When the schema check failed, still list the refused templates of every clause."""
    clauses = raw.get("clauses") if isinstance(raw, dict) else None
    lines = IdLines(text)
    for entry in clauses if isinstance(clauses, list) else []:
        if not isinstance(entry, dict):
            continue
        clause_id = str(entry.get("id", ""))
        variants = entry.get("variants")
        wordings = [entry, *(variants if isinstance(variants, list) else [])]
        for index, wording in enumerate(wordings):
            prefix = "" if index == 0 else f"variants[{index - 1}]."
            for fld in ("title", "text"):
                source = wording.get(fld) if isinstance(wording, dict) else None
                for reason in template_violations(source) if isinstance(source, str) else []:
                    out.add(name, clause_id, f"{prefix}{fld}", reason, lines.of(clause_id))


def _count_ok(name: str, raw: Any, out: Collector) -> bool:
    clauses = raw.get("clauses") if isinstance(raw, dict) else None
    if isinstance(clauses, list) and len(clauses) > MAX_UPLOAD_CLAUSES:
        out.add(name, "", "clauses", f"{len(clauses)} clauses; at most {MAX_UPLOAD_CLAUSES}", None)
        return False
    return True
