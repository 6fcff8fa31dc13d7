"""The clause search index: BM25F over an inverted index, pure Python.

Each clause that is not retired is one document: its title and every variant title, its text
and every variant text (a declared variable counts as its label), its keywords, and its topic's
name and keywords. Field weights: a title token counts ``TITLE_WEIGHT`` times a text token; a
keyword (clause or topic) adds ``KEYWORD_WEIGHT`` once.

Layout. Term → (doc ids ascending, impacts) in two ``array``s. An impact is the term's whole
BM25 contribution to that document, computed at build time (idf, saturation ``K1`` and length
normalisation ``B`` folded in), so scoring a query is additions only. Documents are numbered
topic by topic, so a topic filter is a doc-id range cut out of each posting list by bisection.

Query. The query's words (jieba precise mode, stop words dropped): a word the index knows
stands for itself and brings the known words of three or more characters inside it
(义务教育 in 义务教育优质均衡); a word it does not know is replaced by the dictionary
words inside it (补短 in 补短提质). Synonyms add their words at ``SYNONYM_WEIGHT``
(``bot.search.analysis``). Scoring is BM25F over those terms with a MaxScore shortcut:
each term's ``CHAMPIONS`` highest-impact postings give a few likely documents whose exact
scores set a bar (the k-th best); the lowest-impact terms whose maximum impacts together
cannot reach the bar are not traversed. The other terms' postings are added up in a dict
(so are those of a low-impact term with fewer postings than there are candidates: cheaper
than looking it up for each), then the low-impact terms are looked up, by bisection, only
for the candidates that can still clear the bar, best partial score first. At most
``CANDIDATES`` are finished that way: the one approximation, which does not bind on
libraries of a few thousand clauses (the benchmark reports how often the result equals
scoring every posting). ``heapq.nlargest`` picks the page.

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
"""

from __future__ import annotations

import heapq
import itertools
import time
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from math import log
from operator import itemgetter

from bot.library.library import Library
from bot.library.models import Clause, ClauseKind, Level, Topic
from bot.search.analysis import Analyzer, QueryTerm, plain_text

K1 = 1.2
B = 0.5
TITLE_WEIGHT = 3.0
KEYWORD_WEIGHT = 2.0
GOOD_COVERAGE = 0.5
MAX_LIMIT = 50  # a page: Telegram inline mode shows at most 50 results
TITLE_PREVIEW = 24  # characters of text standing in for a clause without a title
CHAMPIONS = 128  # per term, the postings of highest impact (they seed the bar)
SEED_EXTRA = 4  # seeds scored exactly beyond k
CANDIDATES = 1500  # most documents whose scores are finished by lookups (see _complete)

