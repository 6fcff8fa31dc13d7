"""Usage statistics for /admin_stats, and the append-only logs under concurrency."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.curation import AuditLog, LibraryService, NewClause, UsageEvent, UsageStats
from bot.errors import ConflictError
from bot.library.models import ClauseKind
from bot.search.misses import Miss
from tests.admin_support import ADMIN, OWNER, FakeClock, make_service


def test_stats_summary_counts_and_labels(tmp_path: Path) -> None:
    clock = FakeClock()
    service = make_service(tmp_path, clock)
    usage = service.usage
    usage.record(UsageEvent.INSERTED, "preschool.supply", "preschool.quality", "party.heading")
    usage.record(UsageEvent.INSERTED, "preschool.supply")
    usage.record(UsageEvent.SWAPPED_AWAY, "preschool.quality")
    usage.record(UsageEvent.EDITED, "preschool.supply")
    usage.record(UsageEvent.EDITED, "gone.clause")
    usage.record_draft(["preschool", "party"])
    usage.record_draft(["preschool"])
    usage.record(UsageEvent.INSERTED)  # nothing to count
    miss = Miss("高等教育", 3, clock())
    stats = service.stats_summary(OWNER, [miss], limit=2)
    supply = service.library.clause("preschool.supply")
    assert supply is not None
    assert [(c.id, c.count) for c in stats.inserted] == [
        ("preschool.supply", 2), ("party.heading", 1)]
    assert stats.inserted[0].label == supply.title
    assert [(c.id, c.count) for c in stats.swapped_away] == [("preschool.quality", 1)]
    assert [(c.id, c.label) for c in stats.edited] == [
        ("gone.clause", ""), ("preschool.supply", supply.title)]
    assert [(c.id, c.label, c.count) for c in stats.drafts_per_topic] == [
        ("preschool", "学前教育", 2), ("party", service.library.topics["party"].name, 1)]
    assert stats.misses == [miss]


def test_counts_since_a_date_and_bad_lines(tmp_path: Path) -> None:
    clock = FakeClock()
    usage = UsageStats(tmp_path, clock)
    usage.record(UsageEvent.INSERTED, "a.x")
    clock.advance(days=40)
    usage.record(UsageEvent.INSERTED, "a.y")
    with (usage.directory / f"usage-{clock():%Y-%m}.jsonl").open("a") as handle:
        handle.write("{broken\n" + json.dumps({"event": "nope", "ids": []}) + "\n")
    assert sorted(usage.counts()[UsageEvent.INSERTED]) == ["a.x", "a.y"]
    since = datetime(2025, 4, 1, tzinfo=UTC)
    assert list(usage.counts(since)[UsageEvent.INSERTED]) == ["a.y"]


def test_recording_never_raises(tmp_path: Path) -> None:
    blocker = tmp_path / "stats"
    blocker.write_text("a file where the directory should be")
    UsageStats(tmp_path).record(UsageEvent.EDITED, "a.x")  # logged, not raised


def test_audit_lines_from_many_threads_never_interleave(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path)
    big = "条" * 5000

    def write(n: int) -> None:
        for i in range(20):
            audit.record(actor=f"user:{n}", actor_id=n, action="test", target=str(i),
                         before={"text": big}, after=None)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    entries = audit.entries()
    assert len(entries) == 160 and all(e.before == {"text": big} for e in entries)


def test_concurrent_admins_never_share_a_revision_number(tmp_path: Path) -> None:
    """Several services (as processes) on one data directory apply at the same time."""
    services = [make_service(tmp_path) for _ in range(6)]
    services[0].add_admin(OWNER, ADMIN)
    outcomes: list[str] = []

    def act(n: int, service: LibraryService) -> None:
        new = NewClause(topic="preschool", kind=ClauseKind.TASK, title=f"条款{n}",
                        text="{{ scope }}推进工作。", id=f"preschool.concurrent_{n}")
        try:
            service.add_clause(ADMIN, new)
            outcomes.append("applied")
        except ConflictError:
            outcomes.append("conflict")

    threads = [threading.Thread(target=act, args=(n, s)) for n, s in enumerate(services)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    applied = outcomes.count("applied")
    assert applied >= 1 and len(outcomes) == 6
    final = make_service(tmp_path)
    assert final.revision == applied
    assert [r.number for r in final.history(OWNER, limit=50)] == list(range(applied, 0, -1))
    added = [c.id for c in final.library.clauses() if c.id.startswith("preschool.concurrent_")]
    assert len(added) == applied


@pytest.mark.parametrize("event", list(UsageEvent))
def test_every_event_round_trips(tmp_path: Path, event: UsageEvent) -> None:
    usage = UsageStats(tmp_path)
    usage.record(event, "x.y")
    assert usage.counts()[event]["x.y"] == 1
