"""Helpers for the /clause and inline tests: a search analyzer with the tests' library's search
data (its neutral region, synonyms) on the tests' own jieba tokenizer, and engines over it."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

from bot.app import follow
from bot.curation import (
    AdminRegistry,
    AuditLog,
    LibraryService,
    RevisionLog,
    UsageStats,
    sample_region,
)
from bot.dialogue.engine import Engine
from bot.dialogue.types import Event, EventKind, InlineAnswer
from bot.library.library import Library
from bot.library.loader import load_library
from bot.search import Analyzer, MissLog, SearchService
from bot.search.analysis import SEARCH_FILE, SYNONYMS_FILE, SearchFile, SynonymFile, synonym_map
from bot.store import Store, memory_store
from tests.admin_chat import OWNER, library_service
from tests.admin_support import FakeClock
from tests.chat import TEST_LIBRARY, TODAY, messages

# A clause for plans up to 2020 only (the drafts of the tests are for 2026).
OLD_CLAUSE = """
  - id: preschool.third_plan
    kind: task
    title: 实施第三期学前教育行动计划
    text: 落实第三期学前教育行动计划，{{ scope }}新增普惠性学位。
    years: [2017, 2020]
    order: 40
"""


def library_analyzer(tokenizer: Any, directory: Path = TEST_LIBRARY) -> Analyzer:
    """The analyzer ``Analyzer.load`` would make of ``directory``, on ``tokenizer``."""
    config = SearchFile.model_validate(_yaml(directory / SEARCH_FILE))
    synonyms = SynonymFile.model_validate(_yaml(directory / SYNONYMS_FILE))
    return Analyzer(tokenizer, config.stopwords, synonym_map(synonyms), config.neutral_region)


def _yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def clause_engine(
    data_dir: Path,
    analyzer: Analyzer,
    *,
    library: Library | None = None,
    store: Store | None = None,
    **options: Any,
) -> Engine:
    """The tests' engine with a library service and a search index kept up to date."""
    service = library_service(data_dir) if library is None else _service(data_dir, library)
    search = SearchService(analyzer, service.library, MissLog(data_dir / "misses.json"))
    follow(service, search)
    return Engine(service.library, store or memory_store(), messages(), clock=lambda: TODAY,
                  raise_errors=True, curation=service, search=search, **options)


def _service(data_dir: Path, library: Library) -> LibraryService:
    clock = FakeClock()
    audit = AuditLog(data_dir, clock)
    return LibraryService(
        library, RevisionLog(data_dir), AdminRegistry(data_dir, frozenset({OWNER}), audit, clock),
        audit, UsageStats(data_dir, clock), snippets_dir=TEST_LIBRARY,
        sample_region=sample_region(TEST_LIBRARY), clock=clock,
    )


def library_with_old_clause(directory: Path) -> Library:
    """The tests' library plus ``preschool.third_plan`` (plans of 2017–2020 only)."""
    shutil.copytree(TEST_LIBRARY, directory)
    topic = directory / "preschool.yaml"
    topic.write_text(topic.read_text(encoding="utf-8") + OLD_CLAUSE, encoding="utf-8")
    return load_library(directory)


def inline(engine: Engine, text: str, offset: str = "", user_id: int = 5) -> InlineAnswer:
    event = Event(user_id=user_id, chat_id=user_id, kind=EventKind.INLINE, text=text,
                  offset=offset)
    return engine.inline(event)
