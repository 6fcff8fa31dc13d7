"""``planbot topics`` and ``planbot kinds``: what a plan can be made of."""

from __future__ import annotations

import argparse
import json

from bot.config import Settings
from bot.curation import load_effective_library


def topics(args: argparse.Namespace, settings: Settings) -> int:
    library = load_effective_library(settings)
    rows = [{"id": t.id, "name": t.name} for t in library.priority_topics()]
    if args.json:
        _print_json(rows)
    else:
        width = max(len(r["id"]) for r in rows)
        for row in rows:
            print(f"{row['id']:<{width}}  {row['name']}")
    return 0


def kinds(args: argparse.Namespace, settings: Settings) -> int:
    library = load_effective_library(settings)
    rows = [
        {
            "id": k.id,
            "name": k.name,
            "aliases": k.aliases,
            "asks_priorities": k.asks_priorities,
            "topics": [{"id": t.id, "name": t.name} for t in library.kind_topics(k)],
        }
        for k in library.kinds.values()
    ]
    if args.json:
        _print_json(rows)
        return 0
    width = max(len(str(r["id"])) for r in rows)
    for kind in library.kinds.values():
        sections = "、".join(t.name for t in library.kind_topics(kind))
        print(f"{kind.id:<{width}}  {kind.name}  {sections}".rstrip())
    return 0


def _print_json(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))
