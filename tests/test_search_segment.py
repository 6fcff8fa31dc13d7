"""The segmentation dictionary file: built once from jieba, then read without jieba; a damaged
or stale file is rebuilt, never a crash. (Segmentation itself: tests/test_search.py.) And
normalisation's NFKC shortcut: the same text as NFKC itself."""

from __future__ import annotations

import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from bot.library.library import Library
from bot.search import normalise as normalise_module
from bot.search import segment
from bot.search.analysis import CACHE_DIR, USERDICT_FILE, plain_text
from bot.search.normalise import fold, normalise
from bot.search.segment import (
    CACHE_FILE,
    DICTIONARY_FILE,
    USER_FREQ,
    Dictionary,
    JiebaLexicon,
    Segmenter,
    dictionary_key,
    jieba_tokenizer,
    load_dictionary,
)

ROOT = Path(__file__).resolve().parent.parent
USERDICT = ROOT / "snippets" / USERDICT_FILE


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache folder with the dictionary file (and jieba's cache) built for the shipped data."""
    folder = tmp_path_factory.mktemp("segment") / CACHE_DIR
    load_dictionary(folder, USERDICT)
    return folder


@pytest.fixture(scope="module")
def reference(cache: Path) -> Any:
    return jieba_tokenizer(cache, USERDICT)


def test_the_file_holds_jiebas_dictionary_entry_for_entry(cache: Path, reference: Any) -> None:
    found = Dictionary.from_bytes((cache / DICTIONARY_FILE).read_bytes(), dictionary_key(USERDICT))
    assert isinstance(found, Dictionary)
    lexicon = JiebaLexicon(reference)
    assert found.total == reference.total
    assert len(found._trie) == len(reference.FREQ)  # words and prefixes, nothing else
    assert all(found.value(key) == lexicon.value(key) for key in reference.FREQ)
    assert found.value("火星探测器者") == lexicon.value("火星探测器者") == segment._ABSENT
    expected = lexicon.frequencies()
    assert found.frequencies() == expected
    words, frequencies = found.entries()  # the word list: the trie's words, in key-id order
    ids = np.flatnonzero(np.frombuffer(found._values, np.float64) < 0.0).tolist()
    assert words == [found._trie.restore_key(i) for i in ids]
    assert frequencies == [expected[w] for w in words]
    assert found.total - sum(frequencies) == reference.total - sum(expected.values())


def test_a_normal_start_reads_the_file_and_never_touches_jieba(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(cache / DICTIONARY_FILE, tmp_path / DICTIONARY_FILE)

    def no_jieba(*args: object) -> None:
        raise AssertionError("jieba was used")

    monkeypatch.setattr(segment, "jieba_tokenizer", no_jieba)
    dictionary = load_dictionary(tmp_path, USERDICT)
    assert Segmenter(dictionary).words("全面推进县域义务教育优质均衡") == [
        "全面", "推进", "县域", "义务教育优质均衡",
    ]


def test_a_started_bot_has_not_imported_jieba(cache: Path, tmp_path: Path) -> None:
    shutil.copytree(cache, tmp_path / CACHE_DIR)
    script = (
        "import sys; from pathlib import Path; from bot.search.analysis import Analyzer; "
        f"Analyzer.load(Path({str(ROOT / 'snippets')!r}), Path({str(tmp_path)!r})); "
        "print('jieba' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.split() == ["False"]


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"",
        lambda data: data[:20],
        lambda data: data[:-1],
        lambda data: data + b"\0",
        lambda data: data[: len(data) // 2] + bytes([data[len(data) // 2] ^ 1]) + data[
            len(data) // 2 + 1 :
        ],
        lambda data: data[:-3] + bytes([data[-3] ^ 0x80]) + data[-2:],
        lambda data: b"x" * len(data),
        lambda data: data[:8] + bytes(32) + data[40:],  # another key: stale
        lambda data: data[:40] + bytes([data[40] ^ 1]) + data[41:],  # total
        lambda data: data[:48]  # trie 8 bytes longer, one value fewer: the same length
        + (int.from_bytes(data[48:56], "little") + 8).to_bytes(8, "little")
        + (int.from_bytes(data[56:64], "little") - 1).to_bytes(8, "little")
        + data[64:],
        lambda data: data[:56]  # one value fewer, the word list 8 bytes longer
        + (int.from_bytes(data[56:64], "little") - 1).to_bytes(8, "little")
        + (int.from_bytes(data[64:72], "little") + 8).to_bytes(8, "little")
        + data[72:],
        lambda data: _flip(data, _values_end(data) - 5),
        lambda data: _flip(data, len(data) - 7),
        lambda data: data[:-2],  # the last word a character shorter
    ],
    ids=["empty", "header-only", "short", "long", "flipped-trie", "flipped-word", "garbage",
         "stale", "flipped-total", "shifted-sizes", "shifted-words", "flipped-value",
         "flipped-last-word", "short-word-list"],
)
def test_a_damaged_or_stale_file_is_refused(cache: Path, damage: Any) -> None:
    data = (cache / DICTIONARY_FILE).read_bytes()
    assert isinstance(Dictionary.from_bytes(data, dictionary_key(USERDICT)), Dictionary)
    assert isinstance(Dictionary.from_bytes(damage(data), dictionary_key(USERDICT)), str)


def _flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x10]) + data[at + 1 :]


def _values_end(data: bytes) -> int:
    """Offset of the word list: after the header, the trie and the values."""
    trie_size, count = int.from_bytes(data[48:56], "little"), int.from_bytes(data[56:64], "little")
    return segment._HEADER_SIZE + trie_size + 8 * count


