"""How the library is used, for curators (/admin_stats): counters recorded by the dialogue.

    usage = UsageStats(settings.data_dir)
    usage.record(UsageEvent.INSERTED, *clause_ids)   # clauses put into a draft
    usage.record(UsageEvent.SWAPPED_AWAY, clause_id) # replaced by another clause or removed
    usage.record(UsageEvent.EDITED, clause_id)       # its text edited by hand
    usage.record_draft(topic_ids)                    # a new draft, with its priority areas

One JSON line per call in ``<data_dir>/stats/usage-YYYY-MM.jsonl`` (one ``O_APPEND`` write, so
processes need no lock); read and added up only when an admin asks. Recording never raises:
losing a count must not stop a user's draft.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from bot.curation._audit import Clock, utc_now
from bot.library.library import Library
from bot.search.misses import Miss
from bot.store.files import append_atomic

SCHEMA_VERSION = 1
STATS_DIR = "stats"
log = logging.getLogger(__name__)


class UsageEvent(StrEnum):
    INSERTED = "inserted"
    SWAPPED_AWAY = "swapped_away"
    EDITED = "edited"
    DRAFT = "draft"  # ids are the topic ids of a new draft


class UsageStats:
    def __init__(self, data_dir: Path, clock: Clock = utc_now) -> None:
        self.directory = data_dir / STATS_DIR
        self._clock = clock

    def record(self, event: UsageEvent, *ids: str) -> None:
        if not ids:
            return
        at = self._clock()
        line = {"v": SCHEMA_VERSION, "at": at.isoformat(), "event": event.value, "ids": list(ids)}
        data = (json.dumps(line, ensure_ascii=False) + "\n").encode("utf-8")
        try:
            append_atomic(self.directory / f"usage-{at:%Y-%m}.jsonl", data)
        except OSError:
            log.exception("usage statistics not recorded")

    def record_draft(self, topic_ids: Iterable[str]) -> None:
        self.record(UsageEvent.DRAFT, *topic_ids)

    def counts(self, since: datetime | None = None) -> dict[UsageEvent, Counter[str]]:
        """Counts by event and id, from ``since`` on (all when None); bad lines are skipped."""
        out: dict[UsageEvent, Counter[str]] = {event: Counter() for event in UsageEvent}
        for path in sorted(self.directory.glob("usage-*.jsonl")):
            if since is not None and path.stem.removeprefix("usage-") < f"{since:%Y-%m}":
                continue
            for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
                _count_line(line, since, out)
        return out


def _count_line(line: str, since: datetime | None, out: dict[UsageEvent, Counter[str]]) -> None:
    try:
        data = json.loads(line)
        event = UsageEvent(data["event"])
        if since is not None and datetime.fromisoformat(data["at"]) < since:
            return
        out[event].update(str(i) for i in data["ids"])
    except (ValueError, KeyError, TypeError):
        return


@dataclass(frozen=True)
class Count:
    id: str
    label: str  # the clause title or the topic name ("" when the library no longer has it)
    count: int


@dataclass(frozen=True)
class AdminStats:
    """What /admin_stats shows; the dialogue renders it (``prompts/screens/admin_stats.j2``)."""

    inserted: list[Count]  # most inserted clauses
    swapped_away: list[Count]  # most often swapped away
    edited: list[Count]  # most often edited by hand
    misses: list[Miss]  # search queries that found nothing good
    drafts_per_topic: list[Count]
    since: datetime | None


def summarise_usage(
    counts: dict[UsageEvent, Counter[str]],
    library: Library,
    misses: Sequence[Miss],
    limit: int = 10,
    since: datetime | None = None,
) -> AdminStats:
    def clauses(event: UsageEvent) -> list[Count]:
        return [Count(i, _clause_label(library, i), n) for i, n in _top(counts[event], limit)]

    topics = [
        Count(i, library.topics[i].name if i in library.topics else "", n)
        for i, n in _top(counts[UsageEvent.DRAFT], len(counts[UsageEvent.DRAFT]))
    ]
    return AdminStats(
        inserted=clauses(UsageEvent.INSERTED),
        swapped_away=clauses(UsageEvent.SWAPPED_AWAY),
        edited=clauses(UsageEvent.EDITED),
        misses=list(misses[:limit]),
        drafts_per_topic=topics,
        since=since,
    )


def _top(counter: Counter[str], limit: int) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))[:limit]


def _clause_label(library: Library, clause_id: str) -> str:
    clause = library.clause(clause_id)
    return clause.title if clause is not None else ""
