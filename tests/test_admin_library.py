"""Changing the library: previews, revisions, rollback, live updates, audit, drafts."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.compose.assemble import PlanRequest, assemble_plan
from bot.compose.context import Region
from bot.config import Settings
from bot.curation import LibraryService, NewClause, RevisionAction, load_effective_library
from bot.errors import ConflictError, InputError, NotFoundError
from bot.library.library import Library
from bot.library.models import ClauseKind, Level
from bot.search import Analyzer, MissLog, SearchService
from tests.admin_support import (
    ADMIN,
    OWNER,
    SNIPPETS,
    FakeClock,
    base_library,
    dump,
    make_service,
    topic_text,
)

NEW = NewClause(
    topic="preschool", kind=ClauseKind.TASK, title="推进托幼一体化试点",
    text="{{ scope }}开展托幼一体化试点，探索二至三岁幼儿托育服务与幼儿园保教衔接。",
    years=(2022, None), levels=(Level.CITY, Level.COUNTY, Level.DISTRICT),
    keywords=("托幼一体化",),
)


@pytest.fixture
def service(tmp_path: Path) -> LibraryService:
    service = make_service(tmp_path)
    service.add_admin(OWNER, ADMIN)
    return service


@pytest.fixture(scope="module")
def analyzer(tmp_path_factory: pytest.TempPathFactory) -> Analyzer:
    """An analyzer on its own jieba tokenizer: jieba's global one belongs to test_search."""
    import jieba

    tokenizer = jieba.Tokenizer()
    tokenizer.tmp_dir = str(tmp_path_factory.mktemp("jieba"))
    tokenizer.initialize()
    return Analyzer(tokenizer)


def fitting_ids(library: Library, year: int = 2024) -> list[str]:
    return [c.id for c in library.fitting("preschool", ClauseKind.TASK, year, Level.CITY)]


# ── guided changes ───────────────────────────────────────────────────────────


def test_add_previews_a_sample_then_applies(service: LibraryService) -> None:
    preview = service.preview_new_clause(ADMIN, NEW, sample_year=2024)
    assert preview.problems == [] and preview.token is not None
    assert preview.summary.added == ["preschool.added_1"] and service.revision == 0
    [sample] = preview.samples
    assert sample.year == 2024 and sample.text.startswith("全市开展托幼一体化试点")
    info = service.apply(ADMIN, preview.token)
    assert (info.number, info.author, info.action) == (1, "user:2", RevisionAction.ADD)
    assert "preschool.added_1" in fitting_ids(service.library)
    assert service.library.clause("preschool.added_1").keywords == ["托幼一体化"]  # type: ignore[union-attr]


def test_a_new_clause_declares_known_variables_and_refuses_unknown(
    service: LibraryService,
) -> None:
    known = NewClause(topic="preschool", kind=ClauseKind.TASK, title="入园率",
                      text="毛入园率达到{{ preschool_gross_enrollment }}。")
    preview = service.preview_new_clause(OWNER, known)
    assert preview.ok
    assert "【待填：" in preview.samples[0].text
    unknown = NewClause(topic="preschool", kind=ClauseKind.TASK, title="x",
                        text="新建{{ preschool_no_such_thing }}所。")
    problems = service.preview_new_clause(OWNER, unknown).problems
    assert [(p.clause_id, p.field) for p in problems] == [("preschool.added_1", "text")]
    assert "preschool_no_such_thing" in problems[0].message


def test_new_clause_problems_name_the_field(service: LibraryService) -> None:
    bad = NewClause(topic="preschool", kind=ClauseKind.TASK, title="x", text="  ",
                    years=(2030, 2020), levels=())
    fields = {p.field for p in service.preview_new_clause(OWNER, bad).problems}
    assert fields == {"years", "levels", "text"}
    with pytest.raises(InputError) as refused:
        service.preview_new_clause(OWNER, NewClause(topic="nope", kind=ClauseKind.TASK, title="x"))
    assert refused.value.message_id == "unknown_topic"


