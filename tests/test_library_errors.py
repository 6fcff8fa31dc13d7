"""Broken library files produce exact errors naming file, clause id and field — all at once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.library.loader import LibraryError, Problem, load_library

ROOT = Path(__file__).resolve().parent.parent
ANNUAL_KINDS = ("work_points.yaml", "work_plan.yaml")

GOOD = """\
schema_version: 1
topic: demo
name: 示例
clauses:
  - id: demo.heading
    kind: heading
    title: 推进示例工作
  - id: demo.one
    kind: task
    title: 做好示例工作
    text: "{{ scope }}各学校年内完成{{ demo_count }}项。"
    vars:
      demo_count: {type: int, min: 0, label: 示例数}
"""


def _library_dir(tmp_path: Path, files: dict[str, str]) -> Path:
    for name in ("_eras.yaml", "_lint.yaml"):
        shutil.copy(ROOT / "snippets" / name, tmp_path / name)
    (tmp_path / "kinds").mkdir()
    for kind in ANNUAL_KINDS:  # the special-purpose kinds need their own topics
        text = (ROOT / "snippets" / "kinds" / kind).read_text(encoding="utf-8")
        # the shipped topics its themes group are not here: one section per topic
        (tmp_path / "kinds" / kind).write_text(text.split("\nthemes:")[0] + "\n", "utf-8")
    for fname, text in {
        "general.yaml": _aux("general"),
        "safeguards.yaml": _aux("safeguards"),
        **files,
    }.items():
        (tmp_path / fname).write_text(text, encoding="utf-8")
    return tmp_path


def _aux(topic: str) -> str:
    return f"schema_version: 1\ntopic: {topic}\nname: 辅助\npriority: false\nclauses: []\n"


def _problems(tmp_path: Path, files: dict[str, str]) -> list[Problem]:
    with pytest.raises(LibraryError) as info:
        load_library(_library_dir(tmp_path, files))
    return info.value.problems


def test_good_file_loads(tmp_path: Path) -> None:
    library = load_library(_library_dir(tmp_path, {"demo.yaml": GOOD}))
    assert library.clause("demo.one") is not None
    assert "demo_count" in library.vars


def test_all_problems_are_reported_at_once(tmp_path: Path) -> None:
    broken = (
        GOOD.replace("{{ demo_count }}项", "{{ demo_cnt }}项")
        + """\
  - id: demo.two
    kind: task
    title: 空文本
    text: ""
    years: [2025, 2019]
  - id: demo.three
    kind: task
    title: 语法错误
    text: "{{ scope 各学校"
  - id: demo.one
    kind: task
    title: 重复
    text: 重复的条款。
"""
    )
    problems = _problems(tmp_path, {"demo.yaml": broken})
    found = {(p.file, p.clause_id, p.field, p.message.split(":")[0]) for p in problems}
    assert (
        "demo.yaml",
        "demo.one",
        "text",
        "variable 'demo_cnt' is used but not declared in vars",
    ) in found
    assert ("demo.yaml", "demo.one", "text", "declared variable 'demo_count' is not used") in found
    assert ("demo.yaml", "demo.two", "text", "empty text") in found
    assert ("demo.yaml", "demo.two", "years", "bad year range [2025, 2019]") in found
    assert any(
        p.clause_id == "demo.three" and "template syntax error" in p.message for p in problems
    )
    assert any(
        p.clause_id == "demo.one" and p.field == "id" and "duplicate" in p.message for p in problems
    )
    assert all(p.line for p in problems if p.clause_id.startswith("demo."))


def test_unknown_key_is_rejected_with_clause_and_field(tmp_path: Path) -> None:
    broken = GOOD.replace("    kind: task\n", "    kind: task\n    colour: red\n")
    problems = _problems(tmp_path, {"demo.yaml": broken})
    assert [(p.file, p.clause_id, p.field) for p in problems] == [
        ("demo.yaml", "demo.one", "colour")
    ]


def test_yaml_syntax_error_has_line(tmp_path: Path) -> None:
    problems = _problems(tmp_path, {"demo.yaml": GOOD + "  - id: [unclosed\n"})
    assert problems[0].file == "demo.yaml" and problems[0].field == "yaml"
    assert problems[0].line == GOOD.count("\n") + 2


def test_variant_must_use_the_declared_variables(tmp_path: Path) -> None:
    broken = GOOD + "    variants:\n      - text: 没有用到变量。\n"
    problems = _problems(tmp_path, {"demo.yaml": broken})
    assert [(p.clause_id, p.field) for p in problems] == [("demo.one", "variants[0].text")]


def test_same_variable_with_two_meanings(tmp_path: Path) -> None:
    other = (
        GOOD.replace("demo", "other")
        .replace("other_count", "demo_count")
        .replace("label: 示例数", "label: 另一个数")
    )
    problems = _problems(tmp_path, {"demo.yaml": GOOD, "other.yaml": other})
    assert [(p.file, p.clause_id, p.field) for p in problems] == [
        ("other.yaml", "other.one", "vars.demo_count")
    ]


def test_clause_id_must_belong_to_topic(tmp_path: Path) -> None:
    problems = _problems(tmp_path, {"demo.yaml": GOOD.replace("id: demo.one", "id: wrong.one")})
    assert problems[0].file == "demo.yaml"
    assert "must start with 'demo.'" in problems[0].message


def test_kind_naming_unknown_topic(tmp_path: Path) -> None:
    directory = _library_dir(tmp_path, {"demo.yaml": GOOD})
    path = directory / "kinds" / "work_points.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("topic: safeguards}", "topic: nope}"),
        encoding="utf-8",
    )
    with pytest.raises(LibraryError) as info:
        load_library(directory)
    assert any(
        p.file == "kinds/work_points.yaml" and "unknown topic 'nope'" in p.message
        for p in info.value.problems
    )
