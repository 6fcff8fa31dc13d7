"""Roll-forward: our own plan of 2025 into 2026 (across the period boundary) and each example
plan into its next year: sections and items kept, every figure a placeholder with last year's
value, the year's wording rolled, the change list complete; in the chat the draft is stored like
any other, the change list comes with it, close matches in the library are offered; bad files
store nothing, and an admin's topic file still goes to the admin screens."""

from __future__ import annotations

import json
import re
from pathlib import Path

import opencc
import pytest

from bot.check import Group, check_plan
from bot.cli import main
from bot.compose.plan import PLACEHOLDER_RE, Plan
from bot.dialogue.engine import Engine
from bot.dialogue.state.document import DocumentMode
from bot.dialogue.types import EventKind
from bot.export.text import plan_to_text
from bot.library.library import Library
from bot.library.models import Level
from bot.messages import Messages
from bot.reading import read_document, read_outline
from bot.roll import RollResult, roll_forward
from bot.roll.figures import placeholders
from bot.roll.words import change_lines
from bot.search import Analyzer, MissLog, SearchService
from tests.admin_chat import OWNER, USER, Admin, admin_engine
from tests.chat import Chat, make_engine
from tests.plan_quality import plan_for, region
from tests.test_check import EXAMPLES

HAN = re.compile(r"[\u4e00-\u9fff]{6}")


def headed(plan: Plan) -> int:
    return sum(1 for s in plan.sections if s.heading)


def numbered(plan: Plan) -> int:
    return sum(1 for s in plan.sections for i in s.items if i.numbered)


def roll_text(library: Library, text: str, year: int, **options: object) -> RollResult:
    document = read_document("plan.txt", text.encode())
    outline = read_outline(document.paragraphs, traditional=document.traditional)
    return roll_forward(outline, library, year=year, **options)  # type: ignore[arg-type]


def figures_of(plan: Plan) -> list[str]:
    return [f.value for text in plan.texts() for f in placeholders(text)[1]]


@pytest.mark.parametrize("level", [Level.CITY, Level.COUNTY, Level.DISTRICT])
def test_our_2025_plan_rolls_into_2026(library: Library, level: Level) -> None:
    last = plan_for(library, "work_points", level, 2025)
    last.sections[3].items[0].text += "全市义务教育巩固率达到99.5%，新建幼儿园3所。"
    result = roll_text(library, plan_to_text(last), 2026, region=region(level))
    plan = result.plan
    assert (headed(plan), numbered(plan)) == (headed(last), numbered(last)) == result.counts
    # every figure of 2025 is a placeholder showing it, none is left bare
    assert figures_of(plan) == []
    shown = [m.group(1) for text in plan.texts() for m in PLACEHOLDER_RE.finditer(text)]
    for value in figures_of(last):
        assert any(f"（上年：{value}）" in label for label in shown), value
    assert any(label.startswith("义务教育巩固率（上年：99.5%）") for label in shown)
    # the year's wording: 十四五 → 十五五 outside titles, the 2026 era's fields in place
    era = library.eras.lookup(2026).wording
    whole = plan_to_text(plan)
    unquoted = re.sub(r"《[^》]*》", "", whole)  # titles keep their years and periods
    assert era["spirit"] in whole and era["year_role"] in whole and "2025年" not in unquoted
    assert "十四五" not in unquoted
    _change_list_is_complete(library, last, result)


def _change_list_is_complete(library: Library, last: Plan, result: RollResult) -> None:
    changes = result.changes
    assert sum(1 for c in changes if c.code == "figure") == len(figures_of(last))
    era = {c.params.get("field") for c in changes if c.code == "era"}
    assert {"spirit", "year_role"} <= era
    reviewed = [i for s in result.plan.sections for i in s.items if i.review]
    assert len([c for c in changes if c.code in ("review", "era_gone", "unparsed")]) >= len(
        reviewed)
    for finding in check_plan(result.plan, library).problems:  # what the check still flags
        if finding.group is Group.TERMS:
            assert any(c.code == "review" and c.before == finding.found for c in changes)
    lines, left = change_lines(result, Messages().text)
    assert left == 0 and len(lines) == len(changes)
    assert all(line and "{{" not in line for line in lines)


