"""What the adapters use: the current index (rebuilt when the library changes) and the miss log.

    search = SearchService.start(settings, library)   # once, at start-up, before threads start
    hits = search.search("推进学前教育补短提质", year=2025, limit=5)
    search.rebuild(new_library)                       # after an admin edit; queries keep working

``search(..., record=True)`` records a query whose first page has no good result (see
``bot.search.index.is_good``). Pass ``record=False`` for partial input such as Telegram inline
queries, which arrive keystroke by keystroke.
"""

from __future__ import annotations

import logging
from collections.abc import Collection

from bot.config import Settings
from bot.library.library import Library
from bot.library.models import ClauseKind, Level
from bot.search.analysis import Analyzer
from bot.search.index import Hit, SearchIndex, is_good
from bot.search.misses import MISSES_FILE, Miss, MissLog
from bot.search.preview import Preview, neutral_region, preview

__all__ = ["SearchService"]


log = logging.getLogger(__name__)


class SearchService:
    def __init__(self, analyzer: Analyzer, library: Library, misses: MissLog) -> None:
        self.analyzer = analyzer
        self.miss_log = misses
        self._library = library
        self._index = SearchIndex.build(library, analyzer)
        log.info(
            "search index: %d clauses, %d terms, built in %.3f s",
            len(self._index), self._index.terms, self._index.build_seconds,
        )

    @classmethod
    def start(cls, settings: Settings, library: Library) -> SearchService:
        """Load the segmentation dictionary (built from jieba's on the first start, kept in the
        data directory), read the search data, build."""
        analyzer = Analyzer.load(settings.snippets_dir, settings.data_dir)
        return cls(analyzer, library, MissLog(settings.data_dir / MISSES_FILE))

    @property
    def index(self) -> SearchIndex:
        return self._index

    def rebuild(self, library: Library) -> SearchIndex:
        """Index a changed library; the new index replaces the old one in one assignment."""
        index = SearchIndex.build(library, self.analyzer)
        self._library, self._index = library, index
        log.info("search index rebuilt: %d clauses in %.3f s", len(index), index.build_seconds)
        return index

    def search(
        self,
        query: str,
        *,
        topic: str | None = None,
        year: int | None = None,
        level: Level | None = None,
        kinds: Collection[ClauseKind] | None = None,
        limit: int = 10,
        offset: int = 0,
        record: bool = True,
    ) -> list[Hit]:
        hits = self._index.search(
            query, topic=topic, year=year, level=level, kinds=kinds, limit=limit, offset=offset
        )
        if record and offset == 0 and not is_good(hits):
            self.miss_log.record_miss(query)
        return hits

    def record_miss(self, query: str) -> None:
        self.miss_log.record_miss(query)

    def misses(self, limit: int = 20) -> list[Miss]:
        return self.miss_log.misses(limit)

    def preview(self, hit: Hit, year: int | None = None, variant: int = 0) -> Preview:
        """A hit's title and text rendered for the neutral region (see ``bot.search.preview``)."""
        clause = self._library.clause(hit.clause_id)
        if clause is None:  # the library changed between search and preview
            return Preview(hit.title, "", year or 0)
        region = self.analyzer.neutral_region
        assert region is not None
        return preview(self._library, clause, neutral_region(region), year, variant)
