"""Search quality on a labelled query set (``tests/data/search_eval.yaml``).

Top-k accuracy: the share of queries with a clause of an acceptable topic among the first k
hits. Also top-1 accuracy and the mean reciprocal rank of the first acceptable hit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from bot.search.index import SearchIndex

__all__ = ["evaluate", "load_cases"]



class EvalCase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    query: str
    topic: str
    also: list[str] = Field(default_factory=list)
    source: str = ""
    script: Literal["simplified", "traditional"] = "simplified"

    @property
    def topics(self) -> set[str]:
        return {self.topic, *self.also}


class EvalFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: Literal[1]
    queries: list[EvalCase]


@dataclass
class EvalReport:
    k: int
    cases: int = 0
    top1: int = 0
    topk: int = 0
    reciprocal: float = 0.0
    failures: list[tuple[EvalCase, list[str]]] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.topk / self.cases if self.cases else 0.0

    @property
    def top1_accuracy(self) -> float:
        return self.top1 / self.cases if self.cases else 0.0

    @property
    def mrr(self) -> float:
        return self.reciprocal / self.cases if self.cases else 0.0


def load_cases(path: Path) -> list[EvalCase]:
    return EvalFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8"))).queries


def evaluate(index: SearchIndex, cases: list[EvalCase], k: int = 5) -> EvalReport:
    report = EvalReport(k=k)
    for case in cases:
        topics = [hit.topic for hit in index.search(case.query, limit=10)]
        rank = next((i for i, t in enumerate(topics) if t in case.topics), None)
        report.cases += 1
        report.top1 += rank == 0
        report.topk += rank is not None and rank < k
        report.reciprocal += 1 / (rank + 1) if rank is not None else 0.0
        if rank is None or rank >= k:
            report.failures.append((case, topics[:k]))
    return report
