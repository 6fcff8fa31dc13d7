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


# -- PostgreSQL ---------------------------------------------------------------------------------
# `make test` and .ci/run start a throwaway server (tests/pg_cluster.py) and set
# PLANBOT_TEST_DATABASE_URL: then these tests run, and fail if the server cannot be reached.
# Without it, a server of our own is started when initdb is installed; otherwise they skip.


@pytest.fixture(scope="session")
def pg_server() -> Any:
    import os

    import psycopg

    from tests.pg_cluster import ENV, Cluster, find_bin

    url = os.environ.get(ENV)
    cluster = None
    if not url:
        bin_dir = find_bin()
        if bin_dir is None:
            pytest.skip(f"no PostgreSQL: set {ENV} or install postgresql (initdb)")
        cluster = Cluster(bin_dir)
        url = cluster.start()
    try:
        with psycopg.connect(url, connect_timeout=10) as conn:
            conn.execute("SELECT 1")
    except psycopg.OperationalError as exc:  # given a server that is not there: fail
        if cluster is not None:
            cluster.stop()
        pytest.fail(f"PostgreSQL at {ENV} is unreachable: {exc}")
    yield url
    if cluster is not None:
        cluster.stop()


@pytest.fixture
def pg_url(pg_server: str) -> Any:
    """A database URL of a schema of this test's own (dropped after it)."""
    import secrets
    from urllib.parse import quote

    import psycopg

    schema = f"t_{secrets.token_hex(6)}"
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}".encode())
    separator = "&" if "?" in pg_server else "?"
    yield f"{pg_server}{separator}options={quote(f'-csearch_path={schema}')}"
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE".encode())
