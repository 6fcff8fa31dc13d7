"""The clause search index: BM25F over an inverted index held in numpy arrays.

Each clause that is not retired is one document: its title and every variant title, its text
and every variant text (a declared variable counts as its label), its keywords, and its topic's
name and keywords. Field weights: a title token counts ``TITLE_WEIGHT`` times a text token; a
keyword (clause or topic) adds ``KEYWORD_WEIGHT`` once.

Layout. The postings of all terms in three flat arrays: term ``t``'s are the slice
``starts[t]:starts[t + 1]`` of ``docs`` (int32 doc ids, ascending) and ``impacts`` (float32).
An impact is the term's whole BM25 contribution to that document, computed at build time (idf,
saturation ``K1`` and length normalisation ``B`` folded in), so scoring a query is additions
only. Documents are numbered topic by topic, so a topic filter is a doc-id range cut out of
each posting list by bisection (``searchsorted``). Year, level and kind of every document sit
in small arrays, so the other filters are vectorised comparisons.

Build. Segmentation (``bot.search.analysis``; with jieba-rs for a library of ``BULK_CLAUSES``
or more clauses, same words, see ``bot.search.segment``) gives each clause's weighted term
frequencies; they are appended to flat lists, and the rest is vectorised: term ids (one
``itemgetter`` call), a stable sort by term (doc ids stay ascending within a term), document
frequencies, idf and the impacts.

Query. The query's words (jieba precise mode, stop words dropped): a word the index knows
stands for itself and brings the known words of three or more characters inside it
(义务教育 in 义务教育优质均衡); a word it does not know is replaced by the dictionary
words inside it (补短 in 补短提质). Synonyms add their words at ``SYNONYM_WEIGHT``
(``bot.search.analysis``). Scoring is exact (no shortcut, every posting counts): a dense
float32 score array over the documents (of the topic, if any) gets each term's postings added,
``np.add.at(scores, docs, impacts * weight)``; the filters multiply it by a boolean array over
the same documents. The page: the k-th best of an even sample of ``SAMPLE × k`` scores bounds
the k-th best from below, so only the scores above it are partitioned and sorted. Ties are
broken by document order, so pages are slices of one ranking. A hit's coverage (below) looks
its page's documents up in each query term's postings by ``searchsorted``.

Coverage. A hit's ``coverage`` is the share of the query's idf weight the clause matches (a
synonym's match covers the words it stands for; a word unknown to the library has the highest
idf; single characters, mostly fragments of words jieba does not know, count only in a query
made of nothing else). A query has a good result when some hit on its first page covers at
least ``GOOD_COVERAGE`` (0.5) of it; otherwise it is a miss worth showing to admins
(``bot.search.misses``). The threshold was set on ``tests/data/search_eval.yaml`` with the
library of the time (457 clauses): 7 of its 90 published headings fall below it (slogan-heavy
ones such as 推进学前教育补短提质, whose 补短提质 no clause says), and so do 9 of 16 queries on
subjects the library lacks (老年教育, 国际交流, 招商引资 …); at 0.4 it would be 3 headings
and 8 of the 16, at 0.6 14 headings and 11 of the 16. Misses are ranked by count, so a few
false alarms cost an admin little.

Thread safety: every array is read-only once built; a query allocates its own score array.
"""

from __future__ import annotations

import time
from array import array
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from math import log
from operator import itemgetter
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from bot.library.library import Library
from bot.library.models import Clause, ClauseKind, Level, Topic
from bot.search.analysis import Analyzer, QueryTerm, plain_text

__all__ = [
    "BULK_CLAUSES", "GOOD_COVERAGE", "K1", "KEYWORD_WEIGHT", "MAX_LIMIT", "RESULT_KINDS",
    "TITLE_PREVIEW", "TITLE_WEIGHT", "B", "Hit", "SearchIndex", "is_good",
]


K1 = 1.2
B = 0.5
TITLE_WEIGHT = 3.0
KEYWORD_WEIGHT = 2.0
GOOD_COVERAGE = 0.5
MAX_LIMIT = 50  # a page: Telegram inline mode shows at most 50 results
TITLE_PREVIEW = 24  # characters of text standing in for a clause without a title
# What a user searching for wording is shown: headings are section titles with no text, not
# clauses to read or insert (an admin's search for a clause to edit finds them too).
RESULT_KINDS = frozenset(kind for kind in ClauseKind if kind is not ClauseKind.HEADING)
SAMPLE = 64  # scores sampled per result wanted, to bound the k-th best from below (_top)
# A build of this many clauses or more segments with jieba-rs (``Analyzer.bulk``): its set-up
# (about half a second) pays for itself at about 2,000 new clauses; a normal start (the shipped
# library, a few hundred) does without.
BULK_CLAUSES = 2_000

