"""Bulk upload of a topic file: checked in full, nothing applied unless all of it is valid."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.curation import LibraryService
from bot.curation._upload import MAX_DEPTH, MAX_UPLOAD_BYTES, MAX_UPLOAD_CLAUSES
from tests.admin_support import OWNER, SNIPPETS, dump, files_under, make_service, topic_text

PRESCHOOL = (SNIPPETS / "preschool.yaml").read_text(encoding="utf-8")


@pytest.fixture
def service(tmp_path: Path) -> LibraryService:
    return make_service(tmp_path / "data")


def task(clause_id: str, text: str = "{{ scope }}推进工作。", extra: str = "") -> str:
    return f"  - id: {clause_id}\n    kind: task\n    title: 标题\n    text: '{text}'\n{extra}"


BILLION_LAUGHS = (
    "schema_version: 1\ntopic: preschool\nname: 学前教育\n"
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
    "clauses: [*g]\n"
)

# name → (file name, content, expected (clause id, field, line) of the first problem)
BROKEN: dict[str, tuple[str, bytes, tuple[str, str, int | None]]] = {
    "syntax error": ("preschool.yaml", PRESCHOOL.replace("  - id: preschool.supply\n",
                     "  - id: preschool.supply\n   kind: [task\n", 1).encode(), ("", "yaml", None)),
    "schema: bad kind": ("preschool.yaml", topic_text(
        "preschool", task("preschool.ok") + "  - id: preschool.bad\n    kind: tusk\n    text: x\n"),
        ("preschool.bad", "kind", 9)),
    "schema: unknown field": ("preschool.yaml", topic_text(
        "preschool", task("preschool.a", extra="    colour: red\n")), ("preschool.a", "colour", 5)),
    "empty text": ("preschool.yaml", topic_text("preschool", task("preschool.a", text=" ")),
                   ("preschool.a", "text", 5)),
    "undeclared variable": ("preschool.yaml", topic_text(
        "preschool", task("preschool.a", text="{{ nope_var }}")), ("preschool.a", "text", 5)),
    "wrong topic prefix": ("preschool.yaml", topic_text("preschool", task("party.a")),
                           ("", "file", None)),
    "duplicate id in the file": ("preschool.yaml", topic_text(
        "preschool", task("preschool.a") + task("preschool.a")), ("preschool.a", "id", 9)),
    "variable differs from the library": ("preschool.yaml", topic_text("preschool", task(
        "preschool.a", text="{{ party_org_coverage }}",
        extra="    vars:\n      party_org_coverage: {type: int, label: 别的意思}\n")),
        ("preschool.a", "vars.party_org_coverage", 5)),
    "does not render": ("preschool.yaml", topic_text(
        "preschool", task("preschool.a", text="{{ era.no_such_field }}")),
        ("preschool.a", "text", 5)),
    "bad years": ("preschool.yaml", topic_text(
        "preschool", task("preschool.a", extra="    years: [2030, 2020]\n")),
        ("preschool.a", "years", 5)),
    "not a mapping": ("preschool.yaml", b"- just\n- a list\n", ("", "file", 1)),
    "two documents": ("preschool.yaml", topic_text("preschool", task("preschool.a")) + b"---\n{}\n",
                      ("", "yaml", None)),
    "not UTF-8": ("preschool.yaml", b"topic: x\nname: \xff\xfe\n", ("", "file", 2)),
    "an aux file": ("_eras.yaml", (SNIPPETS / "_eras.yaml").read_bytes(), ("", "file", None)),
    "alias bomb": ("preschool.yaml", BILLION_LAUGHS.encode(), ("", "yaml", 4)),
    "anchor": ("preschool.yaml", topic_text("preschool", task("preschool.a", extra=(
        "    keywords: &k [a]\n"))), ("", "yaml", 9)),
    "deep nesting": ("preschool.yaml", b"a: " + b"[" * (MAX_DEPTH + 5) + b"]" * (MAX_DEPTH + 5),
                     ("", "yaml", 1)),
    "too large": ("preschool.yaml", b"#" * (MAX_UPLOAD_BYTES + 1), ("", "file", None)),
    "too many clauses": ("preschool.yaml", topic_text("preschool", "".join(
        f"  - {{id: preschool.c{i}, kind: task, text: x}}\n"
        for i in range(MAX_UPLOAD_CLAUSES + 1))), ("", "clauses", None)),
}


@pytest.mark.parametrize("case", BROKEN)
def test_a_broken_upload_changes_nothing(
    service: LibraryService, tmp_path: Path, case: str
) -> None:
    name, data, (clause_id, fld, line) = BROKEN[case]
    files, library = files_under(tmp_path), dump(service.library)
    preview = service.preview_upload(OWNER, name, data)
    assert preview.token is None and preview.problems
    first = preview.problems[0]
    assert (first.clause_id, first.field) == (clause_id, fld), preview.problems
    if line is not None:
        assert first.line == line, preview.problems
    if case == "syntax error":
        assert first.line is not None and first.line > 1
    assert files_under(tmp_path) == files and dump(service.library) == library
    assert service.revision == 0


def test_every_problem_is_listed_with_clause_and_field(service: LibraryService) -> None:
    data = topic_text("preschool", (
        task("preschool.a", text=" ")
        + task("preschool.b", text="{{ undeclared_thing }}")
        + task("preschool.c", extra="    levels: []\n")
        + task("preschool.d")
    ), name="学前教育")
    problems = service.preview_upload(OWNER, "mine.yaml", data).problems
    assert sorted((p.file, p.clause_id, p.field, p.line) for p in problems) == [
        ("mine.yaml", "preschool.a", "text", 5),
        ("mine.yaml", "preschool.b", "text", 9),
        ("mine.yaml", "preschool.c", "levels", 13),
    ]
    assert str(problems[0]).startswith("mine.yaml:")


def test_preview_lists_added_changed_retired_then_applies(service: LibraryService) -> None:
    raw = yaml.safe_load(PRESCHOOL)
    raw["clauses"][0]["retired"] = True
    retired_id = raw["clauses"][0]["id"]
    changed = next(c for c in raw["clauses"] if c["id"] == "preschool.supply")
    changed["title"] = "扩大普惠性学前教育资源供给"
    raw["clauses"].append({"id": "preschool.new_one", "kind": "task", "title": "新条款",
                           "text": "{{ scope }}推进新工作。"})
    data = yaml.safe_dump(raw, allow_unicode=True).encode()
    preview = service.preview_upload(OWNER, "preschool.yaml", data)
    assert preview.problems == []
    assert preview.summary.added == ["preschool.new_one"]
    assert preview.summary.changed == ["preschool.supply"]
    assert preview.summary.retired == [retired_id]
    assert preview.summary.topics_changed == [] and service.revision == 0
    assert {s.clause_id for s in preview.samples} == {"preschool.new_one", "preschool.supply"}
    info = service.apply(OWNER, preview.token or "")
    assert info.note == "preschool.yaml" and info.summary == preview.summary
    assert service.library.clause(retired_id).retired  # type: ignore[union-attr]
    assert service.preview_upload(OWNER, "preschool.yaml", data).summary.is_empty()


def test_a_partial_upload_touches_only_what_it_lists(service: LibraryService) -> None:
    topic = service.library.topics["preschool"]
    data = topic_text("preschool", task("preschool.extra"), name="学前教育")
    preview = service.preview_upload(OWNER, "partial.yaml", data)
    assert preview.summary.added == ["preschool.extra"] and preview.summary.topics_changed == []
    service.apply(OWNER, preview.token or "")
    after = service.library.topics["preschool"]
    assert (after.order, after.keywords, after.priority) == (
        topic.order, topic.keywords, topic.priority)
    assert len(after.clauses) == len(topic.clauses) + 1
    renamed = topic_text("preschool", "", name="学前教育改名") + b"  []\n"
    summary = service.preview_upload(OWNER, "p.yaml", renamed.replace(b":\n  []", b": []"))
    assert summary.summary.topics_changed == ["preschool"]


def test_an_upload_can_add_a_topic(service: LibraryService) -> None:
    data = topic_text("lifelong", task("lifelong.community", text="{{ scope }}发展社区教育。"),
                      name="终身教育")
    preview = service.preview_upload(OWNER, "lifelong.yaml", data)
    assert preview.summary.topics_added == ["lifelong"]
    service.apply(OWNER, preview.token or "")
    assert service.library.topics["lifelong"].name == "终身教育"
    assert "lifelong" in [t.id for t in service.library.priority_topics()]


def bulk(count: int) -> bytes:
    return topic_text("bulk", "".join(
        f"  - {{id: bulk.c{i}, kind: task, title: 标题{i}, text: '{{{{ scope }}}}第{i}项。'}}\n"
        for i in range(count)), name="批量")


def test_the_clause_limit_is_inclusive(
    service: LibraryService, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert len(bulk(MAX_UPLOAD_CLAUSES)) <= MAX_UPLOAD_BYTES  # the limits agree
    monkeypatch.setattr("bot.curation._upload.MAX_UPLOAD_CLAUSES", 40)
    preview = service.preview_upload(OWNER, "bulk.yaml", bulk(40))
    assert preview.problems == [] and len(preview.summary.added) == 40
    assert len(preview.samples) == 3
    assert service.preview_upload(OWNER, "bulk.yaml", bulk(41)).problems[0].field == "clauses"


def test_the_shipped_files_upload_as_no_change(service: LibraryService) -> None:
    for path in sorted(SNIPPETS.glob("[!_]*.yaml")):
        preview = service.preview_upload(OWNER, path.name, path.read_bytes())
        assert preview.problems == [] and preview.summary.is_empty(), path.name
