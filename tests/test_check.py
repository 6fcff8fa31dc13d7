"""The checker: each rule fires on a plan with the problem planted and stays quiet on a clean
one; the library's own plans pass it (2012–2026, every kind and level); the example plans of
../shared/reference are checked for their own years; ``planbot check`` exits 1, 0 or 2."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from bot.check import Finding, Group, check_outline, check_plan
from bot.check.words import report_lines, summary
from bot.cli import main
from bot.compose.gazetteer import resolve_region
from bot.errors import InputError
from bot.library.eras import LintRule
from bot.library.library import Library
from bot.messages import Messages
from bot.reading import read_document, read_outline
from tests.plan_quality import PLACES, plan_for

EXAMPLES = Path(__file__).resolve().parent.parent.parent / "shared" / "reference" / "examples"
KINDS = ("work_points", "work_plan", "talent_plan", "safety_plan", "summer_plan")
COUNTY = resolve_region("修文县").candidates[0]

CLEAN = """修文县教育局{year}年工作要点

一、加强党的建设
（一）加强理论学习。组织全县教育系统党员干部开展专题学习，每季度召开一次交流会。
（二）落实意识形态工作责任制。定期分析研判师生思想动态，加强阵地管理。
二、推进学前教育发展
（一）扩大普惠性资源。滚动修订幼儿园布局规划，办好乡镇中心幼儿园。
1.规范小区配套幼儿园建设和使用。
2.落实普惠性民办幼儿园认定和补助。
（二）提升保育教育质量。对照《幼儿园保育教育质量评估指南》开展自评。
"""
# A sample of each regular-expression rule's term (a plain term is its own sample).
SAMPLES = {
    "免费学前教育|免除.{0,12}保育教育费": "免费学前教育",
    "党的十七大(和十七届[^，。；]{0,24})?精神": "党的十七大精神",
    "党的十八大(和十八届[^，。；]{0,24})?精神": "党的十八大和十八届三中全会精神",
    "党的十九大(和十九届[^，。；]{0,24})?精神": "党的十九大精神",
    "九个坚持|(2018年|首次)(9月)?(召开的)?全国教育大会": "2018年全国教育大会",
}


def check_text(library: Library, text: str, year: int = 2026) -> list[tuple[str, str]]:
    outline = read_outline(text.splitlines())
    report = check_outline(outline, library, year=year, region=COUNTY)
    return [(f.code, f.found) for f in report.problems]


def plant(item: str, year: int = 2026) -> str:
    return CLEAN.format(year=year) + f"（三）{item}\n"


def test_a_clean_plan_passes(library: Library) -> None:
    for year in (2013, 2019, 2026):
        assert check_text(library, CLEAN.format(year=year), year) == []


def _sample(rule: LintRule) -> str:
    return SAMPLES.get(rule.pattern, rule.pattern)


def _outside(rule: LintRule) -> int:
    assert rule.years is not None
    start, end = rule.years
    return start - 1 if start is not None else (end or 0) + 1


def _inside(rule: LintRule) -> int:
    assert rule.years is not None
    start, end = rule.years
    return start if start is not None else end or 2026


def test_every_term_rule_fires_outside_its_years_and_not_within(library: Library) -> None:
    rules = library.lint.rules
    assert len(rules) >= 30 and all(r.source and r.years for r in rules)
    for rule in rules:
        sample = _sample(rule)
        assert rule.regex.fullmatch(sample), rule.pattern
        text = plant(f"深入学习{sample}。做好各项工作。", _outside(rule))
        found = check_text(library, text, _outside(rule))
        assert ("term", sample) in found or any(
            code == "term" and found_text in sample for code, found_text in found), rule.pattern
        inside = check_text(library, plant(f"深入学习{sample}。做好各项工作。", _inside(rule)),
                            _inside(rule))
        assert not [f for f in inside if f[0] == "term" and f[1] in sample], rule.pattern


def test_the_issue_s_examples_with_the_years_wording_offered(library: Library) -> None:
    outline = read_outline(plant("坚持以邓小平理论、“三个代表”重要思想、科学发展观为指导。贯彻"
                                 "党的十九大精神，实施“十四五”规划。", 2026).splitlines())
    report = check_outline(outline, library, year=2026, region=COUNTY)
    fixes = {f.found: f.fix for f in report.findings if f.group is Group.TERMS}
    era = library.eras.lookup(2026).wording
    assert fixes["科学发展观"] == era["thought"]
    assert fixes["党的十九大精神"] == era["spirit"]
    assert fixes["十四五"] == "十五五"
    assert all(f.params["source"] for f in report.findings if f.group is Group.TERMS)
    looking_back = check_text(library, plant("总结“十四五”期间的成就。做好各项工作。"), 2026)
    assert not [f for f in looking_back if f[0] == "term"]
    early = (("落实双减要求。做好工作。", 2020), ("培养德智体美劳全面发展的建设者。", 2017))
    for text, year in early:
        assert [f for f in check_text(library, plant(text, year), year) if f[0] == "term"]


@pytest.mark.parametrize(("planted", "code", "found"), [
    ("20XX年完成。做好各项工作。", "leftover", "20XX"),
    ("配合XX县做好工作。做好各项工作。", "leftover", "XX县"),
    ("落实*市部署。做好各项工作。", "leftover", "*市"),
    ("新建幼儿园（ ）所。做好各项工作。", "unfilled", "（ ）"),
    ("完成____项任务。做好各项工作。", "unfilled", "____"),
    ("落实【待填：目标】。做好各项工作。", "unfilled", "【待填：目标】"),
    ("加强管理，，做好各项工作。", "mark_doubled", "，，"),
    ("加强教育,体育工作。做好各项工作。", "mark_half_width", ","),
    ("组织开展“书香校园活动。做好各项工作。", "mark_unmatched", "“”"),
    ("贯彻《义务教育法。做好各项工作。", "mark_unmatched", "《》"),
    ("贯彻中小学德育工作指南，做好各项工作。", "mark_title", "中小学德育工作指南"),
    ("加强全市教育督导。做好各项工作。", "self_reference", "全市"),
    ("推动我区学校发展。做好各项工作。", "self_reference", "我区"),
])
def test_each_rule_fires_on_a_planted_problem(
    library: Library, planted: str, code: str, found: str
) -> None:
    findings = check_text(library, plant(planted)) + [
        (f.code, f.found) for f in _unfilled(library, plant(planted))]
    assert (code, found) in findings


def _unfilled(library: Library, text: str) -> list[Finding]:
    outline = read_outline(text.splitlines())
    report = check_outline(outline, library, year=2026, region=COUNTY)
    return [f for f in report.findings if f.group is Group.UNFILLED]


def test_a_missing_full_stop(library: Library) -> None:
    found = check_text(library, plant("加强安全管理。组织开展校园安全隐患排查整治，建立台账"))
    assert [code for code, _ in found] == ["mark_missing"]
    heading = check_text(library, plant("组织开展全县中小学校园安全隐患排查整治专项行动"))
    assert heading == []  # a short line without a mark is a heading


@pytest.mark.parametrize(("lines", "code"), [
    (["一、甲", "（一）甲项。正文。", "二、乙", "（一）乙项。正文。", "四、丁", "（一）丁。正文。"],
     "number_gap"),
    (["一、甲", "（一）甲项。正文。", "（一）又一项。正文。"], "number_repeat"),
    (["一、甲", "1.甲项。正文。", "（一）乙项。正文。"], "number_level"),
    (["一、甲", "1、甲项。正文。", "2.乙项。正文。"], "number_style"),
    (["一、甲", "(一)甲项。正文。", "(二)乙项。正文。"], "number_half_width"),
])
def test_numbering_problems(library: Library, lines: list[str], code: str) -> None:
    found = check_text(library, "\n".join(["修文县教育局2026年工作要点", *lines]))
    assert code in [c for c, _ in found], found


def test_one_numbered_straight_through_is_no_gap(library: Library) -> None:
    lines = ["修文县教育局2026年工作要点", "一、甲", "1.甲项。正文。", "2.乙项。正文。", "二、乙",
             "3.丙项。正文。", "三、丙", "1.丁项。正文。"]
    assert check_text(library, "\n".join(lines)) == []


def test_a_passage_said_in_two_items(library: Library) -> None:
    passage = "组织开展校园安全隐患排查整治专项行动"
    text = plant(f"年内{passage}。") + f"（四）再次{passage}。\n"
    assert "repeat" in [code for code, _ in check_text(library, text)]


def test_every_plan_the_library_makes_passes_but_for_its_placeholders(library: Library) -> None:
    checked = 0
    for kind in KINDS:
        for level in PLACES:
            for year in range(2012, 2027):
                try:
                    plan = plan_for(library, kind, level, year)
                except InputError:
                    continue
                report = check_plan(plan, library)
                assert report.problems == [], (kind, level, year, report.problems[:3])
                assert {f.group for f in report.findings} <= {Group.UNFILLED}
                checked += 1
    assert checked >= 200


def _example(name: str) -> list[str]:
    document = read_document(name, (EXAMPLES / name).read_bytes())
    return document.paragraphs


def test_the_2023_example_for_its_own_year(library: Library) -> None:
    outline = read_outline(_example("city-education-work-points-2023.txt"))
    assert outline.year == 2023
    report = check_outline(outline, library, year=2023)
    codes = Counter(f.code for f in report.findings)
    assert codes["term"] == 0  # 二十大, 十四五, 德智体美劳, 高质量教育体系 are 2023's wording
    assert codes["leftover"] >= 10  # *市 left for the city's name
    assert codes["mark_half_width"] > 0  # the scraped text uses , between Chinese
    later = check_outline(outline, library, year=2026)
    assert {f.found for f in later.findings if f.code == "term"} >= {"十四五"}


def test_the_2005_2012_example_for_2012(library: Library) -> None:
    outline = read_outline(_example("education-bureau-plans-2005-2012.txt"))
    assert outline.year is None  # the page's title names none: the user gives it
    report = check_outline(outline, library, year=2012)
    terms = {f.found for f in report.findings if f.code == "term"}
    assert not terms & {"科学发展观", "十二五"}
    assert any(f.found.startswith("20") for f in report.findings if f.code == "leftover")
    in_2019 = check_outline(outline, library, year=2019)
    assert "科学发展观" in {f.found for f in in_2019.findings if f.code == "term"}


def test_the_report_reads_grouped_and_cut(library: Library) -> None:
    outline = read_outline(_example("city-education-work-points-2023.txt"))
    report = check_outline(outline, library, year=2023)
    say = Messages().text
    lines, left = report_lines(report, say, 30)
    assert sum(1 for line in lines if not line.startswith("【")) == 30
    assert left == len(report.findings) - 30
    assert "282" in summary(report, say) or str(len(report.problems)) in summary(report, say)
    headings = [line for line in lines if line.startswith("【")]
    assert headings and all(re.match(r"【.+】\d+", h) for h in headings)


def test_cli_exit_status_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clean = tmp_path / "clean.txt"
    clean.write_text(CLEAN.format(year=2026), encoding="utf-8")
    assert main(["check", str(clean)]) == 0
    bad = tmp_path / "bad.md"
    bad.write_text(plant("落实科学发展观。做好20XX年工作。"), encoding="utf-8")
    capsys.readouterr()
    assert main(["check", str(bad), "--json", "--region", "修文县"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["year"] == 2026 and data["problems"] >= 2
    assert {"科学发展观", "20XX"} <= {f["found"] for f in data["findings"]}
    assert main(["check", str(tmp_path / "missing.txt")]) == 2
    assert "无法读取" in capsys.readouterr().err
    binary = tmp_path / "plan.docx"
    binary.write_bytes(b"not a zip")
    assert main(["check", str(binary)]) == 2
    assert "Word" in capsys.readouterr().err
    no_year = tmp_path / "no_year.txt"
    no_year.write_text(CLEAN.format(year="").replace("年工作要点", "工作要点"), encoding="utf-8")
    assert main(["check", str(no_year)]) == 2
    assert main(["check", str(no_year), "--year", "2026"]) == 0