_Mask = bytearray | None
_MaskKey = tuple[int | None, Level | None, frozenset[ClauseKind] | None]


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
        n = len(self._clauses)
        self._vocab, self._docs, self._impacts, self._max, self._idf = _impacts(builder, n)
        self._max_idf = log(1 + (n + 0.5) / 0.5)
        self._masks: dict[_MaskKey, bytearray] = {}
        self._champion_cache: dict[int, tuple[Sequence[int], Sequence[float]]] = {}
        self.build_seconds = 0.0

    @classmethod
    def build(cls, library: Library, analyzer: Analyzer) -> SearchIndex:
        """Index every clause of the library that is not retired."""
        start = time.perf_counter()
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
        span = self._ranges.get(topic, (0, 0)) if topic is not None else None
        if not plan or (span is not None and span[0] == span[1]):
            return []
        k = offset + min(limit, MAX_LIMIT)
        scores = self._score(plan, span, self._mask(year, level, kinds), k)
        page = heapq.nlargest(k, scores.items(), key=itemgetter(1))[offset:]
        return [self._hit(doc, score, terms) for doc, score in page]

    def _score(
        self, plan: list[tuple[int, float]], span: tuple[int, int] | None, mask: _Mask, k: int
    ) -> dict[int, float]:
        """Documents that may be in the top k, with their exact scores (see module docstring)."""
        terms = sorted((self._max[tid] * weight, tid, weight) for tid, weight in plan)
        exact = self._seed(terms, span, mask, k)
        best = heapq.nlargest(k, exact.values())
        theta = best[-1] if len(best) == k else 0.0
        lazy_bound, split = 0.0, 0
        while split < len(terms) and lazy_bound + terms[split][0] <= theta:
            lazy_bound += terms[split][0]
            split += 1
        acc: dict[int, float] = {}
        for _, tid, weight in terms[split:]:
            self._add(acc, tid, weight, span, mask)
        # A lazy term is looked up once per candidate (at most CANDIDATES of them); adding up
        # its postings is cheaper when it has fewer postings than that (and lowers the bound).
        while split and len(self._docs[terms[split - 1][1]]) <= min(len(acc), 4 * CANDIDATES):
            split -= 1
            self._add(acc, terms[split][1], terms[split][2], span, mask)
        if split == 0:
            return acc
        self._complete(acc, exact, terms[:split], k)
        return exact

    def _add(
        self,
        acc: dict[int, float],
        tid: int,
        weight: float,
        span: tuple[int, int] | None,
        mask: _Mask,
    ) -> None:
        docs, impacts = self._postings(tid, span)
        if mask is None:
            _accumulate(acc, docs, impacts, weight)
        else:
            _accumulate_masked(acc, docs, impacts, weight, mask)

    def _seed(
        self,
        terms: list[tuple[float, int, float]],
        span: tuple[int, int] | None,
        mask: _Mask,
        k: int,
    ) -> dict[int, float]:
        """Exact scores of the documents most likely to be in the top k: the best by the
        champion postings (each term's highest impacts) of the query's terms."""
        lo, hi = span if span is not None else (0, len(self._clauses))
        partial: dict[int, float] = {}
        for _, tid, weight in terms:
            docs, impacts = self._champions(tid)
            for doc, s in zip(docs, impacts, strict=True):
                if lo <= doc < hi and (mask is None or mask[doc]):
                    partial[doc] = partial.get(doc, 0.0) + s * weight
        seeds = heapq.nlargest(k + SEED_EXTRA, partial.items(), key=itemgetter(1))
        return {doc: self._exact(doc, terms) for doc, _ in seeds}

    def _exact(self, doc: int, terms: list[tuple[float, int, float]]) -> float:
        total = 0.0
        for _, tid, weight in terms:
            docs = self._docs[tid]
            i = bisect_left(docs, doc)
            if i < len(docs) and docs[i] == doc:
                total += self._impacts[tid][i] * weight
        return total

    def _complete(
        self,
        acc: dict[int, float],
        exact: dict[int, float],
        lazy: list[tuple[float, int, float]],
        k: int,
    ) -> None:
        """Finish the scores of the documents that can still reach the top k (into ``exact``).

        ``lazy`` are the low-impact terms not accumulated, smallest bound first; their bounds
        sum to at most the k-th best exact score, the bar. Candidates are taken in order of
        their partial score, at most ``CANDIDATES`` of them (the only approximation).
        """
        bounds = list(itertools.accumulate(ub for ub, _, _ in lazy))[::-1]
        lookups = [
            (self._docs[tid], self._impacts[tid], weight, after)
            for (_, tid, weight), after in zip(lazy[::-1], [*bounds[1:], 0.0], strict=True)
        ]
        best = heapq.nlargest(k, exact.values())
        heapq.heapify(best)
        theta = best[0]
        floor = theta - bounds[0]
        candidates = heapq.nlargest(
            CANDIDATES, [(doc, s) for doc, s in acc.items() if s > floor], key=itemgetter(1)
        )
        for doc, s in candidates:
            if s + bounds[0] <= theta:
                break  # and so do all that follow: their partial scores are lower
            if doc in exact:
                continue
            for docs, impacts, weight, after in lookups:
                i = bisect_left(docs, doc)
                if i < len(docs) and docs[i] == doc:
                    s += impacts[i] * weight
                if s + after <= theta:
                    break
            else:
                exact[doc] = s
                heapq.heapreplace(best, s)
                theta = best[0]

    def _champions(self, tid: int) -> tuple[Sequence[int], Sequence[float]]:
        """The term's ``CHAMPIONS`` postings of highest impact (computed on first use)."""
        found = self._champion_cache.get(tid)
        if found is None:
            docs, impacts = self._docs[tid], self._impacts[tid]
            if len(docs) <= CHAMPIONS:
                found = (docs, impacts)
            else:
                top = heapq.nlargest(CHAMPIONS, range(len(docs)), key=impacts.__getitem__)
                found = ([docs[i] for i in top], [impacts[i] for i in top])
            self._champion_cache[tid] = found
        return found

    def _postings(self, tid: int, span: tuple[int, int] | None) -> tuple[array[int], array[float]]:
        docs, impacts = self._docs[tid], self._impacts[tid]
        if span is None:
            return docs, impacts
        lo, hi = bisect_left(docs, span[0]), bisect_left(docs, span[1])
        return docs[lo:hi], impacts[lo:hi]

    def _mask(
        self, year: int | None, level: Level | None, kinds: Collection[ClauseKind] | None
    ) -> _Mask:
        if year is None and level is None and not kinds:
            return None
        key: _MaskKey = (year, level, frozenset(kinds) if kinds else None)
        mask = self._masks.get(key)
        if mask is None:
            mask = bytearray(_allows(c, year, level, key[2]) for c in self._clauses)
            if len(self._masks) > 256:
                self._masks.clear()
            self._masks[key] = mask
        return mask

    def _hit(self, doc: int, score: float, terms: list[QueryTerm]) -> Hit:
        clause, topic = self._clauses[doc], self._topics[doc]
        return Hit(
            clause_id=clause.id,
            topic=topic.id,
            topic_name=topic.name,
            title=display_title(clause),
            score=round(score, 4),
            kind=clause.kind,
            coverage=round(self._coverage(doc, terms), 4),
        )

    def _coverage(self, doc: int, terms: list[QueryTerm]) -> float:
        own = {t.term: self._idf_of(t.term) for t in terms if t.own and len(t.term) > 1}
        if not own:  # a query of single characters only
            own = {t.term: self._idf_of(t.term) for t in terms if t.own}
        covered: set[str] = set()
        for term in terms:
            tid = self._vocab.get(term.term)
            if tid is None:
                continue
            docs = self._docs[tid]
            i = bisect_left(docs, doc)
            if i < len(docs) and docs[i] == doc:
                covered.update(term.covers)
        total = sum(own.values())
        return sum(own[t] for t in covered if t in own) / total if total else 0.0

    def _idf_of(self, term: str) -> float:
        tid = self._vocab.get(term)
        return self._idf[tid] if tid is not None else self._max_idf


