"""The audit log: one JSON line per admin action, appended, never rewritten.

``<data_dir>/audit/audit-YYYY-MM.jsonl`` (UTC month; ``ensure_ascii=False`` so people can read
it). Each line: ``schema_version``, ``at``, ``actor`` (``user:<id>`` or ``cli:<name>``),
``actor_id``, ``action``, ``target``, ``before``, ``after``. A line is written with one
``write`` on a descriptor opened with ``O_APPEND`` and then ``fsync``-ed, so lines from several
threads or processes never interleave and a crash loses at most the line being written.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from bot.store.files import append_atomic

SCHEMA_VERSION = 1
AUDIT_DIR = "audit"
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


class AuditEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: int = SCHEMA_VERSION
    at: datetime
    actor: str
    actor_id: int | None
    action: str
    target: str
    before: Any = None
    after: Any = None


class AuditLog:
    def __init__(self, data_dir: Path, clock: Clock = utc_now) -> None:
        self.directory = data_dir / AUDIT_DIR
        self._clock = clock

    def record(
        self,
        *,
        actor: str,
        actor_id: int | None,
        action: str,
        target: str,
        before: Any = None,
        after: Any = None,
    ) -> AuditEntry:
        entry = AuditEntry(at=self._clock(), actor=actor, actor_id=actor_id, action=action,
                           target=target, before=before, after=after)
        self._append(entry)
        return entry

    def _append(self, entry: AuditEntry) -> None:
        line = json.dumps(entry.model_dump(mode="json"), ensure_ascii=False) + "\n"
        append_atomic(self.directory / f"audit-{entry.at:%Y-%m}.jsonl", line.encode("utf-8"))

    def entries(self) -> list[AuditEntry]:
        """Every entry, oldest first (for tests and for an admin reading the log)."""
        out: list[AuditEntry] = []
        for path in sorted(self.directory.glob("audit-*.jsonl")):
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    out.append(AuditEntry.model_validate_json(line))
        return out