@pytest.mark.parametrize(
    "words",
    [
        lambda words: words[: words.rindex("\n".encode(segment._WORDS_CODEC))],  # one word fewer
        lambda words: words + "\n教共体".encode(segment._WORDS_CODEC),  # one more
        lambda words: words + b"x",  # half a character
        lambda words: b"",
    ],
    ids=["a-word-fewer", "a-word-more", "odd-size", "no-words"],
)
def test_a_word_list_that_does_not_match_the_values_is_refused(cache: Path, words: Any) -> None:
    """Written by a bug, not damaged on disk (the CRC is right): still refused, and rebuilt."""
    good = Dictionary.from_bytes((cache / DICTIONARY_FILE).read_bytes(), dictionary_key(USERDICT))
    assert isinstance(good, Dictionary)
    bad = Dictionary(good._trie, good._values, good.total, words(good._words))
    found = Dictionary.from_bytes(bad.to_bytes(dictionary_key(USERDICT)), dictionary_key(USERDICT))
    assert found == "corrupt (word count)"


def test_a_file_of_the_previous_format_is_stale_and_rebuilt(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(cache, tmp_path / CACHE_DIR)
    path = tmp_path / CACHE_DIR / DICTIONARY_FILE
    current = path.read_bytes()
    with monkeypatch.context() as patch:  # what the previous format would have keyed
        patch.setattr(segment, "FORMAT", segment.FORMAT - 1)
        old_key = dictionary_key(USERDICT)
    assert old_key != dictionary_key(USERDICT)
    path.write_bytes(current[:8] + old_key + current[40:])
    assert "stale" in str(Dictionary.from_bytes(path.read_bytes(), dictionary_key(USERDICT)))
    dictionary = load_dictionary(tmp_path / CACHE_DIR, USERDICT)  # jieba's cache is there
    assert path.read_bytes() == current
    assert dictionary.entries() == Dictionary.from_bytes(current, dictionary_key(USERDICT))\
        .entries()  # type: ignore[union-attr]


def test_the_key_follows_the_user_dictionary(tmp_path: Path) -> None:
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text("教共体\n", encoding="utf-8")
    second.write_text("教共体 3\n", encoding="utf-8")
    assert dictionary_key(first) != dictionary_key(second) != dictionary_key(None)
    second.write_text("教共体\n", encoding="utf-8")
    assert dictionary_key(first) == dictionary_key(second)


def test_a_truncated_file_is_rebuilt_with_the_user_dictionary(
    cache: Path, tmp_path: Path
) -> None:
    userdict = tmp_path / USERDICT_FILE
    userdict.write_text("# terms\n区块链教育教学 n\n双师课堂 12345\n", encoding="utf-8")
    folder = tmp_path / CACHE_DIR
    folder.mkdir()
    shutil.copy(cache / CACHE_FILE, folder / CACHE_FILE)  # jieba's own: a faster rebuild
    good = (cache / DICTIONARY_FILE).read_bytes()
    (folder / DICTIONARY_FILE).write_bytes(good[: len(good) // 3])
    dictionary = load_dictionary(folder, userdict)
    frequencies = dictionary.frequencies()
    assert frequencies["区块链教育教学"] >= USER_FREQ
    assert frequencies["双师课堂"] == 12345
    assert "县中振兴" not in frequencies  # the shipped user dictionary is not this one
    again = Dictionary.from_bytes((folder / DICTIONARY_FILE).read_bytes(), dictionary_key(userdict))
    assert isinstance(again, Dictionary)
    assert again.frequencies() == frequencies
    assert Segmenter(again).words("推进区块链教育教学") == ["推进", "区块链教育教学"]


def _shipped_texts(library: Library) -> list[str]:
    """Every text the index and the queries normalise: clause texts (raw and as indexed),
    titles, keywords, topic names."""
    texts: list[str] = []
    for topic in library.topics.values():
        texts += [topic.name, *topic.keywords]
        for clause in topic.clauses:
            raw = [clause.text, *(v.text for v in clause.variants)]
            titles = [t for t in (clause.title, *(v.title for v in clause.variants)) if t]
            texts += raw + titles + list(clause.keywords)
            texts += [plain_text("\n".join(raw), clause.vars)]
            texts += [plain_text("\n".join(titles), clause.vars)]
    return texts


def test_fold_is_nfkc_on_every_shipped_text(library: Library) -> None:
    texts = _shipped_texts(library)
    assert sum(len(t) for t in texts) > 100_000
    assert sum(not unicodedata.is_normalized("NFKC", t) for t in texts) > 100  # the shortcut runs
    for text in texts:
        assert fold(text) == unicodedata.normalize("NFKC", text), text
        simplified = normalise_module._converter().convert(unicodedata.normalize("NFKC", text))
        assert normalise(text) == normalise_module._NON_WORD.sub(" ", simplified.lower()).strip()


def test_fold_is_nfkc_next_to_any_combining_or_changing_character() -> None:
    """The replaced characters next to every character that composes, reorders or changes
    under NFKC (combining marks, Hangul jamo, compatibility forms, other full-width forms)."""
    others = [
        chr(cp)
        for cp in range(0x110000)
        if not 0xD800 <= cp < 0xE000
        and (unicodedata.combining(chr(cp)) or not unicodedata.is_normalized("NFKC", chr(cp)))
    ]
    assert len(others) > 5000
    for char, plain in normalise_module._FULL_WIDTH:
        assert unicodedata.normalize("NFKC", char) == plain
        for other in others:
            for text in (char + other, other + char, f"教{char}{other}{char}育"):
                assert fold(text) == unicodedata.normalize("NFKC", text), ascii(text)
