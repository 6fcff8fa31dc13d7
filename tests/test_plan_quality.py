"""Whole plans as the office's reviewer reads them: every kind, 市/县/区/省, the years that matter.

The checks are tests/plan_quality.py's (``python -m tests.plan_quality`` prints the same report):
an annual plan with every priority has 6–9 thematic sections and 30–50 items; no section is a bare
heading; no passage of 15 characters is said twice (fixed 提法 aside); the level's addressees are
there and other levels' words are not; every listed title stands in 书名号.
"""

from __future__ import annotations

import pytest

from bot.compose.assemble import PlanRequest, assemble_plan
from bot.compose.plan import SectionRole
from bot.errors import InputError
from bot.library.library import Library
from bot.library.models import Level
from tests.plan_quality import PLACES, YEARS, plan_for, problems, region, top_sections

KINDS = ("work_points", "work_plan", "talent_plan", "safety_plan", "summer_plan")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("level", list(PLACES))
def test_whole_plans_read_as_a_reviewer_wants(library: Library, kind: str, level: Level) -> None:
    if not library.kinds[kind].fits(level):
        with pytest.raises(InputError) as refused:
            plan_for(library, kind, level, 2025)
        assert refused.value.message_id == "kind_level"
        return
    found = {
        year: list(problems(library, plan_for(library, kind, level, year), kind, level))
        for year in YEARS
    }
    assert {year: p for year, p in found.items() if p} == {}


@pytest.mark.parametrize("level", [Level.CITY, Level.COUNTY, Level.DISTRICT])
def test_five_priorities_make_a_focused_plan(library: Library, level: Level) -> None:
    topics = ["party", "preschool", "teachers", "safety", "digital"]
    request = PlanRequest(region=region(level), year=2025, topics=topics)
    plan = assemble_plan(request, library)
    everything = plan_for(library, "work_points", level, 2025)
    assert len(top_sections(plan)) == 5 < len(top_sections(everything))
    assert sum(top_sections(plan)) >= 20  # each chosen topic has room
    assert sorted(plan.topic_ids()) == sorted(topics)  # in the kind's thematic order


def test_one_section_per_topic_stays_an_option(library: Library) -> None:
    topics = [t.id for t in library.priority_topics(2025, Level.COUNTY)]
    request = PlanRequest(region=region(Level.COUNTY), year=2025, topics=topics, layout="topics")
    plan = assemble_plan(request, library)
    assert [s.id for s in plan.sections if s.role is SectionRole.TOPIC] == topics
