"""What the office's reviewer checks in a whole plan, as functions the tests and a report share.

``python -m tests.plan_quality`` prints, for every kind, level and year of the matrix, the plan's
shape and what it gets wrong (the same checks tests/test_plan_quality.py asserts).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

from bot.compose.addressing import addressing
from bot.compose.assemble import PlanRequest, assemble_plan
from bot.compose.gazetteer import resolve_region
from bot.compose.plan import Plan, SectionRole
from bot.compose.region import Region
from bot.compose.review import repeated_passages
from bot.library.library import Library
from bot.library.models import Level
from bot.library.titles import unquoted

YEARS = (2012, 2016, 2019, 2022, 2025, 2026, 2028)
PLACES: dict[Level, str] = {
    Level.CITY: "清远市", Level.COUNTY: "修文县", Level.DISTRICT: "天河区",
    Level.PROVINCE: "广东省",
}
ANNUAL = ("work_points", "work_plan")
SECTIONS = (6, 9)  # thematic top-level sections of an all-priorities annual plan
ITEMS = (30, 50)  # their task items
# Words that belong to one level's plan: whom it addresses and how it names itself.
OWN: dict[Level, tuple[str, ...]] = {
    Level.CITY: ("各县（市、区）", "市直学校"),
    Level.COUNTY: ("各乡镇（街道）", "县直学校"),
    Level.DISTRICT: ("区属学校", "各街道（乡镇）"),
    Level.PROVINCE: ("各市", "高校"),
}
FOREIGN: dict[Level, tuple[str, ...]] = {
    Level.CITY: ("县直学校", "区属学校", "厅直属", "我县", "全县", "我区", "全区", "我省"),
    Level.COUNTY: ("各县（市、区）", "市直学校", "区属学校", "厅直属", "全市", "我市", "我区",
                   "全区", "下一级政府"),
    Level.DISTRICT: ("各县（市、区）", "市直学校", "县直学校", "厅直属", "全市", "我市",
                     "我县", "全县", "下一级政府"),
    Level.PROVINCE: ("市直学校", "县直学校", "区属学校", "我市", "全市", "我县", "全县"),
}


def region(level: Level) -> Region:
    return resolve_region(PLACES[level]).candidates[0]


def plan_for(library: Library, kind: str, level: Level, year: int) -> Plan:
    place = region(level)
    asks = library.kinds[kind].asks_priorities
    topics = [t.id for t in library.priority_topics(year, level)] if asks else []
    request = PlanRequest(region=place, year=year, kind=kind, topics=topics)
    return assemble_plan(request, library)


def fixed_wording(library: Library, plan: Plan) -> list[str]:
    """The era wording, the formulas and the level words (各县（市、区）和市直学校 …)."""
    era = dict(library.eras.lookup(plan.year).wording)
    era.pop("milestone")  # the year's closing aim is said once (a closing line must not echo it)
    words = addressing(plan.region, plan.bureau)
    level = [words.subs, words.sub_bureaus, words.direct_schools, words.schools, words.bureau]
    return [*era.values(), *library.lint.formulas, *level]


def top_sections(plan: Plan) -> list[int]:
    """Item counts of the topic sections (the thematic top-level sections of an annual plan)."""
    return [len(s.items) for s in plan.sections if s.role is SectionRole.TOPIC]


def problems(library: Library, plan: Plan, kind: str, level: Level) -> Iterator[str]:
    counts = top_sections(plan)
    if kind in ANNUAL:
        if not SECTIONS[0] <= len(counts) <= SECTIONS[1]:
            yield f"{len(counts)} thematic sections, not {SECTIONS[0]}–{SECTIONS[1]}"
        if not ITEMS[0] <= sum(counts) <= ITEMS[1]:
            yield f"{sum(counts)} items, not {ITEMS[0]}–{ITEMS[1]}"
    for section in plan.sections:
        if section.role is not SectionRole.GROUP and section.heading and not section.items:
            yield f"section without items: {section.heading}"
    for repeat in repeated_passages(plan, fixed_wording(library, plan)):
        yield f"said twice (items {repeat.first + 1} and {repeat.second + 1}): {repeat.passage}"
    text = "\n".join(plan.texts())
    for word in FOREIGN[level]:
        if word in text:
            yield f"another level's word: {word} ×{text.count(word)}"
    if not any(word in text for word in OWN[level]):
        yield f"none of the level's addressees: {'、'.join(OWN[level])}"
    for title in unquoted(text, library.lint.titles):
        yield f"title without 书名号: {title}"
    # a county or a district runs no 高校: no heading promises one
    if level in (Level.COUNTY, Level.DISTRICT):
        for heading in (s.heading for s in plan.sections if s.heading):
            if "高等教育" in heading or "高校" in heading:
                yield f"a heading about what the level does not run: {heading}"
    # a county runs its schools (各学校 is its word); a city or a province addresses its units
    if level in (Level.CITY, Level.PROVINCE) and text.count("各学校") > 3:
        yield f"各学校 ×{text.count('各学校')}"


def matrix(library: Library) -> Iterator[tuple[str, Level, int, Plan]]:
    """Every kind at every level that writes it, in every year of ``YEARS``."""
    for kind in library.kinds:
        for level in PLACES:
            if not library.kinds[kind].fits(level):
                continue
            for year in YEARS:
                yield kind, level, year, plan_for(library, kind, level, year)


def main() -> int:
    from bot.config import Settings
    from bot.library.loader import load_library

    library = load_library(Settings().snippets_dir)
    bad = 0
    for kind, level, year, plan in matrix(library):
        found = list(problems(library, plan, kind, level))
        counts = top_sections(plan)
        print(f"{kind:12} {level.value:9} {year}: {len(counts)} sections, {sum(counts)} items")
        for problem in found:
            print(f"    {problem}")
        bad += bool(found)
    print(f"{bad} plan(s) with problems")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
