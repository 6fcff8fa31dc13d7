"""Word segmentation: jieba's dictionary plus our user dictionary, search-mode tokens.

``init_jieba`` runs once at start-up, before any thread starts: it keeps jieba's prefix-dictionary
cache in the data directory, silences jieba's log and loads ``snippets/_userdict.txt``.

``Segmenter.words`` cuts a run of Han characters exactly as ``jieba.lcut(run, HMM=False)`` (a
test checks it), about 2.5× faster: the dynamic programme over jieba's prefix dictionary is
written without the intermediate DAG dict and tuples. ``search_tokens`` is jieba's search mode
generalised: besides each word, every dictionary word inside it (jieba only looks at 2- and
3-character pieces, so 义务教育 would be lost inside 义务教育优质均衡). HMM guessing of
unknown words is off on purpose: it is slower and makes tokens depend on the context, so the
same phrase could be cut differently in a clause and in a query. A run seen before is served
from a memo, which makes rebuilding the index after an admin edit cheap.
"""

from __future__ import annotations

import logging
import sys
import threading
import warnings
from math import log
from pathlib import Path
from typing import Any

# jieba 0.42 imports pkg_resources (deprecated in recent setuptools) and has invalid escape
# sequences that warn when its sources are compiled; tests turn warnings into errors.
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*pkg_resources", category=DeprecationWarning)
    warnings.filterwarnings("ignore", message=".*pkg_resources", category=UserWarning)
    warnings.filterwarnings("ignore", module="pkg_resources", category=DeprecationWarning)
    warnings.filterwarnings("ignore", message="invalid escape sequence", category=SyntaxWarning)
    warnings.filterwarnings(
        "ignore", message="invalid escape sequence", category=DeprecationWarning
    )
    import jieba

CACHE_FILE = "jieba.cache"
# Frequency of a user-dictionary term that gives none. jieba's own suggestion only just beats
# cutting the term into its parts, so a term lost to an overlapping word (主题教育学 cut as
# 主题 / 教育学); this value (义务教育 has 727 in jieba's dictionary) keeps terms whole and still
# loses to real words around them (全县中小学 stays 全县 / 中小学, not 全 / 县中 / 小学).
# A line may give its own frequency.
USER_FREQ = 500
MEMO_LIMIT = 300_000  # runs kept (about 20,000 clauses; tens of MB); cleared when full
LEARN_LIMIT = 500_000  # pieces whose dictionary status is remembered; cleared when full
_PREFIX = 1.0  # a prefix of a dictionary word that is no word itself (a log P is always < 0)
_ABSENT = 2.0  # not even a prefix
_NONE = -1e300
_INIT_LOCK = threading.Lock()
_loaded_userdicts: set[Path] = set()


def init_jieba(cache_dir: Path, userdict: Path | None) -> Any:
    """Initialise jieba's default tokenizer once; returns it (``jieba.dt``).

    Idempotent: a user dictionary already loaded is not loaded again.
    """
    with _INIT_LOCK:
        jieba.setLogLevel(logging.WARNING)
        tokenizer = jieba.dt
        if not tokenizer.initialized:
            cache_dir.mkdir(parents=True, exist_ok=True)
            tokenizer.tmp_dir = str(cache_dir)
            tokenizer.cache_file = CACHE_FILE
            tokenizer.initialize()
        if userdict is not None and userdict.resolve() not in _loaded_userdicts:
            for word, freq, tag in read_userdict(userdict):
                if freq is None:
                    freq = max(USER_FREQ, tokenizer.suggest_freq(word, False))
                tokenizer.add_word(word, freq, tag)
            _loaded_userdicts.add(userdict.resolve())
        return tokenizer


def read_userdict(path: Path) -> list[tuple[str, int | None, str | None]]:
    """Entries of a user dictionary: ``WORD [FREQ] [TAG]`` per line, ``#`` comments."""
    entries: list[tuple[str, int | None, str | None]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("#", 1)[0].split()
        if not parts:
            continue
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        tag = parts[-1] if len(parts) > 1 and not parts[-1].isdigit() else None
        entries.append((parts[0], freq, tag))
    return entries


class Segmenter:
    """Search-mode segmentation of Han runs over an initialised jieba tokenizer's dictionary.

    A stop word is dropped with the pieces inside it (进一步 takes 一步 with it).
    """

    def __init__(self, tokenizer: Any, stopwords: frozenset[str] = frozenset()) -> None:
        self._stop = stopwords
        self._freq: dict[str, int] = tokenizer.FREQ
        self._logtotal = log(tokenizer.total)
        self._logfreq: dict[str, float] = {}  # pieces met so far: log P, _PREFIX or _ABSENT
        self._memo: dict[str, tuple[str, ...]] = {}

    def search_tokens(self, run: str) -> tuple[str, ...]:
        """Search tokens of one run of Han characters: each word and the dictionary words
        inside it (a superset of ``jieba.lcut_for_search(run, HMM=False)``)."""
        found = self._memo.get(run)
        if found is None:
            found = tuple(map(sys.intern, self._search(run)))  # tokens repeat: share them
            if len(self._memo) >= MEMO_LIMIT:
                self._memo.clear()
            self._memo[run] = found
        return found

    def words(self, run: str) -> list[str]:
        """Precise-mode words of one run of Han characters (``jieba.lcut(run, HMM=False)``)."""
        lookup = self._logfreq.get
        learn = self._learn
        n = len(run)
        score = [0.0] * (n + 1)
        nxt = list(range(1, n + 2))
        for i in range(n - 1, -1, -1):
            best = _NONE
            j = i + 1
            piece = run[i]
            while True:
                value = lookup(piece)
                if value is None:
                    value = learn(piece)
                if value < 0.0:  # a word: log P(word) + best score of the rest
                    value += score[j]
                    if value >= best:  # on a tie jieba keeps the longer word
                        best = value
                        nxt[i] = j
                elif value == _ABSENT:  # not even a prefix of a dictionary word
                    break
                if j == n:
                    break
                j += 1
                piece = run[i:j]
            score[i] = score[i + 1] - self._logtotal if best == _NONE else best
        out: list[str] = []
        i = 0
        while i < n:
            j = nxt[i]
            out.append(run[i:j])
            i = j
        return out

    def _learn(self, piece: str) -> float:
        """log P(piece) from jieba's counts; ``_PREFIX`` or ``_ABSENT`` if it is no word."""
        freq = self._freq.get(piece)
        value = _ABSENT if freq is None else log(freq) - self._logtotal if freq else _PREFIX
        if len(self._logfreq) >= LEARN_LIMIT:
            self._logfreq.clear()
        self._logfreq[piece] = value
        return value

    def pieces(self, word: str, shortest: int = 2) -> list[str]:
        """Dictionary words inside a word (not the word itself), stop words left out."""
        get = self._freq.get
        stop = self._stop
        size = len(word)
        return [
            piece
            for length in range(shortest, size)
            for i in range(size - length + 1)
            if get(piece := word[i : i + length]) and piece not in stop
        ]

    def _search(self, run: str) -> list[str]:
        out: list[str] = []
        for word in self.words(run):
            if word not in self._stop:
                if len(word) > 2:
                    out.extend(self.pieces(word))
                out.append(word)
        return out
