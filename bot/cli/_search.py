"""``planbot search``: find clauses from the command line; curators check many queries at once.

    planbot search "QUERY" [--topic T] [--year Y] [--limit N] [--json]
    planbot search --batch FILE|-  [--topic T] [--year Y] [--limit N]   one JSON line per query
    planbot search --misses [--limit N] [--json]        queries that found no good result

``--json`` prints an array of ``{id, topic, topic_name, title, text, score}``; the text is
rendered for a neutral region (see ``bot.search.preview``). A batch file has one query per line;
blank lines and lines starting with ``#`` are skipped; each output line is
``{"query": …, "good": true|false, "results": [...]}``. The command line does not record misses.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bot.cli._topics import resolve_topic
from bot.compose.targets import parse_year
from bot.config import Settings
from bot.errors import InputError
from bot.library.library import Library
from bot.library.loader import load_library
from bot.messages import Messages
from bot.search import MAX_LIMIT, MISSES_FILE, Hit, MissLog, SearchService, is_good
from bot.search.index import RESULT_KINDS
from bot.search.preview import headline


def search(args: argparse.Namespace, settings: Settings) -> int:
    limit = parse_limit(args.limit)
    if args.misses:
        return _misses(settings, limit, args.json)
    query = (args.query or "").strip()
    if bool(query) == bool(args.batch):
        raise InputError("search_query_missing")
    year = parse_year(args.year) if args.year else None
    lines = list(_read_batch(args.batch)) if args.batch else []
    library = load_library(settings.snippets_dir)
    topic = parse_search_topic(args.topic, library)
    service = SearchService.start(settings, library)

    def run(text: str) -> tuple[bool, list[dict[str, Any]]]:
        hits = service.search(text, topic=topic, year=year, kinds=RESULT_KINDS, limit=limit,
                              record=False)
        return is_good(hits), [result_json(service, hit, year) for hit in hits]

    if args.batch:
        for text in lines:
            good, results = run(text)
            line = {"query": text, "good": good, "results": results}
            print(json.dumps(line, ensure_ascii=False))
        return 0
    good, results = run(query)
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        _print_table(results)
    if not good:
        print(Messages(settings.prompts_dir).text("search_no_good_result", query=query),
              file=sys.stderr)
    return 0


def parse_limit(text: str) -> int:
    value = str(text).strip()
    if not value.isdigit() or not 1 <= int(value) <= MAX_LIMIT:
        raise InputError("search_bad_limit", value=text, max=MAX_LIMIT)
    return int(value)


def parse_search_topic(text: str | None, library: Library) -> str | None:
    """A topic id from an id, a name or a short name (学前教育, 学前 → preschool)."""
    if text is None:
        return None
    return resolve_topic(text, list(library.topics.values()))


def result_json(service: SearchService, hit: Hit, year: int | None) -> dict[str, Any]:
    shown = service.preview(hit, year)
    return {
        "id": hit.clause_id,
        "topic": hit.topic,
        "topic_name": hit.topic_name,
        "title": shown.title,
        "text": shown.text,
        "score": hit.score,
    }


def _read_batch(name: str) -> Iterable[str]:
    try:
        text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        raise InputError("search_batch_unreadable", path=name, reason=reason) from exc
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            yield stripped


def _print_table(results: list[dict[str, Any]]) -> None:
    for r in results:
        name = headline(r["title"], r["text"])
        print(f"{r['score']:8.3f}  {r['id']:<32}  {r['topic_name']}  {name}")


def _misses(settings: Settings, limit: int, as_json: bool) -> int:
    rows = [
        {"query": m.query, "count": m.count, "last_seen": m.last_seen.isoformat()}
        for m in MissLog(settings.data_dir / MISSES_FILE).misses(limit)
    ]
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for row in rows:
            print(f"{row['count']:6d}  {row['last_seen']}  {row['query']}")
    return 0
