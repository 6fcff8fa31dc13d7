"""The planbot command line, run as a user would (in-process through main())."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_topics_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "topics", "--json")
    topics = json.loads(out)
    assert code == 0 and len(topics) >= 16
    assert {"id": "party", "name": topics[0]["name"]} == topics[0]


def test_kinds(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "kinds", "--json")
    assert code == 0
    assert {k["name"] for k in json.loads(out)} >= {"工作要点", "工作计划"}


def test_snippets_validate_ok(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "snippets", "validate")
    assert code == 0 and out.startswith("ok:")


def test_snippets_validate_reports_and_exits_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "bad.yaml").write_text(
        "schema_version: 1\ntopic: bad\nname: x\nclauses:\n  - id: bad.x\n"
        "    kind: task\n    text: ''\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "snippets", "validate", "--dir", str(tmp_path))
    assert code == 1
    assert "bad.yaml:5 [bad.x] text: empty text" in out
    assert "_eras.yaml file: missing" in out


def test_draft_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "draft",
        "--region",
        "清远市",
        "--year",
        "2019",
        "--topics",
        "preschool,party",
        "--format",
        "json",
    )
    assert code == 0
    plan = json.loads(out)
    assert plan["title"] == "清远市教育局2019年工作要点"
    topic_ids = [s["id"] for s in plan["sections"] if s["role"] == "topic"]
    assert topic_ids == ["party", "preschool"]
    assert all(item["clause_id"] for s in plan["sections"] for item in s["items"])
    assert isinstance(plan["placeholders"], list)


def test_draft_markdown_to_file_with_targets(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "plan.md"
    code, out, _ = run(
        capsys,
        "draft",
        "--region",
        "修文县",
        "--year",
        "2025",
        "--topics",
        "all",
        "--target",
        "preschool_gross_enrollment=92",
        "--style",
        "flat",
        "-o",
        str(target),
    )
    assert code == 0 and out == ""
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# 修文县教育局2025年工作要点")
    assert "全县" in text and "92%" in text


@pytest.mark.parametrize(
    ("args", "zh", "en"),
    [
        (["--topics", "nosuch"], "没有这个重点领域", "unknown topic"),
        (["--year", "1999"], "年份须在2000年到2035年之间", "between 2000 and 2035"),
        (["--year", "二〇一九年吧"], "不像年份", "is not a year"),
        (["--target", "preschool_gross_enrollment=120"], "不合要求", "not valid"),
        (["--target", "nosuch=1"], "没有名为", "no target named"),
        (["--target", "novalue"], "名称=数值", "KEY=VALUE"),
        (["--region", "朝阳区"], "有多个", "ambiguous"),
        (["--region", "新城子"], "请注明级别", "not found"),
        (["--kind", "周报"], "计划类型", "unknown plan kind"),
    ],
)
def test_bad_input_exits_2_with_one_clear_line_each(
    capsys: pytest.CaptureFixture[str], args: list[str], zh: str, en: str
) -> None:
    base = {"--region": "清远市", "--year": "2019", "--topics": "party"}
    for flag, value in zip(args[::2], args[1::2], strict=True):
        base[flag] = value
    argv = ["draft"] + [x for pair in base.items() for x in pair]
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 2 and zh in lines[0] and lines[1].startswith("Error: ") and en in lines[1]
    assert "Traceback" not in err
