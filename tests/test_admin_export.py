"""Export writes the effective library as files that re-validate and re-load identically;
the CLI imports, lists and rolls back with the same checks as the chat."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.curation import LibraryService
from bot.curation._dump import topic_yaml
from bot.library.library import Library
from bot.library.loader import Collector, load_library, load_topic_text
from tests.admin_support import OWNER, SNIPPETS, dump, make_service, topic_text


def test_every_shipped_topic_dumps_and_reloads_to_the_same_clauses(library: Library) -> None:
    for topic in library.topics.values():
        out = Collector()
        again = load_topic_text(topic.source, topic_yaml(topic), out)
        assert out.problems == [] and again is not None
        assert again.clauses == topic.clauses and again.keywords == topic.keywords


@pytest.fixture
def changed(tmp_path: Path) -> LibraryService:
    service = make_service(tmp_path / "data")
    service.edit_clause_text(OWNER, "preschool.supply", "{{ scope }}扩大普惠性资源。")
    service.retire_clause(OWNER, "party.heading")
    data = topic_text("lifelong", "  - {id: lifelong.a, kind: task, title: 社区教育, "
                      "text: '{{ scope }}发展社区教育。'}\n", name="终身教育")
    service.apply(OWNER, service.preview_upload(OWNER, "lifelong.yaml", data).token or "")
    return service


def test_export_reloads_to_the_identical_library(changed: LibraryService, tmp_path: Path) -> None:
    out = tmp_path / "export"
    written = changed.export(OWNER, out)
    assert sorted(p.name for p in written) == ["lifelong.yaml", "party.yaml", "preschool.yaml"]
    assert dump(load_library(out)) == dump(changed.library)
    for path in SNIPPETS.glob("*.yaml"):  # untouched files are copied byte for byte
        if path.name not in {"party.yaml", "preschool.yaml"}:
            assert (out / path.name).read_bytes() == path.read_bytes(), path.name
    assert (out / "kinds").is_dir() and (out / "_userdict.txt").is_file()


def test_the_export_is_a_library_the_next_release_can_ship(
    changed: LibraryService, tmp_path: Path
) -> None:
    """Exported files as the new base with the same revisions: the same library."""
    out = tmp_path / "export"
    changed.export(OWNER, out)
    rebased = load_library(out)
    from bot.curation._candidate import build_library

    library, problems = build_library(rebased, changed._effective.overlay)
    assert problems == [] and dump(library) == dump(changed.library)


# ── the command line ─────────────────────────────────────────────────────────


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    data = tmp_path / "data"
    monkeypatch.setenv("PLANBOT_DATA_DIR", str(data))
    monkeypatch.setenv("PLANBOT_SNIPPETS_DIR", str(SNIPPETS))
    monkeypatch.setenv("PLANBOT_LOG_LEVEL", "WARNING")
    return data


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


NEW_TOPIC = topic_text("lifelong", "  - {id: lifelong.a, kind: task, title: 社区教育, "
                       "text: '{{ scope }}发展社区教育。'}\n", name="终身教育")


def test_import_shows_then_applies_with_yes(
    cli_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    upload = tmp_path / "lifelong.yaml"
    upload.write_bytes(NEW_TOPIC)
    code, out, _ = run(capsys, "snippets", "import", str(upload))
    assert code == 0 and "added: lifelong.a" in out and "dry run" in out
    assert not (cli_env / "library" / "revisions").exists()
    assert not list((cli_env / "library" / "pending").glob("*.json"))
    code, out, _ = run(capsys, "snippets", "import", str(upload), "--yes", "--author", "alice")
    assert code == 0 and "applied: revision 1" in out
    code, out, _ = run(capsys, "topics", "--json")
    assert "lifelong" in [t["id"] for t in json.loads(out)]  # the CLI uses the same library
    code, out, _ = run(capsys, "snippets", "history", "--json")
    [entry] = json.loads(out)
    assert (entry["author"], entry["action"], entry["note"]) == ("cli:alice", "import",
                                                                 "lifelong.yaml")
    code, out, _ = run(capsys, "snippets", "import", str(upload))
    assert code == 0 and "nothing to change" in out


def test_import_lists_problems_and_exits_1(
    cli_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    upload = tmp_path / "bad.yaml"
    upload.write_text("schema_version: 1\ntopic: bad\nname: x\nclauses:\n  - id: bad.x\n"
                      "    kind: task\n    text: '{{ x.__class__ }}'\n", encoding="utf-8")
    code, out, _ = run(capsys, "snippets", "import", str(upload), "--yes")
    assert code == 1
    assert "bad.yaml:5 [bad.x] text: attribute '__class__' is not allowed" in out
    assert "nothing applied" in out and not (cli_env / "library" / "revisions").exists()


def test_cli_errors_exit_2(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "snippets", "import", "/nonexistent/x.yaml")
    assert code == 2 and "/nonexistent/x.yaml" in err
    code, out, err = run(capsys, "snippets", "rollback", "7")
    assert code == 2 and "revision 7" in err
    code, out, _ = run(capsys, "snippets", "history")
    assert code == 0 and "no revisions" in out


def test_history_rollback_and_export(
    cli_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    upload = tmp_path / "lifelong.yaml"
    upload.write_bytes(NEW_TOPIC)
    run(capsys, "snippets", "import", str(upload), "--yes")
    code, out, _ = run(capsys, "snippets", "rollback", "0")
    assert code == 0 and "removed: lifelong.a" in out and "dry run" in out
    code, out, _ = run(capsys, "snippets", "rollback", "0", "--yes")
    assert code == 0 and "applied: revision 2" in out
    code, out, _ = run(capsys, "snippets", "history")
    assert out.splitlines()[0].split()[0] == "2" and "rollback (back to 0)" in out
    code, out, _ = run(capsys, "snippets", "export", str(tmp_path / "exported"))
    assert code == 0 and "0 written" in out
    code, out, _ = run(capsys, "snippets", "validate", "--dir", str(tmp_path / "exported"))
    assert code == 0 and out.startswith("ok:")