@pytest.mark.parametrize(("name", "year"), [
    ("city-education-work-points-2023.txt", 2024), ("education-bureau-plans-2005-2012.txt", 2013)])
def test_each_example_rolls_forward_and_nothing_is_dropped(
    library: Library, name: str, year: int
) -> None:
    document = read_document(name, (EXAMPLES / name).read_bytes())
    outline = read_outline(document.paragraphs)
    result = roll_forward(outline, library, year=year)
    plan = Plan.model_validate(result.plan.model_dump(mode="json"))
    whole = plan_to_text(plan)
    for block in outline.blocks:
        for run in HAN.findall(block.text)[:1]:
            if not re.search(r"\d", block.text[: block.text.find(run) + 6]):
                assert run in whole, (block.index, run)
    assert numbered(plan) == result.counts[1] >= 10
    merged = sum(1 for c in result.changes if c.code == "merged")
    # every numbered paragraph is a heading, an item, or merged into an item (and listed)
    assert headed(plan) + numbered(plan) + merged == len(outline.numbered())
    assert figures_of(plan) == []
    if outline.year is None:
        assert result.changes[0].code == "year_assumed" and result.from_year == year - 1
    assert sum(1 for c in result.changes if c.code == "figure") >= 10


def test_a_traditional_plan_rolls_as_simplified(library: Library) -> None:
    last = plan_for(library, "work_points", Level.COUNTY, 2025)
    text = plan_to_text(last)
    simplified = roll_text(library, text, 2026)
    traditional = roll_text(library, opencc.OpenCC("s2t").convert(text), 2026)
    assert traditional.counts == simplified.counts
    assert traditional.changes[0].code == "traditional"
    assert "规划" in plan_to_text(traditional.plan)


def test_a_same_year_roll_is_refused(library: Library) -> None:
    last = plan_for(library, "work_points", Level.COUNTY, 2025)
    with pytest.raises(Exception) as caught:
        roll_text(library, plan_to_text(last), 2025)
    assert getattr(caught.value, "message_id", "") == "roll_same_year"


