"""Build the effective library from base + overlay, with the shipped library's checks and more.

``build_library`` runs the loader's own checks: ``check_across_files`` on all topics (duplicate
topics, one meaning per variable name …) and, on the clauses it is asked to check (those a
change brings in), ``check_clause`` and the template policy (``check_overlay_clause``). So an
admin's change is held to the same rules as a shipped file, never to a copy of them. Clauses of
applied revisions were checked when they were applied and a clause's own checks do not depend
on anything else, so loading the revisions only repeats the checks across topics.
``check_renders`` renders the given clauses for the first and last year they claim, the way a
draft would (for every level they claim when the template looks at ``level``), and reports any
that fail or run too long.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from bot.compose.context import Region, render_context
from bot.compose.render import render
from bot.curation._overlay import Overlay, overlay_topics
from bot.curation._template_policy import MAX_OUTPUT_CHARS, clause_violations
from bot.library.library import Library
from bot.library.loader import Collector, Problem, check_across_files, check_clause
from bot.library.models import MAX_YEAR, Clause, Topic
from bot.library.titles import check_titles


@dataclass(frozen=True)
class Source:
    """Where a topic's changed clauses came from (an uploaded file), for problem messages."""

    file: str
    lines: Mapping[str, int]


def build_library(
    base: Library,
    overlay: Overlay,
    sources: Mapping[str, Source] | None = None,
    check: Collection[str] = (),
) -> tuple[Library, list[Problem]]:
    """The effective library and every problem in it (the library is unusable if any).

    ``check``: ids of overlay clauses to run the clause checks on (the new ones)."""
    out = Collector()
    topics, orphans = overlay_topics(base, overlay)
    sources = sources or {}
    topics = [_sourced(t, sources.get(t.id)) for t in topics]
    by_id = {t.id: t for t in topics}
    for clause_id in orphans:
        topic_id = overlay.clauses[clause_id][0]
        out.add(f"{topic_id}.yaml", clause_id, "topic", f"unknown topic '{topic_id}'", None)
    for clause_id in check:
        topic_id, clause = overlay.clauses[clause_id]
        topic = by_id.get(topic_id)
        if topic is not None:
            source = sources.get(topic_id)
            line = source.lines.get(clause_id) if source else None
            check_overlay_clause(clause, topic.source, line, out, base.lint.titles)
    touched = {topic_id for topic_id, _ in overlay.clauses.values()} | set(overlay.topics)
    check_across_files(sorted(topics, key=lambda t: (t.id in touched, t.order, t.id)), out)
    library = Library(topics, base.eras, base.lint, list(base.kinds.values()))
    return library, out.problems


def check_overlay_clause(
    clause: Clause, file: str, line: int | None, out: Collector, titles: list[str] | None = None
) -> None:
    """The template policy, then, if the clause passes it, the loader's clause checks (which
    compile the templates: compiling folds constants, so unsafe ones never get that far), and
    the titles that must stand in 书名号."""
    refused = clause_violations(clause)
    for fld, reason in refused:
        out.add(file, clause.id, fld, reason, line)
    if not refused:
        check_clause(clause, file, line, out)
        check_titles(
            clause, titles or [], lambda fld, msg: out.add(file, clause.id, fld, msg, line)
        )


def check_renders(
    library: Library,
    clause_ids: Iterable[str],
    region: Region,
    sources: Mapping[str, Source] | None = None,
) -> list[Problem]:
    """Render each clause's wordings for its levels and its first and last year."""
    out = Collector()
    kind = next(iter(library.kinds.values()), None)
    for clause_id in clause_ids:
        clause = library.clause(clause_id)
        topic = library.topic_of(clause_id)
        if clause is None or topic is None:
            continue
        source = (sources or {}).get(topic.id)
        file = source.file if source else topic.source
        line = source.lines.get(clause_id) if source else None
        for reason, fld in _render_failures(library, clause, region, kind.name if kind else ""):
            out.add(file, clause_id, fld, reason, line)
    return out.problems


def _render_failures(
    library: Library, clause: Clause, region: Region, kind: str
) -> list[tuple[str, str]]:
    failures: dict[str, str] = {}
    for index, wording in enumerate(clause.wordings()):
        prefix = "" if index == 0 else f"variants[{index - 1}]."
        for fld, source in (("title", wording.title or ""), ("text", wording.text)):
            if "{" not in source:
                continue  # plain text renders as itself
            levels = clause.levels if "level" in source else clause.levels[:1]
            for year, level in ((y, lv) for y in _years(clause) for lv in levels):
                place = region.model_copy(update={"level": level})
                era = library.eras.lookup(year).wording
                problem = _try_render(source, render_context(place, year, era, kind=kind), clause)
                if problem:
                    failures.setdefault(f"{prefix}{fld}", f"{problem} ({year}, {level})")
                    break
    return [(reason, fld) for fld, reason in failures.items()]


def _try_render(source: str, context: dict[str, object], clause: Clause) -> str:
    try:
        text = render(source, context, clause.vars, {})
    except Exception as exc:  # any failure of an admin's template is a problem
        return f"does not render: {type(exc).__name__}: {exc}"
    if len(text) > MAX_OUTPUT_CHARS:
        return f"renders to {len(text)} characters (at most {MAX_OUTPUT_CHARS})"
    return ""


def _years(clause: Clause) -> list[int]:
    start, end = clause.years
    last = min(end if end is not None else MAX_YEAR, MAX_YEAR)
    return sorted({start, max(start, last)})


def _sourced(topic: Topic, source: Source | None) -> Topic:
    if source is None:
        return topic
    return topic.model_copy(update={"source": source.file, "lines": dict(source.lines)})
