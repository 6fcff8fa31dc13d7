"""The search index's scoring against a plain BM25F written out here, its filters, order of
ties, immutability and queries from many threads."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection
from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise
from typing import Any

import numpy as np
import pytest

from bot.library.library import Library
from bot.library.models import Clause, ClauseKind, Level, Topic
from bot.search import Analyzer, SearchIndex
from bot.search.analysis import plain_text
from bot.search.evaluate import load_cases
from bot.search.index import K1, KEYWORD_WEIGHT, MAX_LIMIT, TITLE_WEIGHT, B, _top
from tests.clause_support import library_analyzer
from tests.conftest import ROOT, SNIPPETS

EVAL = ROOT / "tests" / "data" / "search_eval.yaml"
FILTERS: list[dict[str, Any]] = [
    {},
    {"year": 2020},
    {"topic": "preschool"},
    {"level": Level.PROVINCE, "kinds": {ClauseKind.TASK, ClauseKind.TARGET}},
    {"topic": "teachers", "year": 2030, "level": Level.COUNTY},
]


@pytest.fixture(scope="module")
def analyzer(jieba_tokenizer: Any) -> Analyzer:
    return library_analyzer(jieba_tokenizer, SNIPPETS)


@pytest.fixture(scope="module")
def index(library: Library, analyzer: Analyzer) -> SearchIndex:
    return SearchIndex.build(library, analyzer)


class Reference:
    """BM25F the slow and obvious way: a dict of weighted term frequencies per clause."""

    def __init__(self, library: Library, analyzer: Analyzer) -> None:
        self.analyzer = analyzer
        self.docs: list[tuple[Topic, Clause, dict[str, float], int]] = []
        for topic in library.topics.values():
            shared = set(analyzer.keyword_tokens([topic.name, *topic.keywords]))
            for clause in topic.clauses:
                if not clause.retired:
                    self.docs.append((topic, clause, *self._weights(clause, shared)))
        self.avgdl = sum(length for *_, length in self.docs) / len(self.docs)
        self.df = Counter(term for _, _, weights, _ in self.docs for term in weights)

    def _weights(self, clause: Clause, shared: set[str]) -> tuple[dict[str, float], int]:
        titles = dict.fromkeys(t for t in (clause.title, *(v.title for v in clause.variants)) if t)
        texts = "\n".join((clause.text, *(v.text for v in clause.variants)))
        title = self.analyzer.tokens(plain_text("\n".join(titles), clause.vars))
        body = self.analyzer.tokens(plain_text(texts, clause.vars))
        weights: dict[str, float] = {}
        for term in body:
            weights[term] = weights.get(term, 0.0) + 1.0
        for term in title:
            weights[term] = weights.get(term, 0.0) + TITLE_WEIGHT
        for term in shared | set(self.analyzer.keyword_tokens(clause.keywords)):
            weights[term] = weights.get(term, 0.0) + KEYWORD_WEIGHT
        return weights, len(body) + len(title)

    def top(self, query: str, k: int, **filters: Any) -> list[tuple[str, float]]:
        n = len(self.docs)
        terms = self.analyzer.query(query, self.df.__contains__)
        scored = []
        for topic, clause, weights, length in self.docs:
            if not _passes(topic, clause, **filters):
                continue
            norm = K1 * (1 - B + B * length / self.avgdl)
            score = 0.0
            for term in terms:
                tf = weights.get(term.term)
                if tf is not None:
                    df = self.df[term.term]
                    idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
                    score += term.weight * idf * (K1 + 1) * tf / (tf + norm)
            if score > 0:
                scored.append((clause.id, score))
        return sorted(scored, key=lambda x: -x[1])[:k]


def _passes(
    topic: Topic,
    clause: Clause,
    topic_id: str | None = None,
    year: int | None = None,
    level: Level | None = None,
    kinds: Collection[ClauseKind] | None = None,
) -> bool:
    start, end = clause.years
    return (
        (topic_id is None or topic.id == topic_id)
        and (year is None or start <= year <= (end or 9999))
        and (level is None or level in clause.levels)
        and (not kinds or clause.kind in kinds)
    )


def test_scores_are_exact_bm25f_with_every_filter(
    index: SearchIndex, library: Library, analyzer: Analyzer
) -> None:
    reference = Reference(library, analyzer)
    queries = [case.query for case in load_cases(EVAL)]
    for query in queries:
        for filters in FILTERS:
            hits = index.search(query, limit=MAX_LIMIT, **filters)
            ref_filters = {("topic_id" if k == "topic" else k): v for k, v in filters.items()}
            expected = reference.top(query, MAX_LIMIT, **ref_filters)
            assert [h.score for h in hits] == pytest.approx([s for _, s in expected], abs=1e-3)
            by_id = dict(expected)
            for hit in hits:  # a hit may swap places with one of (nearly) the same score
                if hit.clause_id not in by_id:  # (the shown score is rounded to 4 places)
                    assert hit.score == pytest.approx(expected[-1][1], abs=1e-3)


def test_ties_are_broken_by_library_order(
    index: SearchIndex, library: Library, analyzer: Analyzer
) -> None:
    """Hits of the same score come in library order. A hit shows its score rounded, so two hits
    may show the same score and still differ: ties are decided on the reference's exact scores."""
    reference = Reference(library, analyzer)
    position = {c.id: i for i, c in enumerate(c for c in library.clauses() if not c.retired)}
    for case in load_cases(EVAL):
        hits = index.search(case.query, limit=MAX_LIMIT)
        assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
        exact = dict(reference.top(case.query, len(reference.docs)))
        for first, second in pairwise(hits):
            if math.isclose(exact[first.clause_id], exact[second.clause_id], rel_tol=1e-9):
                assert position[first.clause_id] < position[second.clause_id], case.query


