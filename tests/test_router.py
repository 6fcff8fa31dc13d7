"""The router: every button code has one feature, priorities are distinct, the engine names none."""

from __future__ import annotations

from pathlib import Path

from bot.dialogue.actions import Act
from bot.dialogue.features import features
from bot.dialogue.router import Router
from tests.test_layering import imported_modules

DIALOGUE = Path(__file__).resolve().parent.parent / "bot" / "dialogue"
COMMON = {Act.BACK, Act.CANCEL}  # the router's own: ⬅ and 取消 work like /back and /cancel


def test_every_button_code_belongs_to_exactly_one_feature() -> None:
    owned = [act for feature in features() for act in feature.acts]
    assert len(owned) == len(set(owned))
    assert set(owned) | COMMON == set(Act)
    assert not set(owned) & COMMON


def test_features_have_distinct_priorities_and_names() -> None:
    listed = features()
    assert len({f.priority for f in listed}) == len(listed)
    assert len({f.name for f in listed}) == len(listed)
    assert [f.priority for f in Router(listed).features] == sorted(f.priority for f in listed)


def test_the_engine_imports_no_feature() -> None:
    feature_modules = {f"bot.dialogue.{path.stem}" for path in DIALOGUE.glob("*.py")} - {
        "bot.dialogue.actions", "bot.dialogue.features", "bot.dialogue.router",
        "bot.dialogue.session", "bot.dialogue.turn", "bot.dialogue.types", "bot.dialogue.typed",
        "bot.dialogue.__init__",
    }
    assert not imported_modules(DIALOGUE / "engine.py") & feature_modules