_LEVELS = list(Level)
_KINDS = list(ClauseKind)
_Ints = npt.NDArray[np.int32]
_Floats = npt.NDArray[np.float32]
_Years = npt.NDArray[np.int16]
_Bytes = npt.NDArray[np.uint8]
_Plan = list[tuple[int, float]]
_A = TypeVar("_A", bound="np.ndarray[Any, Any]")
_OPEN = np.iinfo(np.int16).max  # last year of a clause without one


@dataclass(frozen=True)
class Hit:
    clause_id: str
    topic: str
    topic_name: str
    title: str
    score: float
    kind: ClauseKind
    coverage: float


def is_good(hits: Sequence[Hit]) -> bool:
    """Whether a first page of hits answers the query (see the module docstring)."""
    return any(hit.coverage >= GOOD_COVERAGE for hit in hits)


def display_title(clause: Clause) -> str:
    """The clause's title, else its first variant title, else the start of its text."""
    title = clause.title or next((v.title for v in clause.variants if v.title), "")
    if not title:
        text = " ".join(plain_text(clause.text, clause.vars).split())
        title = text[:TITLE_PREVIEW] + ("…" if len(text) > TITLE_PREVIEW else "")
    elif "{" in title:
        title = " ".join(plain_text(title, clause.vars).split())
    return title


