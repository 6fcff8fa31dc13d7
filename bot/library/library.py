"""The loaded, validated clause library: topics, clauses by id, variables, eras, lint rules."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from types import MappingProxyType

from bot.library.eras import Eras, LintFile
from bot.library.kinds import PlanKind
from bot.library.models import Clause, ClauseKind, Level, Topic, VarSpec

__all__ = ["Library"]



class Library:
    def __init__(
        self, topics: list[Topic], eras: Eras, lint: LintFile, kinds: list[PlanKind]
    ) -> None:
        self.kinds: dict[str, PlanKind] = {
            k.id: k for k in sorted(kinds, key=lambda k: (k.order, k.id))
        }
        self.topics: dict[str, Topic] = {
            t.id: t for t in sorted(topics, key=lambda t: (t.order, t.id))
        }
        self.eras = eras
        self.lint = lint
        self._clauses: dict[str, tuple[Topic, Clause]] = {
            c.id: (t, c) for t in self.topics.values() for c in t.clauses
        }
        self.vars: dict[str, VarSpec] = {
            name: spec for _, c in self._clauses.values() for name, spec in c.vars.items()
        }
        # the library never changes (an admin's edit makes a new one): answers can be kept
        self._topic_vars: dict[tuple[str, int, Level], Mapping[str, VarSpec]] = {}

    def __len__(self) -> int:
        return len(self._clauses)

    def template_sources(self) -> Iterator[str]:
        """Every text that is rendered as a template: clause titles, texts and their variants',
        and the kinds' title patterns."""
        for clause in self.clauses():
            yield clause.title
            yield clause.text
            for variant in clause.variants:
                yield variant.title or ""
                yield variant.text
        for kind in self.kinds.values():
            yield kind.title

    def kind(self, text: str) -> PlanKind | None:
        """A plan kind by id, name or alias (工作要点, work_points …)."""
        return next((k for k in self.kinds.values() if k.matches(text)), None)

    def kind_topics(self, kind: PlanKind, chosen: Sequence[str] = ()) -> list[Topic]:
        """The topics of a plan of this kind's topic sections, in order (``PlanKind.topic_ids``):
        the kind's fixed topics, or the user's ``chosen`` priorities for the annual kinds."""
        return [self.topics[t] for t in kind.topic_ids(chosen) if t in self.topics]

    def clauses(self) -> Iterator[Clause]:
        for _, clause in self._clauses.values():
            yield clause

    def clause(self, clause_id: str) -> Clause | None:
        found = self._clauses.get(clause_id)
        return found[1] if found else None

    def topic_of(self, clause_id: str) -> Topic | None:
        found = self._clauses.get(clause_id)
        return found[0] if found else None

    def priority_topics(self, year: int | None = None, level: Level | None = None) -> list[Topic]:
        """Topics a user can choose as priority areas, in default plan order; with a year and a
        level, only those with a default task that fits them (高等教育 has none for a county)."""
        topics = [t for t in self.topics.values() if t.priority]
        if year is None or level is None:
            return topics
        return [t for t in topics
                if any(c.default for c in self.fitting(t.id, ClauseKind.TASK, year, level))]

    def fitting(self, topic_id: str, kind: ClauseKind, year: int, level: Level) -> list[Clause]:
        """Clauses of a topic and kind that fit the year and level, in order."""
        topic = self.topics.get(topic_id)
        if topic is None:
            return []
        found = [c for c in topic.clauses if c.kind is kind and c.fits(year, level)]
        return sorted(found, key=lambda c: c.order)

    def topic_vars(self, topic_id: str, year: int, level: Level) -> Mapping[str, VarSpec]:
        """Variables of the topic's default clauses that fit the plan (what to ask the user).

        Asked several times for every update of the dialogue, so kept once computed."""
        key = (topic_id, year, level)
        found = self._topic_vars.get(key)
        if found is None:
            topic = self.topics.get(topic_id)
            out: dict[str, VarSpec] = {}
            for clause in topic.clauses if topic else []:
                if clause.default and clause.fits(year, level):
                    out.update(clause.vars)
            found = self._topic_vars[key] = MappingProxyType(out)
        return found