def test_identical_clauses_score_alike_and_keep_their_order(
    library: Library, analyzer: Analyzer
) -> None:
    topic = library.topics["preschool"]
    clause = next(c for c in topic.clauses if c.title and not c.retired)
    twins = [clause.model_copy(update={"id": f"{clause.id}_twin{i}"}) for i in range(3)]
    copied = topic.model_copy(update={"clauses": [*twins, *topic.clauses]})
    others = [t for t in library.topics.values() if t.id != topic.id]
    bigger = Library([copied, *others], library.eras, library.lint, list(library.kinds.values()))
    hits = SearchIndex.build(bigger, analyzer).search(clause.title, limit=4)
    assert [h.clause_id for h in hits] == [*(t.id for t in twins), clause.id]
    assert len({h.score for h in hits}) == 1


@pytest.mark.parametrize("k", [1, 3, 10, 60])
def test_top_k_is_the_best_positive_scores_ties_in_position_order(k: int) -> None:
    rng = np.random.default_rng(k)
    for n in (0, 5, 700, 50_000):
        for scores in (
            rng.integers(0, 20, n).astype(np.float32),  # many ties, some zeros
            rng.random(n, dtype=np.float32) * (rng.random(n) < 0.05),  # mostly zeros
            np.zeros(n, dtype=np.float32),
        ):
            positive = [i for i in range(n) if scores[i] > 0]
            expected = sorted(positive, key=lambda i: (-scores[i], i))[:k]
            assert _top(scores, k).tolist() == expected


def test_pages_of_every_size_are_slices_of_one_ranking(index: SearchIndex) -> None:
    whole = index.search("教育", limit=MAX_LIMIT)
    assert len(whole) == MAX_LIMIT
    for size in (1, 7, 10):
        pages = [index.search("教育", limit=size, offset=o) for o in range(0, MAX_LIMIT, size)]
        assert [h for page in pages for h in page][:MAX_LIMIT] == whole
    assert index.search("教育", limit=5, offset=10_000) == []


def test_an_empty_library_has_no_results(library: Library, analyzer: Analyzer) -> None:
    empty = SearchIndex.build(
        Library([], library.eras, library.lint, list(library.kinds.values())), analyzer
    )
    assert len(empty) == 0 and empty.terms == 0
    assert empty.search("学前教育") == []


def test_postings_are_read_only_and_ascending(index: SearchIndex) -> None:
    docs, impacts = index.postings("学前教育")
    assert len(docs) == len(impacts) > 1
    assert bool(np.all(np.diff(docs) > 0)) and bool(np.all(impacts > 0))
    with pytest.raises(ValueError, match="read-only"):
        docs[0] = 0
    empty_docs, empty_impacts = index.postings("no such term")
    assert len(empty_docs) == len(empty_impacts) == 0


def test_queries_from_many_threads_agree(index: SearchIndex) -> None:
    queries = [case.query for case in load_cases(EVAL)] * 4
    alone = [index.search(q, year=2025, limit=20) for q in queries]
    with ThreadPoolExecutor(8) as pool:
        together = list(pool.map(lambda q: index.search(q, year=2025, limit=20), queries))
    assert together == alone
