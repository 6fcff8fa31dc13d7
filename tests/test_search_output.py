"""What a search shows: clauses with text (never a bare heading), names rendered for the
neutral region (never a template with holes), and on the command line no log lines."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.library.library import Library
from bot.library.models import ClauseKind
from bot.search.preview import headline
from tests.chat import Chat
from tests.clause_support import clause_engine, library_analyzer
from tests.conftest import SNIPPETS

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ["教師隊伍建設", "校园安全", "学前教育", "党建"]


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PLANBOT_DATA_DIR", str(tmp_path))


def _search(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(["search", *argv]) == 0
    return capsys.readouterr().out


@pytest.mark.usefixtures("cli_env")
@pytest.mark.parametrize("query", QUERIES)
def test_no_bare_heading_is_a_result(capsys: pytest.CaptureFixture[str], query: str) -> None:
    results = json.loads(_search(capsys, query, "--json", "--limit", "20"))
    assert results
    assert all(r["text"].strip() for r in results), [r["id"] for r in results if not r["text"]]
    assert not any(".heading" in r["id"] or r["id"].startswith("themes.") for r in results)


@pytest.mark.usefixtures("cli_env")
@pytest.mark.parametrize("query", QUERIES)
def test_the_table_names_each_result_as_rendered(
    capsys: pytest.CaptureFixture[str], query: str
) -> None:
    results = json.loads(_search(capsys, query, "--json", "--limit", "20"))
    table = _search(capsys, query, "--limit", "20").splitlines()
    assert len(table) == len(results)
    for line, result in zip(table, results, strict=True):
        name = line.split(maxsplit=3)[3]
        assert name == headline(result["title"], result["text"])
        assert " ，" not in name and "， ，" not in name and not name.startswith("年")


@pytest.mark.usefixtures("cli_env")
def test_an_untitled_clause_is_named_by_its_rendered_text(
    capsys: pytest.CaptureFixture[str],
) -> None:
    table = _search(capsys, "学校安全工作要坚持", "--year", "2016", "--limit", "5")
    line = next(x for x in table.splitlines() if "safety_work.guiding_2012" in x)
    assert "2016年全市学校安全工作要坚持" in line


def test_a_cli_search_prints_no_log_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PLANBOT_LOG_LEVEL"}
    env["PLANBOT_DATA_DIR"] = str(tmp_path)
    done = subprocess.run([sys.executable, "-m", "bot", "search", "校园安全", "--limit", "3"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
                          check=True)
    assert done.stderr == ""
    assert len(done.stdout.splitlines()) == 3


# --- /clause in the chat, over the shipped library -----------------------------------------------


@pytest.mark.parametrize("query", QUERIES)
def test_clause_results_in_the_chat_have_text_and_no_holes(
    tmp_path: Path, jieba_tokenizer: Any, library: Library, query: str
) -> None:
    analyzer = library_analyzer(jieba_tokenizer, SNIPPETS)
    chat = Chat(clause_engine(tmp_path, analyzer, library=library))
    chat.cmd("clause", query)
    state = chat.session().clauses
    assert state is not None and state.ids
    kinds = {c.kind for i in state.ids if (c := library.clause(i)) is not None}
    assert ClauseKind.HEADING not in kinds
    assert " ，" not in chat.text and "， ，" not in chat.text
