"""The segmentation dictionary file: built once from jieba, then read without jieba; a damaged
or stale file is rebuilt, never a crash. (Segmentation itself: tests/test_search.py.)"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.search import segment
from bot.search.analysis import CACHE_DIR, USERDICT_FILE
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
    assert found.frequencies() == lexicon.frequencies()


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
    ],
    ids=["empty", "header-only", "short", "long", "flipped-trie", "flipped-value", "garbage",
         "stale", "flipped-total", "shifted-sizes"],
)
def test_a_damaged_or_stale_file_is_refused(cache: Path, damage: Any) -> None:
    data = (cache / DICTIONARY_FILE).read_bytes()
    assert isinstance(Dictionary.from_bytes(data, dictionary_key(USERDICT)), Dictionary)
    assert isinstance(Dictionary.from_bytes(damage(data), dictionary_key(USERDICT)), str)


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
