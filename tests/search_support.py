"""Shared by the search tests: the Han runs of the shipped library's text."""

from __future__ import annotations

from bot.library.library import Library
from bot.search.normalise import normalise, runs


def shipped_runs(library: Library) -> list[str]:
    """Every distinct Han run of the library's wordings, titles, keywords and topic names."""
    texts = [
        text
        for c in library.clauses()
        for w in c.wordings()
        for text in (w.text, w.title or "", *c.keywords)
    ]
    topics = library.topics.values()
    texts += [t.name for t in topics] + [k for t in topics for k in t.keywords]
    return list(dict.fromkeys(r for t in texts for r in runs(normalise(t)) if r[0] >= "\u3400"))
