"""Every word the dialogue uses is in prompts/: catalogue ids and screen templates exist."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import yaml

from bot.compose.plan import NumberingStyle
from bot.dialogue.draft import EXPORT_FORMATS
from bot.dialogue.engine import COMMANDS
from bot.dialogue.interview._answers import LEVELS, REVIEW_ENTRIES
from bot.dialogue.state.offices import Unit
from bot.messages import PROMPTS_DIR, Messages

BOT = Path(__file__).resolve().parent.parent / "bot"
SOURCES = [*(BOT / "dialogue").rglob("*.py"), BOT / "adapters" / "console.py"]
MESSAGE_CALLS = {"say", "labelled", "text", "_notice", "InputError", "Rejected", "PlanbotError"}


def literal_calls(names: set[str]) -> list[tuple[str, str]]:
    """(file, first argument) of every call to one of ``names`` with a string literal first."""
    found = []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[0]
            if name in names and isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.append((path.name, first.value))
    return found


def test_every_message_id_is_in_the_catalogue() -> None:
    messages = Messages()
    used = literal_calls(MESSAGE_CALLS)
    assert len(used) > 80
    missing = [(where, key) for where, key in used if not messages.has(key)]
    assert missing == []


def test_message_ids_made_at_run_time() -> None:
    messages = Messages()
    made = [
        *(f"cmd_{name}" for name in COMMANDS),
        *(f"btn_change_{entry}" for entry in REVIEW_ENTRIES),
        *(f"btn_export_{fmt}" for fmt in EXPORT_FORMATS),
        *(f"btn_level_{level.value}" for level in LEVELS),
        *(f"btn_style_{style.value}" for style in NumberingStyle),
        *(f"style_{style.value}" for style in NumberingStyle),
        *(f"{what}_{rule}" for what in ("edit", "name", "title", "region")
          for rule in ("empty", "too_long")),
        *(f"btn_office_{unit.value}" for unit in Unit), "office_empty", "office_too_long",
    ]
    assert [key for key in made if not messages.has(key)] == []


def test_no_message_id_is_in_two_files() -> None:
    """The catalogue is one namespace over prompts/*.yaml: a second file's entry would silently
    replace the first's."""
    seen: dict[str, str] = {}
    twice = []
    for path in sorted(PROMPTS_DIR.glob("*.yaml")):
        entries = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("messages", {})
        for key in entries:
            if key in seen:
                twice.append(f"{key}: {seen[key]} and {path.name}")
            seen.setdefault(key, path.name)
    assert len(seen) > 100
    assert twice == []


def test_every_screen_used_has_a_template() -> None:
    used = {key for _, key in literal_calls({"screen"})}
    assert len(used) >= 15
    files = {p.stem for p in (PROMPTS_DIR / "screens").glob("*.j2")}
    assert used == files  # every screen used has a template, and no template is left over


@pytest.mark.parametrize("name", ["start", "help"])
def test_plain_screens_render(name: str) -> None:
    text = Messages().screen(name, step="")
    assert text and "{{" not in text


def test_no_chinese_in_dialogue_code() -> None:
    """Words live in prompts/: no CJK characters in string literals of the dialogue code."""
    offenders = []
    for path in [*SOURCES, BOT / "app.py"]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                cjk = any("\u4e00" <= c <= "\u9fff" for c in node.value)
                if cjk and id(node) not in docstrings:
                    offenders.append((path.name, node.value[:20]))
    assert offenders == []
