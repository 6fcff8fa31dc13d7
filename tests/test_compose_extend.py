"""A priority area added to a plan later goes where the assembler puts it (the shipped library,
its thematic sections), and nothing else of the plan changes."""

from __future__ import annotations

import pytest

from bot.compose.assemble import PlanRequest, assemble_plan
from bot.compose.extend import add_topic, addable_topics
from bot.compose.gazetteer import resolve_region
from bot.compose.refine import request_for
from bot.errors import InputError
from bot.library.library import Library


@pytest.mark.parametrize(("first", "added"), [
    (["party", "preschool"], "compulsory"),  # joins 学前教育's theme: one section, its heading
    (["party", "preschool"], "safety"),  # a theme of its own, where the kind has it
    (["safety", "teachers"], "party"),  # before everything else
])
def test_the_added_topic_goes_where_the_assembler_puts_it(
    library: Library, first: list[str], added: str
) -> None:
    region = resolve_region("修文县").candidates[0]
    plan = assemble_plan(PlanRequest(region=region, year=2025, topics=first), library)
    plan.sections[0].items[0].text = "用户改过的总体要求。"
    kept = {s.id: [i.text for i in s.items] for s in plan.sections}
    add_topic(plan, library, added)
    fresh = assemble_plan(request_for(plan), library)
    assert [s.heading for s in plan.sections] == [s.heading for s in fresh.sections]
    assert set(plan.topic_ids()) == {*first, added}
    assert plan.sections[0].items[0].text == "用户改过的总体要求。"
    for section in plan.sections:  # what the plan had stays, in its order, at the front
        before = kept.get(section.id, [])
        assert [i.text for i in section.items][: len(before)] == before
    assert added not in {t.id for t in addable_topics(plan, library)}
    with pytest.raises(InputError):
        add_topic(plan, library, added)