def test_edit_changes_the_text_and_is_audited(service: LibraryService) -> None:
    old = service.library.clause("preschool.supply")
    assert old is not None
    new_text = old.text.replace("持续增加公办幼儿园学位", "持续增加公办幼儿园学位供给")
    preview = service.preview_edit(ADMIN, "preschool.supply", text=new_text)
    assert preview.summary.changed == ["preschool.supply"]
    assert "公办幼儿园学位供给" in preview.samples[0].text
    service.apply(ADMIN, preview.token or "")
    assert service.library.clause("preschool.supply").text == new_text  # type: ignore[union-attr]
    [entry] = [e for e in service.audit.entries() if e.action == "library_edit"]
    assert (entry.actor, entry.target) == ("user:2", "revision:1")
    assert entry.before["clauses"]["preschool.supply"]["text"] == old.text
    assert entry.after["clauses"]["preschool.supply"]["text"] == new_text


def test_edit_a_variant_and_unknown_ones(service: LibraryService) -> None:
    service.edit_clause_text(OWNER, "preschool.supply", "{{ scope }}新表述。", variant=1)
    clause = service.library.clause("preschool.supply")
    assert clause is not None and clause.variants[0].text == "{{ scope }}新表述。"
    with pytest.raises(InputError):
        service.preview_edit(OWNER, "preschool.supply", text="x", variant=9)
    with pytest.raises(NotFoundError) as missing:
        service.preview_edit(OWNER, "preschool.nope", text="x")
    assert missing.value.message_id == "clause_not_found"


def test_an_unchanged_edit_changes_nothing(service: LibraryService) -> None:
    clause = service.library.clause("preschool.supply")
    assert clause is not None
    preview = service.preview_edit(OWNER, "preschool.supply", text=clause.text)
    assert preview.summary.is_empty() and preview.token is None and preview.problems == []
    with pytest.raises(InputError) as nothing:
        service.edit_clause_text(OWNER, "preschool.supply", clause.text)
    assert nothing.value.message_id == "change_nothing"


def test_retire_hides_a_clause_but_drafts_still_find_it(service: LibraryService) -> None:
    assert "preschool.supply" in fitting_ids(service.library)
    info = service.retire_clause(ADMIN, "preschool.supply")
    assert info.summary.retired == ["preschool.supply"]
    assert "preschool.supply" not in fitting_ids(service.library)
    clause = service.library.clause("preschool.supply")
    assert clause is not None and clause.retired  # drafts that use it still show it
    service.restore_clause(ADMIN, "preschool.supply")
    assert "preschool.supply" in fitting_ids(service.library)


# ── search and live updates ────────────────────────────────────────────────


def test_search_sees_an_added_clause_at_once_and_forgets_a_retired_one(
    service: LibraryService, analyzer: Analyzer, tmp_path: Path
) -> None:
    search = SearchService(analyzer, service.library, MissLog(tmp_path / "misses.json"))
    service.subscribe(search.rebuild)
    query = "托幼一体化试点"
    assert "preschool.added_1" not in [h.clause_id for h in search.search(query, record=False)]
    service.add_clause(ADMIN, NEW)
    assert search.search(query, record=False)[0].clause_id == "preschool.added_1"
    service.retire_clause(ADMIN, "preschool.added_1")
    assert "preschool.added_1" not in [h.clause_id for h in search.search(query, record=False)]


def test_subscribers_and_generation(service: LibraryService) -> None:
    seen: list[Library] = []
    unsubscribe = service.subscribe(seen.append)
    generation = service.generation
    service.add_clause(OWNER, NEW)
    assert seen == [service.library] and service.generation == generation + 1
    unsubscribe()
    service.retire_clause(OWNER, "preschool.added_1")
    assert len(seen) == 1