class SearchIndex:
    """Immutable once built; safe to query from many threads. Rebuild to change it."""

    def __init__(self, builder: _Builder) -> None:
        self._analyzer = builder.analyzer
        self._clauses = builder.clauses
        self._topics = builder.topics
        self._ranges = builder.ranges
        postings = _Postings(builder)
        self._vocab = postings.vocab
        self._starts, self._docs, self._impacts = postings.starts, postings.docs, postings.impacts
        self._idf = postings.idf
        self._max_idf = log(1 + (len(self._clauses) + 0.5) / 0.5)
        self._first_year, self._last_year, self._levels, self._kinds = _attributes(self._clauses)
        self.build_seconds = 0.0

    @classmethod
    def build(cls, library: Library, analyzer: Analyzer) -> SearchIndex:
        """Index every clause of the library that is not retired."""
        start = time.perf_counter()
        if sum(len(topic.clauses) for topic in library.topics.values()) >= BULK_CLAUSES:
            analyzer.bulk()
        builder = _Builder(analyzer)
        for topic in library.topics.values():
            builder.add_topic(topic)
        index = cls(builder)
        index.build_seconds = time.perf_counter() - start
        return index

    def __len__(self) -> int:
        return len(self._clauses)

    @property
    def terms(self) -> int:
        """Size of the vocabulary."""
        return len(self._vocab)

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
    ) -> list[Hit]:
        """Best clauses for a query, best first; ``[]`` when nothing matches.

        ``topic`` keeps one topic's clauses; ``year`` and ``level`` keep the clauses that fit a
        plan of that year and level; ``kinds`` keeps those kinds. ``limit`` ≤ ``MAX_LIMIT``.
        """
        if limit <= 0 or offset < 0:
            return []
        terms = self._analyzer.query(query, self._vocab.__contains__)
        plan = [(tid, t.weight) for t in terms if (tid := self._vocab.get(t.term)) is not None]
        lo, hi = self._ranges.get(topic, (0, 0)) if topic is not None else (0, len(self))
        if not plan or lo == hi:
            return []
        scores = self._scores(plan, lo, hi)
        if year is not None or level is not None or kinds:
            scores *= self._allowed(lo, hi, year, level, kinds)
        page = _top(scores, offset + min(limit, MAX_LIMIT))[offset:]
        coverage = self._coverage(page + lo, terms)
        return [
            self._hit(doc + lo, float(scores[doc]), c)
            for doc, c in zip(page.tolist(), coverage, strict=True)
        ]

    def postings(self, term: str) -> tuple[_Ints, _Floats]:
        """A term's doc ids (ascending) and impacts; empty arrays for an unknown term."""
        tid = self._vocab.get(term)
        if tid is None:
            return self._docs[:0], self._impacts[:0]
        start, end = self._starts[tid], self._starts[tid + 1]
        return self._docs[start:end], self._impacts[start:end]

    def _scores(self, plan: _Plan, lo: int, hi: int) -> _Floats:
        """Scores of the documents ``lo`` to ``hi`` (exclusive), 0 for those matching no term."""
        scores = np.zeros(hi - lo, dtype=np.float32)
        whole = lo == 0 and hi == len(self)
        for tid, weight in plan:
            start, end = self._starts[tid], self._starts[tid + 1]
            docs, impacts = self._docs[start:end], self._impacts[start:end]
            if not whole:
                a, b = np.searchsorted(docs, (lo, hi))
                docs, impacts = docs[a:b] - lo, impacts[a:b]
            np.add.at(scores, docs, impacts if weight == 1.0 else impacts * np.float32(weight))
        return scores

    def _allowed(
        self,
        lo: int,
        hi: int,
        year: int | None,
        level: Level | None,
        kinds: Collection[ClauseKind] | None,
    ) -> npt.NDArray[np.bool_]:
        """Which documents ``lo`` to ``hi`` pass the filters (see ``search``)."""
        keep = np.ones(hi - lo, dtype=np.bool_)
        if year is not None:
            year = min(max(year, -_OPEN), _OPEN)
            keep &= (self._first_year[lo:hi] <= year) & (year <= self._last_year[lo:hi])
        if level is not None:
            keep &= (self._levels[lo:hi] & np.uint8(1 << _LEVELS.index(level))) != 0
        if kinds:
            wanted = np.zeros(len(_KINDS), dtype=np.bool_)
            wanted[[_KINDS.index(kind) for kind in kinds]] = True
            keep &= wanted[self._kinds[lo:hi]]
        return keep

    def _hit(self, doc: int, score: float, coverage: float) -> Hit:
        clause, topic = self._clauses[doc], self._topics[doc]
        return Hit(
            clause_id=clause.id,
            topic=topic.id,
            topic_name=topic.name,
            title=display_title(clause),
            score=round(score, SCORE_DIGITS),
            kind=clause.kind,
            coverage=round(coverage, 4),
        )

    def _coverage(self, page: npt.NDArray[np.intp], terms: list[QueryTerm]) -> list[float]:
        """Share of the query's idf weight each document of the page matches."""
        own = {t.term: self._idf_of(t.term) for t in terms if t.own and len(t.term) > 1}
        if not own:  # a query of single characters only
            own = {t.term: self._idf_of(t.term) for t in terms if t.own}
        total = sum(own.values())
        matched: list[npt.NDArray[np.bool_]] = []  # per known term: which page docs have it
        covers: list[list[bool]] = []  # per known term: which own words a match covers
        for term in terms:
            tid = self._vocab.get(term.term)
            if tid is not None:
                docs = self._docs[self._starts[tid] : self._starts[tid + 1]]
                matched.append(docs.take(docs.searchsorted(page), mode="clip") == page)
                covers.append([word in term.covers for word in own])
        if not total or not matched:
            return [0.0] * len(page)
        covered = np.array(covers, dtype=np.float64).T @ np.array(matched, dtype=np.float64)
        weights = np.array(list(own.values())) / total
        return [float(share) for share in weights @ (covered > 0)]

    def _idf_of(self, term: str) -> float:
        tid = self._vocab.get(term)
        return float(self._idf[tid]) if tid is not None else self._max_idf


SCORE_DIGITS = 4  # a hit's score and coverage, as shown and compared


def _top(scores: _Floats, k: int) -> npt.NDArray[np.intp]:
    """Positions of the ``k`` best positive scores, best first; ties in position order.

    The k-th best score of an even sample of about ``SAMPLE * k`` scores is a lower bound of
    the k-th best of all: only the scores above it are partitioned and sorted.
    """
    lower = np.float32(0.0)
    step = len(scores) // (SAMPLE * k)
    if step > 1:
        sample = scores[::step]
        lower = np.partition(sample, len(sample) - k)[len(sample) - k]
    candidates = np.flatnonzero(scores >= lower if lower > 0 else scores > 0)
    values = scores[candidates]
    if len(values) > k:
        keep = values >= np.partition(values, len(values) - k)[len(values) - k]
        candidates, values = candidates[keep], values[keep]
    return candidates[np.lexsort((candidates, -values))[:k]]


def _readonly(values: _A) -> _A:
    values.setflags(write=False)
    return values