def test_the_cli_writes_the_plan_and_the_change_list(
    library: Library, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "2025.txt"
    source.write_text(plan_to_text(plan_for(library, "work_points", Level.COUNTY, 2025)),
                      encoding="utf-8")
    out = tmp_path / "2026.docx"
    assert main(["roll", str(source), "--year", "2026", "--format", "docx", "-o", str(out)]) == 0
    assert out.read_bytes()[:2] == b"PK"
    listing = (tmp_path / "2026.docx.changes.txt").read_text(encoding="utf-8")
    assert "2026年" in listing and "十五五" in listing
    assert "十五五" in capsys.readouterr().err
    assert main(["roll", str(source), "--year", "2026", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["plan"]["year"] == 2026 and data["from_year"] == 2025 and data["changes"]
    assert main(["roll", str(tmp_path / "none.txt"), "--year", "2026"]) == 2


@pytest.fixture(scope="module")
def search_engine(
    library: Library, admin_analyzer: Analyzer, tmp_path_factory: pytest.TempPathFactory
) -> Engine:
    data = tmp_path_factory.mktemp("roll")
    search = SearchService(admin_analyzer, library, MissLog(data / "misses.json"))
    return make_engine(library=library, search=search)


def test_in_the_chat_a_document_becomes_a_stored_draft(
    library: Library, search_engine: Engine
) -> None:
    chat = Chat(search_engine, user_id=7)
    last = plan_for(library, "work_points", Level.COUNTY, 2025)
    chat._send(kind=EventKind.FILE, file_name="2025年工作要点.txt",
               file_bytes=plan_to_text(last).encode())
    assert chat.labels == ["检查", "结转到新年度", "取消"]
    chat.press("检查")
    assert "未发现问题" in chat.text
    chat.press("结转到新年度")
    assert "2026年" in chat.labels[0]
    chat.press("2026年")
    [record] = chat.drafts()
    plan = chat.plan()
    assert plan.year == 2026 and (headed(plan), numbered(plan)) == (headed(last), numbered(last))
    assert record.meta["roll"]["from_year"] == 2025 and record.meta["roll"]["changes"]
    files = [d for r in chat.replies for d in r.documents]
    assert len(files) == 1 and "十五五".encode() in files[0].content
    assert chat.session().mode(DocumentMode) is None
    # a close match in the library, offered as a button: the library's wording takes the place
    assert chat.has_button("采用库中表述")
    variant = record.meta["roll"]["variants"][0]
    chat.press("采用库中表述")
    item = chat.plan().sections[variant["section"]].items[variant["item"]]
    assert item.clause_id == variant["clause"] and not item.edited
    offered = len(record.meta["roll"]["variants"])
    assert offered > 1 and "还有" in chat.text  # the others are offered again, fresh
    second = record.meta["roll"]["variants"][1]
    chat.press("采用库中表述")
    item = chat.plan().sections[second["section"]].items[second["item"]]
    assert item.clause_id == second["clause"]
    assert chat.drafts()[0].meta["roll"]["taken"] == [0, 1]
    # and the draft's overview checks it
    chat.press("检查")
    assert "按2026年" in chat.text


def test_bad_documents_store_nothing(search_engine: Engine) -> None:
    chat = Chat(search_engine, user_id=8)
    for name, data in (("plan.docx", b"PK\x03\x04broken"), ("empty.txt", b""),
                       ("note.md", "没有编号的一段话。".encode())):
        chat._send(kind=EventKind.FILE, file_name=name, file_bytes=data)
        assert chat.text.count("。") >= 1 and not chat.drafts()
        assert chat.engine.deps.store.sessions.load(8) is None or \
            chat.session().mode(DocumentMode) is None


def test_an_admin_s_topic_file_still_goes_to_the_admin_screens(tmp_path: Path) -> None:
    engine = admin_engine(tmp_path)
    owner = Admin(engine, OWNER)
    owner.file("preschool.yaml", b"schema_version: 1\ntopic: preschool\nclauses: [1]\n")
    assert "检查" not in owner.labels and "preschool.yaml" in owner.text
    owner.file("plan.txt", "修文县教育局2026年工作要点\n一、甲\n（一）乙。丙。\n".encode())
    assert owner.labels[:2] == ["检查", "结转到新年度"]
    user = Admin(engine, USER)
    user.file("preschool.yaml", b"schema_version: 1\n")
    assert "不能处理上传的文件" in user.text


def test_a_plan_numbered_1_straight_through_keeps_its_style(library: Library) -> None:
    text = "\n".join(["某县教育局2025年工作计划", "一、加强党建", "1.加强理论学习。组织学习。",
                      "2.落实责任制。加强管理。", "二、发展学前教育", "3.扩大资源。新建幼儿园2所。",
                      "全县教育局", "2025年1月"])
    result = roll_text(library, text, 2026)
    rendered = plan_to_text(result.plan)
    assert "　　3.扩大资源。新建幼儿园【待填：新建幼儿园（上年：2所）】。" in rendered
    assert result.plan.kind == "work_plan" and result.plan.region.level is Level.COUNTY
    closing = result.plan.sections[-1]
    assert [i.text for i in closing.items] == ["全县教育局", "2026年1月"]


def test_review_marks_show_in_the_check_until_the_item_is_rewritten(library: Library) -> None:
    from bot.compose.refine import edit_item

    last = plan_for(library, "work_points", Level.COUNTY, 2025)
    plan = roll_text(library, plan_to_text(last), 2026).plan
    marked = [(s, i) for s, section in enumerate(plan.sections)
              for i, item in enumerate(section.items) if item.review]
    assert marked  # 2025's campaign has no 2026 counterpart: that item is left to the clerk
    report = check_plan(plan, library)
    assert len([f for f in report.findings if f.group is Group.REVIEW]) == len(marked)
    for s, i in marked:
        edit_item(plan, s, i, "组织开展年度专题学习，推动学习成果转化为工作成效。")
    assert not [f for f in check_plan(plan, library).findings if f.group is Group.REVIEW]
