"""Helpers for the admins' chat tests: an engine with a library service over the tests' library
(owner 1; admins are added by the tests), a search index on its own jieba tokenizer, and a
snapshot of everything the admin tests must see unchanged after a refusal."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.app import follow
from bot.curation import (
    AdminRegistry,
    AuditLog,
    LibraryService,
    RevisionLog,
    UsageStats,
    library_dump,
    sample_region,
)
from bot.dialogue.engine import Engine
from bot.search import Analyzer, MissLog, SearchService
from bot.search.segment import jieba_tokenizer
from bot.store import Store, memory_store
from tests.admin_support import FakeClock, files_under
from tests.chat import TEST_LIBRARY, TODAY, Chat, messages, small_library

OWNER, ADMIN, USER = 1, 2, 3


def library_service(data_dir: Path, clock: FakeClock | None = None) -> LibraryService:
    clock = clock or FakeClock()
    audit = AuditLog(data_dir, clock)
    return LibraryService(
        small_library(),
        RevisionLog(data_dir),
        AdminRegistry(data_dir, frozenset({OWNER}), audit, clock),
        audit,
        UsageStats(data_dir, clock),
        snippets_dir=TEST_LIBRARY,
        sample_region=sample_region(TEST_LIBRARY),
        clock=clock,
    )


def own_analyzer(cache_dir: Path) -> Analyzer:
    """An analyzer on its own jieba tokenizer: jieba's global one belongs to test_search.
    Tests take the session's one, the ``admin_analyzer`` fixture (tests/conftest.py)."""
    return Analyzer(own_tokenizer(cache_dir))


def own_tokenizer(cache_dir: Path) -> Any:
    """A jieba tokenizer of the tests' own, initialised (the ``jieba_tokenizer`` fixture);
    imported the way the bot imports jieba (its import-time warnings silenced)."""
    return jieba_tokenizer(cache_dir, None)


def admin_engine(
    data_dir: Path,
    *,
    analyzer: Analyzer | None = None,
    store: Store | None = None,
    service: LibraryService | None = None,
    **options: Any,
) -> Engine:
    """The tests' engine with a library service (and a search index if ``analyzer``)."""
    service = service or library_service(data_dir)
    search = None
    if analyzer is not None:
        search = SearchService(analyzer, service.library, MissLog(data_dir / "misses.json"))
        follow(service, search)
    return Engine(service.library, store or memory_store(), messages(), clock=lambda: TODAY,
                  raise_errors=True, curation=service, search=search, **options)


def service_of(engine: Engine) -> LibraryService:
    service = engine.deps.curation
    assert service is not None
    return service


def snapshot(engine: Engine, data_dir: Path) -> tuple[object, ...]:
    """What a refused action must leave as it was: files, library, revision, drafts."""
    service = service_of(engine)
    drafts = {uid: [d.model_dump() for d in engine.deps.store.drafts.list_for(uid)]
              for uid in (OWNER, ADMIN, USER)}
    return files_under(data_dir), library_dump(service.library), service.revision, drafts


class Admin(Chat):
    """A user of the admin tests (any user id: owner, admin or not)."""

    def file(self, name: str, content: bytes) -> None:
        self._send(kind="file", file_name=name, file_bytes=content)

    def documents(self) -> list[tuple[str, bytes]]:
        return [(d.filename, d.content) for r in self.replies for d in r.documents]
