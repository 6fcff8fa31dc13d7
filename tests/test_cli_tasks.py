"""``planbot draft`` with the task table: ``--format docx --tasks`` and ``--format xlsx``."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from bot.cli import main
from tests.conftest import SNIPPETS

TITLE = "修文县教育局2026年工作要点"
DRAFT = ("draft", "--region", "修文县", "--year", "2026", "--topics", "preschool,party")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_docx_with_tasks_appends_the_table(capsys: pytest.CaptureFixture[str],
                                           tmp_path: Path) -> None:
    plain, tasks = tmp_path / "plain.docx", tmp_path / "tasks.docx"
    assert run(capsys, *DRAFT, "--format", "docx", "-o", str(plain))[0] == 0
    assert run(capsys, *DRAFT, "--format", "docx", "--tasks", "-o", str(tasks))[0] == 0
    assert Document(str(plain)).tables == []
    doc = Document(str(tasks))
    [table] = doc.tables
    assert [c.text for c in table.rows[0].cells] == ["序号", "工作任务", "牵头科室", "配合单位",
                                                     "完成时限"]
    assert len(table.rows) > 5 and len(doc.sections) == 2


def test_xlsx_is_the_table_alone_named_like_the_docx(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, *DRAFT, "--format", "xlsx")
    assert code == 0 and out == ""  # a file, not standard output
    written = tmp_path / f"{TITLE}.xlsx"
    book = load_workbook(io.BytesIO(written.read_bytes()))
    assert book.sheetnames == ["任务分解表"]
    rows = list(book["任务分解表"].iter_rows(values_only=True))
    assert rows[0][1] == "工作任务" and len(rows) > 5


def test_tasks_needs_the_word_format(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, *DRAFT, "--format", "md", "--tasks")
    assert code == 2 and out == ""
    assert "--tasks 只能用于Word文件" in err and "Error: --tasks needs --format docx" in err


def test_snippets_validate_checks_the_task_rules(capsys: pytest.CaptureFixture[str],
                                                 tmp_path: Path) -> None:
    library = tmp_path / "snippets"
    shutil.copytree(SNIPPETS, library)
    assert run(capsys, "snippets", "validate", "--dir", str(library))[0] == 0
    rules = library / "_tasks.yaml"
    rules.write_text(rules.read_text(encoding="utf-8").replace("'每月'", "'每月('"),
                     encoding="utf-8")
    code, out, _ = run(capsys, "snippets", "validate", "--dir", str(library))
    assert code == 1 and "_tasks.yaml" in out and "not a regular expression" in out