def _attributes(clauses: list[Clause]) -> tuple[_Years, _Years, _Bytes, _Bytes]:
    """Per document: first and last plan year, levels as bits, kind as its number."""
    first = np.array([c.years[0] for c in clauses], dtype=np.int16)
    last = np.array([_OPEN if c.years[1] is None else c.years[1] for c in clauses], np.int16)
    bits = {level: 1 << i for i, level in enumerate(_LEVELS)}
    levels = np.array([sum(bits[lv] for lv in set(c.levels)) for c in clauses], dtype=np.uint8)
    kinds = np.array([_KINDS.index(c.kind) for c in clauses], dtype=np.uint8)
    return _readonly(first), _readonly(last), _readonly(levels), _readonly(kinds)


class _Builder:
    """Collects each clause's weighted term frequencies, in document order."""

    def __init__(self, analyzer: Analyzer) -> None:
        self.analyzer = analyzer
        self.terms: list[str] = []  # per document, its distinct terms …
        self.tfs: array[float] = array("f")  # … and their weighted frequencies
        self.counts: array[int] = array("i")  # distinct terms per document
        self.lengths: array[int] = array("i")  # tokens per document
        self.clauses: list[Clause] = []
        self.topics: list[Topic] = []
        self.ranges: dict[str, tuple[int, int]] = {}

    def add_topic(self, topic: Topic) -> None:
        start = len(self.clauses)
        shared = set(self.analyzer.keyword_tokens([topic.name, *topic.keywords]))
        for clause in topic.clauses:
            if not clause.retired:
                self.add(clause, topic, shared)
        self.ranges[topic.id] = (start, len(self.clauses))

    def add(self, clause: Clause, topic: Topic, shared: set[str]) -> None:
        weights, length = self.weights(clause, shared)
        self.terms.extend(weights)
        self.tfs.extend(weights.values())
        self.counts.append(len(weights))
        self.lengths.append(length)
        self.clauses.append(clause)
        self.topics.append(topic)

    def weights(self, clause: Clause, shared: set[str]) -> tuple[dict[str, float], int]:
        """Weighted term frequencies of a clause and its length in tokens."""
        tokens = self.analyzer.tokens
        titles = dict.fromkeys(t for t in (clause.title, *(v.title for v in clause.variants)) if t)
        texts = (clause.text, *(v.text for v in clause.variants))
        title = tokens(plain_text("\n".join(titles), clause.vars)) if titles else []
        body = tokens(plain_text("\n".join(texts), clause.vars))
        weights: dict[str, float] = dict(Counter(body))
        get = weights.get
        for term in title:
            weights[term] = get(term, 0.0) + TITLE_WEIGHT
        for term in shared.union(self.analyzer.keyword_tokens(clause.keywords)):
            weights[term] = get(term, 0.0) + KEYWORD_WEIGHT
        return weights, len(body) + len(title)


class _Postings:
    """The builder's frequencies turned into postings with impacts (vectorised, in float32
    where the arrays are as long as the postings, to keep the build's memory down)."""

    def __init__(self, builder: _Builder) -> None:
        n = len(builder.counts)
        terms, builder.terms = builder.terms, []
        self.vocab = {term: i for i, term in enumerate(dict.fromkeys(terms))}
        # one C call for all the lookups (a single term gives a scalar: reshape)
        tids = np.array(itemgetter(*terms)(self.vocab) if terms else (), np.int32).reshape(-1)
        del terms
        df = np.bincount(tids, minlength=len(self.vocab))
        order = np.argsort(tids, kind="stable")  # doc ids stay ascending within a term
        tids = tids[order]
        docs = np.repeat(np.arange(n, dtype=np.int32), np.frombuffer(builder.counts, np.int32))
        docs = docs[order]
        tfs = np.frombuffer(builder.tfs, np.float32)[order]
        del order
        self.starts = _readonly(np.concatenate(([0], np.cumsum(df))))
        self.idf = _readonly(np.log1p((n - df + 0.5) / (df + 0.5)))
        lengths = np.frombuffer(builder.lengths, np.int32)
        avgdl = float(lengths.mean()) if n else 1.0
        norms = (K1 * (1 - B + B * lengths / (avgdl or 1.0))).astype(np.float32)
        impacts = norms[docs]
        impacts += tfs
        np.divide(tfs, impacts, out=impacts)  # tf / (tf + norm)
        impacts *= (self.idf * (K1 + 1)).astype(np.float32)[tids]
        self.docs = _readonly(docs)
        self.impacts: _Floats = _readonly(impacts)
