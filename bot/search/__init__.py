"""Finding clauses: normalise (繁→简, NFKC), jieba + user dictionary, BM25 index, miss log.

Public API::

    from bot.search import SearchService
    service = SearchService.start(settings, library)     # at start-up
    hits = service.search("促進義務教育優質均衡", year=2025)  # list[Hit], best first

``SearchIndex.build(library, analyzer)`` and ``SearchIndex.search`` are the pure core;
``SearchService`` adds the miss log and rebuilds.
"""

from bot.search.analysis import Analyzer
from bot.search.index import GOOD_COVERAGE, MAX_LIMIT, Hit, SearchIndex, is_good
from bot.search.misses import Miss, MissLog
from bot.search.preview import Preview, neutral_region, preview
from bot.search.service import SearchService

__all__ = [
    "GOOD_COVERAGE",
    "MAX_LIMIT",
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