def _allows(
    clause: Clause, year: int | None, level: Level | None, kinds: frozenset[ClauseKind] | None
) -> bool:
    start, end = clause.years
    return (
        (year is None or (start <= year and (end is None or year <= end)))
        and (level is None or level in clause.levels)
        and (kinds is None or clause.kind in kinds)
    )


def _accumulate_masked(
    acc: dict[int, float], docs: array[int], impacts: array[float], weight: float, mask: bytearray
) -> None:
    get = acc.get
    for doc, s in zip(docs, impacts, strict=True):
        if mask[doc]:
            acc[doc] = get(doc, 0.0) + s * weight


def _accumulate(
    acc: dict[int, float], docs: array[int], impacts: array[float], weight: float
) -> None:
    if not acc:
        scaled = impacts if weight == 1.0 else [s * weight for s in impacts]
        acc.update(zip(docs, scaled, strict=True))
        return
    get = acc.get
    if weight == 1.0:
        for doc, s in zip(docs, impacts, strict=True):
            acc[doc] = get(doc, 0.0) + s
    else:
        for doc, s in zip(docs, impacts, strict=True):
            acc[doc] = get(doc, 0.0) + s * weight


class _Builder:
    """Collects postings (doc ids and weighted term frequencies) topic by topic."""

    def __init__(self, analyzer: Analyzer) -> None:
        self.analyzer = analyzer
        self.postings: dict[str, tuple[array[int], array[float]]] = {}
        self.lengths: list[int] = []
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
        doc = len(self.clauses)
        weights, length = self.weights(clause, shared)
        postings = self.postings
        get = postings.get
        for term, weight in weights.items():
            entry = get(term)
            if entry is None:
                postings[term] = entry = (array("i"), array("f"))
            entry[0].append(doc)
            entry[1].append(weight)
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
        for term, count in Counter(title).items():
            weights[term] = weights.get(term, 0.0) + TITLE_WEIGHT * count
        for term in shared.union(self.analyzer.keyword_tokens(clause.keywords)):
            weights[term] = weights.get(term, 0.0) + KEYWORD_WEIGHT
        return weights, len(body) + len(title)


def _impacts(
    builder: _Builder, n: int
) -> tuple[dict[str, int], list[array[int]], list[array[float]], list[float], list[float]]:
    """Vocabulary, and per term: doc ids, BM25 impact of each posting, largest impact, idf."""
    avgdl = (sum(builder.lengths) / n) if n else 1.0
    norms = [K1 * (1 - B + B * length / (avgdl or 1.0)) for length in builder.lengths]
    vocab: dict[str, int] = {}
    postings: list[array[int]] = []
    impacts: list[array[float]] = []
    maxima: list[float] = []
    idfs: list[float] = []
    for term, (docs, tfs) in builder.postings.items():
        df = len(docs)
        idf = log(1 + (n - df + 0.5) / (df + 0.5))
        scale = idf * (K1 + 1)
        row = array("f", [scale * tf / (tf + norms[d]) for d, tf in zip(docs, tfs, strict=True)])
        vocab[term] = len(postings)
        postings.append(docs)
        impacts.append(row)
        maxima.append(max(row))
        idfs.append(idf)
    builder.postings = {}
    return vocab, postings, impacts, maxima, idfs
