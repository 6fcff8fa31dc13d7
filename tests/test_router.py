"""The router: every button code has one feature, priorities are distinct, the engine names none."""

from __future__ import annotations

from pathlib import Path

from bot.dialogue.actions import all_codes
from bot.dialogue.codes import ENUMS, Codes, Common
from bot.dialogue.features import features
from bot.dialogue.router import Router
from bot.dialogue.session import MODES
from tests.test_layering import imports_in

DIALOGUE = Path(__file__).resolve().parent.parent / "bot" / "dialogue"
COMMON = set(Common)  # the router's own: ⬅ and 取消 work like /back and /cancel


def test_every_button_code_belongs_to_exactly_one_feature() -> None:
    owned = [act for feature in features() for act in feature.acts]
    assert len(owned) == len(set(owned))
    assert set(owned) | COMMON == set(Codes)
    assert not set(owned) & COMMON


def test_codes_and_their_names_are_unique_across_features() -> None:
    members = [member for kind in ENUMS for member in kind]
    assert len({m.value for m in members}) == len({m.name for m in members}) == len(members)
    assert set(all_codes().values()) == set(members)  # every enum is one the codec reads
    assert all(len(m.value) == 2 for m in members)


def test_a_feature_registers_the_codes_of_its_own_enum() -> None:
    for feature in features():
        kinds = {type(act) for act in feature.acts}
        assert len(kinds) <= 1, (feature.name, kinds)


def test_features_have_distinct_priorities_and_names() -> None:
    listed = features()
    assert len({f.priority for f in listed}) == len(listed)
    assert len({f.name for f in listed}) == len(listed)
    assert [f.priority for f in Router(listed).features] == sorted(f.priority for f in listed)


FEATURES = ("admin", "clauses", "draft", "interview", "sharing")


def _imports(path: Path) -> set[str]:
    """The modules ``path`` imports, a private name counting as its own module."""
    return {i.target for i in imports_in(path.read_text(encoding="utf-8"), "bot.dialogue.x")}


def test_the_engine_and_the_router_name_no_feature() -> None:
    for core in ("engine.py", "router.py", "session.py", "turn.py"):
        named = {m for m in _imports(DIALOGUE / core)
                 if m.split(".")[2:3] and m.split(".")[2] in FEATURES}
        assert named == set(), core


def test_a_feature_package_keeps_its_private_modules() -> None:
    leaks = []
    for path in DIALOGUE.rglob("*.py"):
        home = path.relative_to(DIALOGUE).parts[0]
        for module in _imports(path):
            parts = module.split(".")
            if len(parts) > 3 and parts[2] in FEATURES and parts[2] != home and (
                    parts[3].startswith("_")):
                leaks.append(f"{path.relative_to(DIALOGUE)} imports {module}")
    assert leaks == []
    for name in FEATURES:
        assert (DIALOGUE / name / "__init__.py").read_text(encoding="utf-8").count("__all__")


def test_each_mode_of_the_session_is_registered_by_one_feature() -> None:
    registered = [feature.mode for feature in features() if feature.mode is not None]
    assert len(registered) == len(set(registered))
    assert set(registered) == set(MODES)
