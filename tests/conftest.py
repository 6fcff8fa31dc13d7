"""Shared fixtures: the shipped library (loaded once) and paths."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.library.library import Library
from bot.library.loader import load_library
from bot.search import Analyzer

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ROOT / "snippets"


@pytest.fixture(scope="session")
def library() -> Library:
    return load_library(SNIPPETS)


@pytest.fixture(scope="session")
def jieba_tokenizer(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A jieba tokenizer of the tests' own (jieba's global one belongs to test_search),
    initialised once (about a second)."""
    from tests.admin_chat import own_tokenizer

    return own_tokenizer(tmp_path_factory.mktemp("jieba"))


@pytest.fixture(scope="session")
def admin_analyzer(jieba_tokenizer: Any) -> Analyzer:
    """A search analyzer on the tests' jieba tokenizer: the admin tests' search index."""
    return Analyzer(jieba_tokenizer)


@pytest.fixture(scope="session")
def clause_analyzer(jieba_tokenizer: Any) -> Analyzer:
    """The search analyzer of the tests' library (its neutral region and synonyms) on the
    tests' jieba tokenizer: /clause and inline tests."""
    from tests.clause_support import library_analyzer

    return library_analyzer(jieba_tokenizer)