def test_a_failing_subscriber_does_not_undo_the_change(service: LibraryService) -> None:
    def broken(_: Library) -> None:
        raise RuntimeError("index down")

    service.subscribe(broken)
    service.add_clause(OWNER, NEW)
    assert service.library.clause("preschool.added_1") is not None and service.revision == 1


def test_another_process_picks_up_the_change_on_refresh(
    service: LibraryService, tmp_path: Path
) -> None:
    other = make_service(tmp_path)
    seen: list[Library] = []
    other.subscribe(seen.append)
    service.add_clause(OWNER, NEW)
    assert other.library.clause("preschool.added_1") is None
    assert other.refresh() is True and other.refresh() is False
    assert other.library.clause("preschool.added_1") is not None and len(seen) == 1
    assert dump(other.library) == dump(service.library)


def test_the_cli_and_the_bot_load_the_same_library(
    service: LibraryService, tmp_path: Path
) -> None:
    service.add_clause(OWNER, NEW)
    settings = Settings(PLANBOT_DATA_DIR=tmp_path, PLANBOT_SNIPPETS_DIR=SNIPPETS)  # type: ignore[call-arg]
    assert dump(load_effective_library(settings)) == dump(service.library)
    fresh = LibraryService.open(settings)
    assert dump(fresh.library) == dump(service.library) and fresh.revision == 1


# ── confirmations ────────────────────────────────────────────────────────────


def test_a_change_applied_meanwhile_makes_a_preview_stale(service: LibraryService) -> None:
    stale = service.preview_retire(ADMIN, "preschool.supply")
    service.add_clause(OWNER, NEW)
    with pytest.raises(ConflictError) as conflict:
        service.apply(ADMIN, stale.token or "")
    assert conflict.value.message_id == "library_changed"
    assert not service.library.clause("preschool.supply").retired  # type: ignore[union-attr]
    assert service.revision == 1


def test_previews_expire_and_can_be_discarded(tmp_path: Path) -> None:
    clock = FakeClock()
    service = make_service(tmp_path, clock)
    token = service.preview_retire(OWNER, "preschool.supply").token or ""
    clock.advance(hours=25)
    with pytest.raises(NotFoundError) as expired:
        service.apply(OWNER, token)
    assert expired.value.message_id == "change_expired"
    token = service.preview_retire(OWNER, "preschool.supply").token or ""
    service.discard(OWNER, token)
    with pytest.raises(NotFoundError):
        service.apply(OWNER, token)
    with pytest.raises(NotFoundError):
        service.apply(OWNER, "../../admins")
    assert service.revision == 0


def test_a_preview_can_be_confirmed_in_another_process(
    service: LibraryService, tmp_path: Path
) -> None:
    token = service.preview_retire(ADMIN, "preschool.supply").token or ""
    other = make_service(tmp_path)
    other.apply(ADMIN, token)
    service.refresh()
    assert service.library.clause("preschool.supply").retired  # type: ignore[union-attr]


# ── revisions and rollback ─────────────────────────────────────────────────


def make_history(service: LibraryService) -> list[dict[str, object]]:
    """Five revisions of every kind; the dump of the library after each (index = revision)."""
    dumps = [dump(service.library)]
    service.add_clause(OWNER, NEW)
    dumps.append(dump(service.library))
    service.edit_clause_text(ADMIN, "preschool.supply", "{{ scope }}扩大普惠性资源。")
    dumps.append(dump(service.library))
    service.retire_clause(ADMIN, "preschool.added_1")
    dumps.append(dump(service.library))
    upload = topic_text("newtopic", (
        "  - id: newtopic.heading\n    kind: heading\n    title: 推进新领域工作\n"
        "  - id: newtopic.task\n    kind: task\n    title: 新任务\n"
        "    text: '{{ scope }}新任务。'\n"
    ), name="新领域")
    service.apply(OWNER, service.preview_upload(OWNER, "newtopic.yaml", upload).token or "")
    dumps.append(dump(service.library))
    service.edit_clause_text(OWNER, "newtopic.task", "{{ self_ref }}新任务改。")
    dumps.append(dump(service.library))
    return dumps


