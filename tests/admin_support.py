"""Helpers for the library-curation tests: a service on a temporary data directory."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

from bot.compose.context import Region
from bot.curation import (
    AdminRegistry,
    AuditLog,
    LibraryService,
    RevisionLog,
    UsageStats,
    library_dump,
    sample_region,
)
from bot.library.library import Library
from bot.library.loader import load_library

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ROOT / "snippets"
OWNER, ADMIN, STRANGER = 1, 2, 3


class FakeClock:
    def __init__(self) -> None:
        self.now = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@cache
def base_library() -> Library:
    return load_library(SNIPPETS)


@cache
def region() -> Region:
    return sample_region(SNIPPETS)


def make_service(data_dir: Path, clock: FakeClock | None = None) -> LibraryService:
    """Owner 1; no other admin until a test adds one."""
    clock = clock or FakeClock()
    audit = AuditLog(data_dir, clock)
    return LibraryService(
        base_library(),
        RevisionLog(data_dir),
        AdminRegistry(data_dir, frozenset({OWNER}), audit, clock),
        audit,
        UsageStats(data_dir, clock),
        snippets_dir=SNIPPETS,
        sample_region=region(),
        clock=clock,
    )


def dump(library: Library) -> dict[str, object]:
    return library_dump(library)


def files_under(directory: Path) -> dict[str, bytes]:
    """Every file under ``directory`` (except lock files) with its content."""
    return {
        str(p.relative_to(directory)): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file() and not p.name.endswith(".lock")
    }


def topic_text(topic: str, clauses: str, name: str = "x") -> bytes:
    """A topic file with the given (indented) clause entries."""
    return f"schema_version: 1\ntopic: {topic}\nname: {name}\nclauses:\n{clauses}".encode()
