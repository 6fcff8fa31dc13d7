"""The core knows no transport: nothing under bot/ outside bot/adapters/ imports telegram."""

from __future__ import annotations

import ast
from pathlib import Path

BOT = Path(__file__).resolve().parent.parent / "bot"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_only_adapters_import_telegram() -> None:
    core = [p for p in BOT.rglob("*.py") if "adapters" not in p.relative_to(BOT).parts]
    assert len(core) > 20
    leaks = {
        str(path.relative_to(BOT)): sorted(m for m in imported_modules(path)
                                          if m == "telegram" or m.startswith("telegram."))
        for path in core
    }
    assert {k: v for k, v in leaks.items() if v} == {}


def test_the_dialogue_does_not_know_its_adapters() -> None:
    for path in (BOT / "dialogue").glob("*.py"):
        assert not any(m.startswith("bot.adapters") for m in imported_modules(path)), path
