"""Shared fixtures: the shipped library (loaded once) and paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.library.library import Library
from bot.library.loader import load_library

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ROOT / "snippets"


@pytest.fixture(scope="session")
def library() -> Library:
    return load_library(SNIPPETS)
