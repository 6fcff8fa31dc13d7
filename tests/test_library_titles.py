"""Titles of laws, documents and plans always stand in 书名号; the loader refuses them bare."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.library.library import Library
from bot.library.loader import LibraryError, load_library
from bot.library.titles import unquoted

ROOT = Path(__file__).resolve().parent.parent


def test_unquoted_titles_are_found_and_quoted_ones_pass() -> None:
    titles = ["中小学德育工作指南", "学前教育法"]
    assert unquoted("落实中小学德育工作指南要求", titles) == ["中小学德育工作指南"]
    assert unquoted("落实《中小学德育工作指南》要求", titles) == []
    assert unquoted("贯彻《中华人民共和国学前教育法》", titles) == []
    assert unquoted("宣传学前教育法，落实《中小学德育工作指南》", titles) == ["学前教育法"]
    assert unquoted("{{ scope }}中小学德育工作指南", titles) == ["中小学德育工作指南"]


def test_the_shipped_library_lists_titles_and_quotes_them(library: Library) -> None:
    titles = library.lint.titles
    assert "国家职业教育改革实施方案" in titles and len(titles) >= 10
    for topic in library.topics.values():
        for clause in topic.clauses:
            for wording in clause.wordings():
                text = f"{wording.title or ''}\n{wording.text}"
                assert unquoted(text, titles) == [], clause.id


def test_a_clause_naming_a_title_bare_is_refused_with_file_clause_and_field(
    tmp_path: Path,
) -> None:
    shutil.copytree(ROOT / "snippets", tmp_path / "snippets")
    path = tmp_path / "snippets" / "moral.yaml"
    text = path.read_text(encoding="utf-8")
    assert "《中小学德育工作指南》" in text
    path.write_text(text.replace("《中小学德育工作指南》", "中小学德育工作指南", 1), "utf-8")
    with pytest.raises(LibraryError) as info:
        load_library(tmp_path / "snippets")
    problems = [str(p) for p in info.value.problems]
    assert len(problems) == 1
    assert problems[0].startswith("moral.yaml:")
    assert "中小学德育工作指南" in problems[0] and "书名号" in problems[0]
