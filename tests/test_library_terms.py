"""One rule set, two uses: the 提法 rules of ``_lint.yaml`` that ``planbot check`` reads plans
by hold the library too, when it loads: a clause's standing text for every year it claims, and
every era's wording for its years. The shipped library passes (``test_library_content``)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.library.eras_check import standing
from bot.library.loader import LibraryError, load_library

SNIPPETS = Path(__file__).resolve().parent.parent / "snippets"


def copy_with(tmp_path: Path, name: str, old: str, new: str) -> Path:
    target = tmp_path / "snippets"
    shutil.copytree(SNIPPETS, target)
    path = target / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return target


def problems(directory: Path) -> list[str]:
    with pytest.raises(LibraryError) as caught:
        load_library(directory)
    return [str(p) for p in caught.value.problems]


def test_a_clause_claiming_years_its_words_do_not_fit_is_refused(tmp_path: Path) -> None:
    old = "    title: 坚持和加强党对教育工作的全面领导\n"
    new = "    title: 坚持和加强党对教育工作的全面领导，深入贯彻落实科学发展观\n"
    found = problems(copy_with(tmp_path, "party.yaml", old, new))
    assert len(found) == 1
    assert "party.yaml" in found[0] and "[party.heading] title" in found[0]
    assert "科学发展观 does not fit a 2018 plan" in found[0] and "党的十九大" in found[0]


def test_a_term_inside_a_year_condition_is_left_to_the_rendering(tmp_path: Path) -> None:
    old = "    title: 坚持和加强党对教育工作的全面领导\n"
    new = ('    title: "坚持和加强党对教育工作的全面领导{% if year <= 2017 %}，'
           '落实科学发展观{% endif %}"\n')
    load_library(copy_with(tmp_path, "party.yaml", old, new))


def test_an_era_s_wording_is_held_to_the_rules(tmp_path: Path) -> None:
    old = "    thought: 以习近平新时代中国特色社会主义思想为指导\n    discourse: 全国教育大会精神"
    new = ("    thought: 以习近平新时代中国特色社会主义思想为指导，深入贯彻落实科学发展观\n"
           "    discourse: 全国教育大会精神")
    found = problems(copy_with(tmp_path, "_eras.yaml", old, new))
    assert found and all("_eras.yaml" in p and "科学发展观" in p for p in found)
    assert any("eras[2019].thought" in p for p in found)


def test_a_rule_without_its_source_is_refused(tmp_path: Path) -> None:
    old = ", source: 党的十九大（2017年10月）：以习近平新时代中国特色社会主义思想为指导"
    found = problems(copy_with(tmp_path, "_lint.yaml", old, ""))
    assert any("_lint.yaml" in p and "source" in p for p in found)


def test_standing_text() -> None:
    text = "落实{% if year >= 2022 %}双减{% else %}减负{% endif %}要求，{{ scope }}推进"
    assert "双减" not in standing(text) and "减负" not in standing(text)
    assert standing(text).startswith("落实") and standing(text).endswith("推进")
