"""Finding clauses: normalise (繁→简, NFKC), segmentation over jieba's dictionary + our user
dictionary (a marisa trie), BM25 index, miss log.

API for the adapters and the dialogue (one ``SearchService`` per process)::

    from bot.search import SearchService
    search = SearchService.start(settings, library)   # at start-up, before threads start:
                                                      # the dictionary (data_dir/cache), build
    hits = search.search("促進義務教育優質均衡", year=2025, limit=5)    # list[Hit], best first
    hits = search.search(text, topic="preschool", offset=50, limit=50, record=False)  # inline
    shown = search.preview(hits[0], year=2025)        # Preview(title, text, year): rendered
                                                      # for the neutral region (全市 …)
    search.rebuild(new_library)                       # after an admin edit (atomic swap)
    search.misses(20)                                 # [Miss(query, count, last_seen)]

``Hit(clause_id, topic, topic_name, title, score, kind, coverage)``; ``library.clause(id)``
gives the clause to insert into a draft. Filters: ``topic``, ``year`` (only clauses that fit
that plan year), ``level``, ``kinds``; retired clauses are never indexed. ``limit`` is at most
``MAX_LIMIT`` (50, Telegram's inline maximum). ``record=True`` (the default) records a query
whose first page has no good result (``is_good``: some hit covers ``GOOD_COVERAGE`` of the
query); pass ``record=False`` for keystroke-by-keystroke inline queries.

``SearchIndex.build(library, analyzer)`` and ``SearchIndex.search`` are the pure core; the
command line is ``planbot search`` (``bot.cli._search``).
"""

from bot.search.analysis import Analyzer
from bot.search.index import GOOD_COVERAGE, MAX_LIMIT, Hit, SearchIndex, is_good
from bot.search.misses import MISSES_FILE, Miss, MissLog
from bot.search.preview import Preview, neutral_region, preview
from bot.search.service import SearchService

__all__ = [
    "GOOD_COVERAGE",
    "MAX_LIMIT",
    "MISSES_FILE",
    "Analyzer",
    "Hit",
    "Miss",
    "MissLog",
    "Preview",
    "SearchIndex",
    "SearchService",
    "is_good",
    "neutral_region",
    "preview",
]