def test_rollback_restores_the_exact_library_of_any_revision(service: LibraryService) -> None:
    dumps = make_history(service)
    assert dumps[0] == dump(base_library())
    for target in (3, 0, 4, 1, 5, 2):
        info = service.rollback(ADMIN, target)
        assert info.action is RevisionAction.ROLLBACK and info.rollback_to == target
        assert dump(service.library) == dumps[target], target
    assert service.revision == 5 + 6


def test_a_rollback_can_itself_be_rolled_back(service: LibraryService) -> None:
    dumps = make_history(service)
    service.rollback(OWNER, 0)
    assert service.library.clause("newtopic.task") is None
    assert "newtopic" not in service.library.topics
    service.rollback(OWNER, 5)
    assert dump(service.library) == dumps[5]


def test_rollback_preview_lists_what_it_undoes(service: LibraryService) -> None:
    make_history(service)
    preview = service.preview_rollback(OWNER, 2)
    assert preview.summary.restored == ["preschool.added_1"]
    assert preview.summary.removed == ["newtopic.heading", "newtopic.task"]
    assert preview.summary.topics_removed == ["newtopic"]
    with pytest.raises(InputError) as unknown:
        service.preview_rollback(OWNER, 99)
    assert unknown.value.message_id == "revision_unknown"


def test_history_lists_revisions_newest_first(service: LibraryService) -> None:
    make_history(service)
    history = service.history(ADMIN, limit=3)
    assert [r.number for r in history] == [5, 4, 3]
    assert [(r.author, r.action) for r in history] == [
        ("user:1", RevisionAction.EDIT), ("user:1", RevisionAction.UPLOAD),
        ("user:2", RevisionAction.RETIRE),
    ]
    assert history[1].note == "newtopic.yaml" and history[1].summary.topics_added == ["newtopic"]
    assert [r.number for r in service.history(ADMIN, limit=10, offset=3)] == [2, 1]


# ── drafts ───────────────────────────────────────────────────────────────────


def test_a_draft_keeps_its_text_and_learns_of_a_newer_wording(service: LibraryService) -> None:
    region = Region(province="广东省", name="清远", full_name="清远市", level=Level.CITY)
    request = PlanRequest(region=region, year=2024, kind="work_points", topics=["preschool"])
    plan = assemble_plan(request, service.library)
    made_at = service.revision
    before = plan.model_dump()
    service.edit_clause_text(ADMIN, "preschool.supply", "{{ scope }}扩大普惠性资源。")
    service.retire_clause(ADMIN, "preschool.quality")
    assert plan.model_dump() == before  # a draft is data: nothing rewrites it
    assert service.newer_wordings(made_at) == {"preschool.supply": 1}
    assert service.newer_wordings(service.revision) == {}
    fresh = assemble_plan(request, service.library)
    texts = [i.text for s in fresh.sections for i in s.items]
    assert "全市扩大普惠性资源。" in texts


def test_render_preview_and_topic_file(service: LibraryService) -> None:
    shown = service.render_preview(ADMIN, "preschool.supply", year=2024)
    assert shown.year == 2024 and "{{" not in shown.text
    name, data = service.topic_file(ADMIN, "preschool")
    assert name == "preschool.yaml"
    assert service.preview_upload(ADMIN, name, data).summary.is_empty()


def test_a_broken_revision_file_keeps_the_running_library(
    service: LibraryService, tmp_path: Path
) -> None:
    from bot.library.loader import LibraryError

    service.add_clause(OWNER, NEW)
    (tmp_path / "library" / "revisions" / "000002.json").write_text("{broken", encoding="utf-8")
    assert service.refresh() is False and service.revision == 1
    with pytest.raises(LibraryError) as broken:
        make_service(tmp_path)  # a fresh start names the file
    assert "000002.json" in str(broken.value.problems[0])
