"""Word segmentation: jieba's dictionary plus our user dictionary, search-mode tokens.

The dictionary. ``load_dictionary`` runs once at start-up, before any thread starts. It reads
``dictionary.bin`` from the cache folder of the data directory: jieba's prefix dictionary (every
word of jieba's dictionary and of ``snippets/_userdict.txt``, and every prefix of one) as a marisa
trie, with an array of log P by key id (``_PREFIX`` for a prefix that is no word), and the words
in key-id order as one UTF-16 text (for the Rust cutter below: spelling 350,000 words out of
the trie takes 0.25–0.45 s, decoding that text about 0.02 s). That loads in milliseconds, where
jieba's own start (import, then half a million entries from its marshal cache) takes about a
second, so a normal start does not import jieba at all. The file is keyed
by a hash of jieba's dictionary, our user dictionary and the format (``FORMAT``, ``USER_FREQ``)
and carries a CRC of its contents; when it is missing, stale, truncated or corrupt, jieba builds
the dictionary (``jieba_tokenizer``: a few seconds, jieba's own cache in the same folder) and the
file is written again atomically. The user dictionary goes in through jieba's ``add_word``, in
file order; a term without a frequency gets ``max(USER_FREQ, suggest_freq)`` at that point.

``Segmenter.words`` cuts a run of Han characters exactly as ``jieba.lcut(run, HMM=False)`` (tests
check it over every clause text), 2–3× faster than jieba with nothing learnt yet and 3–5× once
the pieces are known: the dynamic programme over the prefix dictionary is written without the
intermediate DAG dict and tuples, and a piece's value, looked up in the trie once (about 2 µs,
a dozen dict lookups), is remembered in a dict. Asking the trie for a whole DAG row per position
instead (``Trie.prefixes``) measured 1.3–1.5× slower than this walk. A ``Segmenter`` also runs
over an initialised jieba tokenizer (``JiebaLexicon``; tests use that).
``search_tokens`` is jieba's search mode generalised: besides each word, every dictionary word
inside it (jieba only looks at 2- and 3-character pieces, so 义务教育 would be lost inside
义务教育优质均衡). HMM guessing of unknown words is off on purpose: it is slower and makes tokens
depend on the context, so the same phrase could be cut differently in a clause and in a query.
A run seen before is served from a memo, and so is a word's expansion into search tokens,
which makes rebuilding the index after an admin edit cheap.

Bulk segmentation. Before segmenting many new runs (a cold index build of thousands of clauses),
``Segmenter.bulk`` moves ``words`` to jieba-rs (the Rust port of jieba, through ``rjieba``), 5×
faster than the walk above. Its dictionary is built from ours, not taken from rjieba's embedded
copy: every word with the frequency our dictionary holds for it, plus one balancing entry on a
code point no run can contain (``_BALANCE``, private use) so that its total equals ours. jieba's
``add_word`` adds an overwritten word's new frequency to the total without taking the old one
off, jieba-rs takes it off; without the balance every log P would shift by a constant and a
near-tie could flip. With the same words, frequencies and total, jieba-rs runs the same dynamic
programme (``ln freq − ln total + best of the rest``, a single character that starts no word
at frequency 1, a tie to the longer word) in the same double arithmetic, so the words are the
same; tests check it over every clause text, thousands of varied runs and a whole index. Only
runs of Han characters (``HAN_RUN``) go to Rust: jieba-rs treats other characters its own way.
Building its dictionary takes about 0.3 s (nearly all of it jieba-rs's ``add_word``, one call a
word; the words and frequencies come from the dictionary file's word list and values), so a
normal start (a few hundred clauses) does without it. It is built once per analyzer: a rebuild
of the index after an admin edit reuses it (only ``forget`` drops it). The extension module is
loaded by itself, because importing the ``rjieba`` package also builds its default tokenizer
(0.1 s, 25 MB), which is never used.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.machinery
import importlib.util
import logging
import re
import struct
import sys
import threading
import warnings
import zlib
from array import array
from collections.abc import Callable, Iterable
from itertools import chain, repeat
from math import log
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

import marisa_trie  # type: ignore[import-not-found]  # no stubs
import numpy as np

from bot.store.files import ensure_dir, write_atomic

__all__ = [
    "CACHE_FILE", "DICTIONARY_FILE", "FORMAT", "MEMO_LIMIT", "USER_FREQ", "Dictionary",
    "JiebaLexicon", "Segmenter", "dictionary_key", "jieba_tokenizer", "load_dictionary",
    "read_userdict", "rust_cutter",
]


logger = logging.getLogger(__name__)

DICTIONARY_FILE = "dictionary.bin"  # ours, in the cache folder
CACHE_FILE = "jieba.cache"  # jieba's own marshal cache, used only to build ours
FORMAT = 3  # of DICTIONARY_FILE; part of its key
# Frequency of a user-dictionary term that gives none. jieba's own suggestion only just beats
# cutting the term into its parts, so a term lost to an overlapping word (主题教育学 cut as
# 主题 / 教育学); this value (义务教育 has 727 in jieba's dictionary) keeps terms whole and still
# loses to real words around them (全县中小学 stays 全县 / 中小学, not 全 / 县中 / 小学).
# A line may give its own frequency.
USER_FREQ = 500
MEMO_LIMIT = 300_000  # runs kept (about 20,000 clauses; tens of MB); cleared when full
LEARN_LIMIT = 500_000  # pieces whose value is remembered; cleared when full (between runs)
_PREFIX = 1.0  # a prefix of a dictionary word that is no word itself (a log P is always < 0)
_ABSENT = 2.0  # not even a prefix
_NONE = -1e300
_MAGIC = b"pbdict\r\n"  # the CR LF catches a text-mode copy
# magic, key (BLAKE2b of the sources), total, trie bytes, key count, word-list bytes; then the
# CRC-32 of all the rest of the file (those fields, the trie, the values and the word list)
_FIELDS = struct.Struct("<8s32sQQQQ")
_CRC = struct.Struct("<I")
_HEADER_SIZE = _FIELDS.size + _CRC.size
_INIT_LOCK = threading.Lock()
_BULK_LOCK = threading.Lock()
_WORDS_CODEC = "utf-16-le"  # of the word list: 2 bytes a character, decoded at memory speed
# The balancing entry of the Rust cutter's dictionary: a private-use character, which
# normalisation turns into a space, so it is never part of a run.
_BALANCE = "\ue000"
_HAN_ONLY = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+").fullmatch  # normalise.HAN_RUN


class Lexicon(Protocol):
    """What the segmenter needs of a dictionary."""

    @property
    def total(self) -> int:
        """Sum of the word frequencies (jieba's ``total``)."""

    def value(self, piece: str) -> float:
        """log P(piece) for a word; ``_PREFIX`` for a prefix of one; ``_ABSENT`` otherwise."""

    def frequencies(self) -> dict[str, int]:
        """Every word and its frequency."""

    def entries(self) -> tuple[list[str], list[int]]:
        """Every word and its frequency, as two lists in the same order."""


class JiebaLexicon:
    """The dictionary of an initialised jieba tokenizer (its ``FREQ`` and ``total``)."""

    def __init__(self, tokenizer: Any) -> None:
        self._freq: dict[str, int] = tokenizer.FREQ
        self.total: int = tokenizer.total
        self._logtotal = log(self.total)

    def value(self, piece: str) -> float:
        freq = self._freq.get(piece)
        return _ABSENT if freq is None else log(freq) - self._logtotal if freq else _PREFIX

    def frequencies(self) -> dict[str, int]:
        return {word: freq for word, freq in self._freq.items() if freq}

    def entries(self) -> tuple[list[str], list[int]]:
        frequencies = self.frequencies()
        return list(frequencies), list(frequencies.values())

    def keys(self) -> Iterable[str]:
        """Words and prefixes."""
        return self._freq.keys()


class Dictionary:
    """jieba's prefix dictionary as a marisa trie and an array of values by key id; and its
    words, in key-id order, as one UTF-16 text (a word a line) for ``entries``."""

    def __init__(self, trie: Any, values: array[float], total: int, words: bytes) -> None:
        self._trie = trie
        self._get = trie.get
        self._values = values
        self.total = total
        self._words = words

    @classmethod
    def build(cls, lexicon: JiebaLexicon) -> Dictionary:
        """The compact form of a jieba tokenizer's dictionary (about a second)."""
        trie = marisa_trie.Trie(lexicon.keys())
        values = array("d", bytes(8 * len(trie)))
        for key, key_id in trie.iteritems():
            values[key_id] = lexicon.value(key)
        ids = _word_ids(values)
        words = "\n".join(map(trie.restore_key, ids.tolist()))
        if len(ids) and words.count("\n") != len(ids) - 1:  # jieba splits lines on spaces
            raise ValueError("a dictionary word holds a line break")
        return cls(trie, values, lexicon.total, words.encode(_WORDS_CODEC))

    def value(self, piece: str) -> float:
        key_id = self._get(piece)
        return _ABSENT if key_id is None else self._values[key_id]

    def frequencies(self) -> dict[str, int]:
        return dict(zip(*self.entries(), strict=True))

    def entries(self) -> tuple[list[str], list[int]]:
        """Every word and its frequency, in key-id order: the words from the word list (a
        fraction of the time the trie takes to spell them), the frequencies from the values."""
        values = np.frombuffer(self._values, np.float64)
        # exact: log P keeps 15 digits
        freqs = np.rint(np.exp(values[_word_ids(values)] + log(self.total))).astype(np.int64)
        words = self._words.decode(_WORDS_CODEC).split("\n") if self._words else []
        return words, freqs.tolist()

    def to_bytes(self, key: bytes) -> bytes:
        """The cache file's content: header, trie, values (little-endian doubles), words."""
        values = array("d", self._values)
        if sys.byteorder == "big":  # pragma: no cover - no such machine here
            values.byteswap()
        trie: bytes = self._trie.tobytes()
        fields = _FIELDS.pack(_MAGIC, key, self.total, len(trie), len(values), len(self._words))
        payload = trie + values.tobytes() + self._words
        return fields + _CRC.pack(zlib.crc32(payload, zlib.crc32(fields))) + payload

    @classmethod
    def from_bytes(cls, data: bytes, key: bytes) -> Dictionary | str:
        """The dictionary in a cache file's content, or why it cannot be used."""
        if len(data) < _HEADER_SIZE:
            return "truncated"
        magic, found, total, trie_size, count, words_size = _FIELDS.unpack_from(data)
        if magic != _MAGIC:
            return "not a dictionary file"
        if found != key:
            return "stale (jieba's dictionary, the user dictionary or the format changed)"
        if len(data) != _HEADER_SIZE + trie_size + 8 * count + words_size:
            return "truncated"
        view = memoryview(data)
        payload = view[_HEADER_SIZE:]
        (crc,) = _CRC.unpack_from(data, _FIELDS.size)
        if zlib.crc32(payload, zlib.crc32(view[: _FIELDS.size])) != crc:
            return "corrupt (CRC mismatch)"
        try:
            trie = marisa_trie.Trie().frombytes(bytes(payload[:trie_size]))
        except Exception as exc:  # marisa's own check of its format
            return f"corrupt ({exc})"
        values = array("d")
        values.frombytes(payload[trie_size : trie_size + 8 * count])
        if sys.byteorder == "big":  # pragma: no cover - no such machine here
            values.byteswap()
        if len(trie) != count:
            return "corrupt (key count)"
        words = bytes(payload[trie_size + 8 * count :])
        if len(words) % 2 or _lines(words) != len(_word_ids(values)):
            return "corrupt (word count)"
        return cls(trie, values, total, words)


def _word_ids(values: array[float] | np.ndarray) -> np.ndarray:
    """Key ids of the words (not prefixes), in order."""
    return np.flatnonzero(np.frombuffer(values, np.float64) < 0.0)


def _lines(words: bytes) -> int:
    """Lines of a UTF-16 word list (a line break is one code unit, never part of another)."""
    return int(np.count_nonzero(np.frombuffer(words, "<u2") == 0x0A)) + 1 if words else 0


def load_dictionary(cache_dir: Path, userdict: Path | None) -> Dictionary:
    """jieba's dictionary with ``userdict``, from ``cache_dir``; built there if need be."""
    with _INIT_LOCK:
        key = dictionary_key(userdict)
        path = cache_dir / DICTIONARY_FILE
        try:
            found = Dictionary.from_bytes(path.read_bytes(), key)
        except FileNotFoundError:
            found = "missing"
        except OSError as exc:
            found = f"unreadable ({exc})"
        if isinstance(found, Dictionary):
            return found
        logger.info("building the segmentation dictionary %s: %s", path, found)
        data = Dictionary.build(JiebaLexicon(jieba_tokenizer(cache_dir, userdict))).to_bytes(key)
        try:
            write_atomic(path, data)
        except OSError as exc:  # still usable: built again at the next start
            logger.warning("cannot write %s: %s", path, exc)
        built = Dictionary.from_bytes(data, key)
        assert isinstance(built, Dictionary)
        return built


def dictionary_key(userdict: Path | None) -> bytes:
    """What the dictionary file is built from: jieba's dictionary, ours, the format."""
    digest = hashlib.blake2b(f"{FORMAT} {USER_FREQ}\n".encode(), digest_size=32)
    digest.update(_jieba_dictionary().read_bytes())
    digest.update(b"\0")
    if userdict is not None:
        digest.update(userdict.read_bytes())
    return digest.digest()


def _jieba_dictionary() -> Path:
    """jieba's ``dict.txt``, found without importing jieba."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("jieba")
    return Path(next(iter(spec.submodule_search_locations))) / "dict.txt"


def jieba_tokenizer(cache_dir: Path | None, userdict: Path | None) -> Any:
    """A new, initialised jieba tokenizer with ``userdict``; its cache in ``cache_dir`` (None:
    where jieba keeps it by itself, for a caller without a data directory)."""
    jieba = _import_jieba()
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    if cache_dir is not None:
        ensure_dir(cache_dir)
        tokenizer.tmp_dir = str(cache_dir)
        tokenizer.cache_file = CACHE_FILE
    tokenizer.initialize()
    for word, freq, tag in read_userdict(userdict) if userdict is not None else []:
        if freq is None:
            freq = max(USER_FREQ, tokenizer.suggest_freq(word, False))
        tokenizer.add_word(word, freq, tag)
    return tokenizer


def _import_jieba() -> Any:
    # jieba 0.42 imports pkg_resources (deprecated in recent setuptools) and has invalid escape
    # sequences that warn when its sources are compiled; tests turn warnings into errors.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*pkg_resources", category=DeprecationWarning)
        warnings.filterwarnings("ignore", message=".*pkg_resources", category=UserWarning)
        warnings.filterwarnings("ignore", module="pkg_resources", category=DeprecationWarning)
        warnings.filterwarnings("ignore", message="invalid escape", category=SyntaxWarning)
        warnings.filterwarnings("ignore", message="invalid escape", category=DeprecationWarning)
        import jieba
    return jieba


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


def as_lexicon(dictionary: Any) -> Lexicon:
    """A ``Dictionary`` or ``JiebaLexicon`` as it is; an initialised jieba tokenizer wrapped."""
    if isinstance(dictionary, Dictionary | JiebaLexicon):
        return dictionary
    return JiebaLexicon(dictionary)


class Cutter(Protocol):
    """What we use of ``rjieba.Jieba`` (jieba-rs)."""

    def cut(self, text: str, hmm: bool) -> list[str]:
        """Precise-mode words of a text."""

    def add_word(self, word: str, freq: int | None, tag: str | None) -> int:
        """Add a word, or set its frequency; returns the frequency."""


def rust_cutter(lexicon: Lexicon) -> Callable[[str], list[str]]:
    """A jieba-rs tokenizer over exactly ``lexicon``'s words, frequencies and total: its
    precise-mode words of a Han run (no HMM) are ``Segmenter.words`` (see the module
    docstring). About 0.3 s for our dictionary."""
    entries, frequencies = lexicon.entries()
    balance = lexicon.total - sum(frequencies)
    if balance < 0:  # jieba's total only grows; cannot happen
        raise ValueError(f"the dictionary's total is {-balance} short of its frequencies")
    cutter: Cutter = _rjieba().Jieba.empty()
    for _ in map(cutter.add_word, entries, frequencies, repeat(None)):
        pass
    if balance:
        cutter.add_word(_BALANCE, balance, None)
    cut = cutter.cut

    def words(run: str) -> list[str]:
        return cut(run, False)

    return words


def _rjieba() -> ModuleType:
    """rjieba's extension module, loaded without the package's ``__init__`` (which builds a
    default tokenizer we never use); the package itself if that fails."""
    found = sys.modules.get("rjieba.rjieba")
    if found is not None:
        return found
    spec = importlib.util.find_spec("rjieba")
    for folder in spec.submodule_search_locations or [] if spec is not None else []:
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            path = Path(folder) / f"rjieba{suffix}"
            if not path.is_file():
                continue
            loader = importlib.machinery.ExtensionFileLoader("rjieba.rjieba", str(path))
            module_spec = importlib.util.spec_from_loader("rjieba.rjieba", loader)
            if module_spec is None:
                continue
            try:
                module = importlib.util.module_from_spec(module_spec)
                loader.exec_module(module)
            except ImportError:
                continue
            sys.modules["rjieba.rjieba"] = module  # a later ``import rjieba`` reuses it
            return module
    return importlib.import_module("rjieba")  # pragma: no cover - another packaging


class Segmenter:
    """Search-mode segmentation of Han runs over a dictionary (see ``as_lexicon``).

    A stop word is dropped with the pieces inside it (进一步 takes 一步 with it).
    """

    def __init__(self, dictionary: Any, stopwords: frozenset[str] = frozenset()) -> None:
        self._stop = stopwords
        self._lexicon = as_lexicon(dictionary)
        self._value = self._lexicon.value
        self._logtotal = log(self._lexicon.total)
        self._logfreq: dict[str, float] = {}  # pieces met so far: log P, _PREFIX or _ABSENT
        self._memo: dict[str, tuple[str, ...]] = {}  # run → search tokens
        self._expansions: dict[str, tuple[str, ...]] = {}  # word → its search tokens
        self._rust: Callable[[str], list[str]] | None = None  # see ``bulk``

    @property
    def _freq(self) -> dict[str, int]:
        """Every word and its frequency (the search benchmark draws words from it)."""
        return self._lexicon.frequencies()

    def bulk(self) -> None:
        """Cut with jieba-rs from now on (same words, 5× faster; its dictionary takes about
        0.3 s to build, once): worth it before segmenting many runs not seen yet."""
        if self._rust is None:
            with _BULK_LOCK:
                if self._rust is None:
                    self._rust = rust_cutter(self._lexicon)

    def forget(self) -> None:
        """Back to the state of a new segmenter: nothing remembered, no Rust cutter."""
        self._logfreq.clear()
        self._memo.clear()
        self._expansions.clear()
        self._rust = None

    def search_tokens(self, run: str) -> tuple[str, ...]:
        """Search tokens of one run of Han characters: each word and the dictionary words
        inside it (a superset of ``jieba.lcut_for_search(run, HMM=False)``)."""
        found = self._memo.get(run)
        if found is None:
            expansions = self._expansions
            words = self.words(run)
            try:  # the words' expansions joined in C; most words have been met before
                found = tuple(chain.from_iterable(map(expansions.__getitem__, words)))
            except KeyError:
                if len(expansions) >= MEMO_LIMIT:
                    expansions.clear()
                for word in words:
                    if word not in expansions:
                        expansions[word] = self._expand(word)
                found = tuple(chain.from_iterable(map(expansions.__getitem__, words)))
            if len(self._memo) >= MEMO_LIMIT:
                self._memo.clear()
            self._memo[run] = found
        return found

    def _expand(self, word: str) -> tuple[str, ...]:
        """A word's search tokens: the dictionary words inside it, then itself; none for a
        stop word. Interned: tokens repeat across runs, so they share one string."""
        if word in self._stop:
            return ()
        pieces = self.pieces(word) if len(word) > 2 else []
        return (*map(sys.intern, pieces), sys.intern(word))

    def words(self, run: str) -> list[str]:
        """Precise-mode words of one run of Han characters (``jieba.lcut(run, HMM=False)``)."""
        rust = self._rust
        if rust is not None and _HAN_ONLY(run):
            return rust(run)
        return self._words(run)

    def _words(self, run: str) -> list[str]:
        """``words`` in Python: the dynamic programme over the prefix dictionary."""
        learned = self._remembered()
        lookup = learned.get
        find = self._value
        logtotal = self._logtotal
        n = len(run)
        score = [0.0] * (n + 1)
        nxt = list(range(1, n + 2))
        for i in range(n - 1, -1, -1):
            best = _NONE
            j = i + 1
            piece = run[i]
            while True:
                value = lookup(piece)
                if value is None:  # first met: ask the dictionary once
                    value = learned[piece] = find(piece)
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
            score[i] = score[i + 1] - logtotal if best == _NONE else best
        out: list[str] = []
        i = 0
        while i < n:
            j = nxt[i]
            out.append(run[i:j])
            i = j
        return out

    def _remembered(self) -> dict[str, float]:
        """The pieces met so far (log P, ``_PREFIX`` or ``_ABSENT``), emptied when full."""
        if len(self._logfreq) >= LEARN_LIMIT:
            self._logfreq.clear()
        return self._logfreq

    def pieces(self, word: str, shortest: int = 2) -> list[str]:
        """Dictionary words inside a word (not the word itself), stop words left out."""
        learned = self._remembered()
        lookup = learned.get
        find = self._value
        stop = self._stop
        size = len(word)
        out: list[str] = []
        for length in range(shortest, size):
            for i in range(size - length + 1):
                piece = word[i : i + length]
                value = lookup(piece)
                if value is None:
                    value = learned[piece] = find(piece)
                if value < 0.0 and piece not in stop:
                    out.append(piece)
        return out
