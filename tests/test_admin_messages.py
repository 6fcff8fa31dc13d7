"""The curation code's words are in prompts/: every message id exists, no Chinese in the code."""

from __future__ import annotations

import ast
from pathlib import Path

from bot.curation import ChangeSummary, RevisionAction
from bot.messages import Messages

BOT = Path(__file__).resolve().parent.parent / "bot"
SOURCES = [*(BOT / "curation").glob("*.py"), BOT / "cli" / "_snippets.py"]
ERRORS = {"InputError", "NotFoundError", "PermissionDenied", "ConflictError", "PlanbotError"}


def raised_ids() -> set[str]:
    found: set[str] = set()
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", "") in ERRORS
                    and node.args and isinstance(node.args[0], ast.Constant)):
                found.add(str(node.args[0].value))
    return found


def test_every_raised_message_id_is_in_the_catalogue() -> None:
    messages = Messages()
    used = raised_ids() | {"change_rejected"}
    assert {"not_admin", "not_owner", "clause_not_found", "library_changed"} <= used
    assert sorted(key for key in used if not messages.has(key)) == []
    for action in RevisionAction:
        assert messages.has(f"admin_action_{action.value}")


def cjk(text: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in text)


def test_no_chinese_in_the_curation_code() -> None:
    offenders = []
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr)}
        for node in ast.walk(tree):
            text = node.value if isinstance(node, ast.Constant) else None
            if isinstance(text, str) and id(node) not in docstrings and cjk(text):
                offenders.append((path.name, text[:20]))
    assert offenders == []


def test_the_screen_lines_render() -> None:
    messages = Messages()
    summary: dict[str, list[str]] = {key: [] for key in ChangeSummary.model_fields}
    text = messages.text("admin_summary", **(summary | {"added": ["a.b"], "retired": ["c.d"]}))
    assert "a.b" in text and "c.d" in text
    line = messages.text("admin_problem", line=3, clause_id="a.b", field="text", message="bad")
    assert "3" in line and "a.b" in line
    assert messages.text("not_admin").startswith("无权限")
