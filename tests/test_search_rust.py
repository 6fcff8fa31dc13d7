"""Bulk segmentation with jieba-rs (``Segmenter.bulk``): the same words as the Python dynamic
programme over every shipped text and thousands of varied runs, the same index, the same hits."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.library.library import Library
from bot.search import index as index_module
from bot.search import segment
from bot.search.analysis import Analyzer
from bot.search.evaluate import load_cases
from bot.search.index import BULK_CLAUSES, SearchIndex
from bot.search.normalise import HAN_RUN, normalise, runs
from bot.search.segment import Segmenter, rust_cutter
from tests.search_support import shipped_runs

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ROOT / "snippets"
EVAL = ROOT / "tests" / "data" / "search_eval.yaml"


@pytest.fixture(scope="module")
def analyzer(tmp_path_factory: pytest.TempPathFactory) -> Analyzer:
    return Analyzer.load(SNIPPETS, tmp_path_factory.mktemp("rust-data"))


@pytest.fixture(scope="module")
def segmenter(analyzer: Analyzer) -> Segmenter:
    return analyzer._segmenter


def _varied_runs(segmenter: Segmenter, count: int) -> list[str]:
    """Runs made of dictionary words, their halves and stray characters (common, rare,
    extension A, the end of the Han block), 1 to 60 characters long."""
    rng = random.Random(4)
    words = sorted(w for w in segmenter._freq if HAN_RUN.fullmatch(w))
    strays = [chr(rng.randrange(0x4E00, 0xA000)) for _ in range(200)]
    strays += [chr(rng.randrange(0x3400, 0x4DC0)) for _ in range(50)]
    strays += ["\u3400", "\u4dbf", "\u4e00", "\u9fa5", "\u9fd5", "\u9fd6", "\u9fff"]
    out: list[str] = []
    for _ in range(count):
        parts: list[str] = []
        size = rng.randrange(1, 61)
        while sum(map(len, parts)) < size:
            pick = rng.random()
            word = rng.choice(words)
            parts.append(word if pick < 0.6 else word[: len(word) // 2 or 1] if pick < 0.8
                         else rng.choice(strays))
        out.append("".join(parts)[:size])
    return out


def test_rust_words_are_the_python_words(library: Library, segmenter: Segmenter) -> None:
    rust = rust_cutter(segmenter._lexicon)
    shipped = shipped_runs(library)
    varied = _varied_runs(segmenter, 5000)
    assert len(shipped) > 5000
    for run in shipped + varied:
        assert rust(run) == segmenter._words(run), run


def test_the_rust_dictionary_has_our_total(segmenter: Segmenter) -> None:
    """Our user dictionary overwrites some of jieba's words: jieba's total keeps their old
    frequencies, so the Rust dictionary needs the balancing entry."""
    lexicon = segmenter._lexicon
    assert lexicon.total > sum(lexicon.frequencies().values())
    rust = rust_cutter(lexicon)
    assert rust(segment._BALANCE) == [segment._BALANCE]  # a word there, in no run
    assert not any(segment._BALANCE in run for run in runs(normalise(f"教育{segment._BALANCE}")))


def test_rust_words_over_a_jieba_tokenizer_are_jiebas(jieba_tokenizer: Any) -> None:
    plain = Segmenter(jieba_tokenizer)
    bulk = Segmenter(jieba_tokenizer)
    bulk.bulk()
    for run in [*_varied_runs(plain, 500), "全面推进县域义务教育优质均衡", "我们中出了一个叛徒"]:
        expected = jieba_tokenizer.lcut(run, HMM=False)
        assert bulk.words(run) == plain.words(run) == expected, run


def test_a_bulk_segmenter_gives_the_same_tokens_and_index(
    library: Library, analyzer: Analyzer
) -> None:
    python = SearchIndex.build(library, analyzer)
    assert analyzer._segmenter._rust is None  # the shipped library: no bulk
    assert sum(len(t.clauses) for t in library.topics.values()) < BULK_CLAUSES
    bulk = Analyzer(analyzer._segmenter._lexicon, analyzer.stopwords, analyzer.synonyms)
    bulk.bulk()
    assert bulk._segmenter._rust is not None
    rust = SearchIndex.build(library, bulk)
    for run in shipped_runs(library):
        assert bulk._segmenter.search_tokens(run) == analyzer._segmenter.search_tokens(run)
    assert rust._vocab.keys() == python._vocab.keys()
    for term in python._vocab:
        docs, impacts = python.postings(term)
        rust_docs, rust_impacts = rust.postings(term)
        assert docs.tolist() == rust_docs.tolist() and impacts.tolist() == rust_impacts.tolist()
    for case in load_cases(EVAL):
        assert rust.search(case.query, limit=20) == python.search(case.query, limit=20)


def test_forget_drops_memos_and_the_rust_cutter(analyzer: Analyzer) -> None:
    fresh = Analyzer(analyzer._segmenter._lexicon, analyzer.stopwords)
    fresh.bulk()
    fresh.tokens("全面推进县域义务教育优质均衡")
    fresh.keyword_tokens(["双减"])
    fresh.forget()
    seg = fresh._segmenter
    assert (seg._rust, seg._memo, seg._logfreq, seg._expansions, fresh._keywords) == (
        None, {}, {}, {}, {},
    )


def test_a_rebuild_reuses_the_rust_cutter(
    library: Library, analyzer: Analyzer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An admin edit rebuilds the index with the same analyzer: the Rust cutter is built once
    (a new one only after ``forget``), and it is built from the dictionary's word list, without
    spelling the words out of the trie."""
    made: list[object] = []

    def counted(lexicon: Any) -> Any:
        made.append(lexicon)
        return rust_cutter(lexicon)

    def no_trie(*args: object) -> None:
        raise AssertionError("the words were spelt out of the trie")

    lexicon = analyzer._segmenter._lexicon
    assert isinstance(lexicon, segment.Dictionary)
    monkeypatch.setattr(index_module, "BULK_CLAUSES", 1)
    monkeypatch.setattr(segment, "rust_cutter", counted)
    monkeypatch.setattr(lexicon, "_trie", type("NoTrie", (), {"restore_key": no_trie})())
    fresh = Analyzer(lexicon, analyzer.stopwords, analyzer.synonyms)
    first = SearchIndex.build(library, fresh)
    second = SearchIndex.build(library, fresh)
    assert made == [lexicon] and fresh._segmenter._rust is not None
    assert second._vocab == first._vocab
    fresh.forget()
    SearchIndex.build(library, fresh)
    assert made == [lexicon, lexicon]


def test_bulk_loads_the_extension_without_rjiebas_default_tokenizer() -> None:
    script = (
        "import sys; from bot.search.segment import _rjieba; "
        "module = _rjieba(); print(module.__name__, 'rjieba' in sys.modules); "
        "import rjieba; print(rjieba.Jieba is module.Jieba)"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.split() == ["rjieba.rjieba", "False", "True"]
