"""Shared fixtures: the shipped library (loaded once) and paths."""

from __future__ import annotations

from pathlib import Path

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
def admin_analyzer(tmp_path_factory: pytest.TempPathFactory) -> Analyzer:
    """A search analyzer on its own jieba tokenizer (jieba's global one belongs to test_search),
    built once: the admin tests' search index."""
    from tests.admin_chat import own_analyzer

    return own_analyzer(tmp_path_factory.mktemp("jieba"))
