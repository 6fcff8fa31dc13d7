"""Queries with no good result, kept for admins: what users look for that the library lacks.

A small JSON file in the data directory (``search_misses.json``, ``ensure_ascii=False`` so people
can read it, ``schema_version``), rewritten atomically on every record. Queries are grouped by
their normalised form (繁/简, width and punctuation do not make a new entry); the entry keeps
the latest wording, the count and when it was last seen. At most ``MAX_ENTRIES`` are kept (the
rarest and oldest go first); queries are cut to ``MAX_QUERY_CHARS``.

"No good result" is decided by the caller with ``bot.search.index.is_good``.

One process writes the file (a lock serialises threads). An unreadable file is set aside as
``search_misses.json.bad`` and a new one started: losing statistics must not stop the bot.
"""

from __future__ import annotations

import datetime
import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.search.normalise import normalise
from bot.store.files import set_aside, write_atomic

__all__ = ["MAX_ENTRIES", "MISSES_FILE", "Miss", "MissLog"]


SCHEMA_VERSION = 1
MISSES_FILE = "search_misses.json"
MAX_ENTRIES = 1000
MAX_QUERY_CHARS = 100

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Miss:
    query: str
    count: int
    last_seen: datetime.datetime


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC).replace(microsecond=0)


class MissLog:
    def __init__(
        self, path: Path, clock: Callable[[], datetime.datetime] = _now
    ) -> None:
        self.path = path
        self._clock = clock
        self._lock = threading.Lock()

    def record_miss(self, query: str) -> None:
        """Count one more miss for ``query`` (blank queries are ignored)."""
        text = " ".join(query.split())[:MAX_QUERY_CHARS]
        key = normalise(text).replace(" ", "")
        if not key:
            return
        with self._lock:
            entries = self._read()
            entry = entries.get(key, {"count": 0})
            entries[key] = {
                "query": text,
                "count": int(entry["count"]) + 1,
                "last_seen": self._clock().isoformat(),
            }
            self._write(entries)

    def misses(self, limit: int = 20) -> list[Miss]:
        """The most frequent misses first (then the most recent)."""
        with self._lock:
            entries = self._read()
        ranked = sorted(entries.values(), key=lambda e: (e["count"], e["last_seen"]), reverse=True)
        return [
            Miss(e["query"], int(e["count"]), datetime.datetime.fromisoformat(e["last_seen"]))
            for e in ranked[: max(limit, 0)]
        ]

    def clear(self) -> None:
        with self._lock:
            self._write({})

    def _read(self) -> dict[str, dict[str, Any]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("schema_version") != SCHEMA_VERSION:
                raise ValueError(f"schema_version {data.get('schema_version')!r}")
            entries: dict[str, dict[str, Any]] = data["misses"]
            return entries
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            log.warning("search misses file %s unreadable (%s); starting a new one", self.path, exc)
            set_aside(self.path)
            return {}

    def _write(self, entries: dict[str, dict[str, Any]]) -> None:
        if len(entries) > MAX_ENTRIES:
            ranked = sorted(entries, key=lambda k: (entries[k]["count"], entries[k]["last_seen"]))
            for key in ranked[: len(entries) - MAX_ENTRIES]:
                del entries[key]
        data = {"schema_version": SCHEMA_VERSION, "misses": entries}
        text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        write_atomic(self.path, text.encode("utf-8"))

