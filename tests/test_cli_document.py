"""``planbot draft --format docx`` with 落款 and date, or the 印发通知 (in-process, through
main())."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from docx import Document

from bot.cli import main

BASE = ["draft", "--region", "修文县", "--year", "2026", "--kind", "学校安全工作计划",
        "--bureau", "修文县教育和体育局"]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("data")  # one segmentation dictionary for the module


@pytest.fixture(autouse=True)
def _data_dir(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLANBOT_DATA_DIR", str(data_dir))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def paragraphs(path: Path) -> list[str]:
    doc: Any = Document(str(path))
    return [p.text.replace("\n", "").lstrip("\t") for p in doc.paragraphs if p.text]


def test_sign_with_a_date_closes_the_plan(capsys: pytest.CaptureFixture[str],
                                          tmp_path: Path) -> None:
    out = tmp_path / "plan.docx"
    code, _, _ = run(capsys, *BASE, "--format", "docx", "--date", "2026-02-09", "-o", str(out))
    assert code == 0  # --date alone implies --sign
    assert paragraphs(out)[-2:] == ["修文县教育和体育局", "2026年2月9日"]
    doc: Any = Document(str(out))
    assert doc.paragraphs[0].text == "修文县教育和体育局\n2026年学校安全工作计划"  # broken


def test_notice_with_the_document_number_and_copy_to(capsys: pytest.CaptureFixture[str],
                                                     tmp_path: Path) -> None:
    out = tmp_path / "notice.docx"
    code, _, _ = run(capsys, *BASE, "--format", "docx", "--notice", "--date", "2026年2月9日",
                     "--doc-number", "修教体发〔2026〕1号", "--copy-to", "县人民政府办公室",
                     "-o", str(out))
    assert code == 0
    texts = paragraphs(out)
    assert texts[:2] == ["修文县教育和体育局文件", "修教体发〔2026〕1号"]
    title = "修文县教育和体育局2026年学校安全工作计划"
    assert texts[2] == f"修文县教育和体育局关于印发《{title}》的通知"
    assert texts[-2:] == ["\u3000抄送：县人民政府办公室。",
                          "\u3000修文县教育和体育局\t2026年2月9日印发"]


@pytest.mark.parametrize(("date", "zh", "en"), [
    ("2026-02-30", "这一天不存在：2026年2月没有30日", "there is no day 30"),
    ("明天", "不是日期的写法", "is not a date"),
    ("2026-2", "不是日期的写法", "is not a date"),
])
def test_a_bad_date_is_refused_in_chinese_and_english(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, date: str, zh: str, en: str) -> None:
    out = tmp_path / "plan.docx"
    code, stdout, err = run(capsys, *BASE, "--format", "docx", "--sign", "--date", date,
                            "-o", str(out))
    assert code == 2 and stdout == "" and not out.exists()
    lines = err.strip().splitlines()
    assert len(lines) == 2 and zh in lines[0] and en in lines[1] and "Traceback" not in err


def test_document_options_need_the_word_format(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, *BASE, "--format", "md", "--notice")
    assert code == 2 and out == ""
    assert "只能用于Word文件" in err and "--format docx" in err
