"""牵头科室 and 配合单位 in the chat, as a user sets them, and the task table they end up in."""

from __future__ import annotations

import io

import pytest
from docx import Document
from openpyxl import load_workbook

from bot.compose.plan import SectionRole
from bot.dialogue.draft._export import word_exporter
from bot.export.docx import plan_to_docx
from bot.export.options import ExportOptions
from bot.store import memory_store
from tests.chat import Chat, make_engine

PRESCHOOL = "三、推进学前教育普及普惠发展"
PARTY = "二、坚持和加强党对教育工作的全面领导"
UNSET = "【待填】"


@pytest.fixture
def chat() -> Chat:
    chat = Chat(make_engine(word_export=word_exporter()))
    chat.draft_quickly()
    return chat


def section_of(chat: Chat, heading: str) -> int:
    plan = chat.plan()
    return next(k for k, s in enumerate(plan.sections) if heading.endswith(s.heading))


def xlsx_rows(chat: Chat) -> list[list[object]]:
    chat.press("导出")
    chat.press("导出任务分解表（Excel）")
    [document] = [d for r in chat.replies for d in r.documents]
    assert document.filename == "清远市教育局2026年工作要点.xlsx"
    sheet = load_workbook(io.BytesIO(document.content))["任务分解表"]
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def test_a_typed_office_is_set_remembered_and_offered_next_time(chat: Chat) -> None:
    chat.press(PRESCHOOL)
    chat.press("设置牵头科室")
    assert "还没有常用的牵头科室" in chat.text and "【待填】" in chat.text
    assert chat.labels == ["返回本节"]
    chat.say("基础教育科")
    assert "已将“推进学前教育普及普惠发展”的牵头科室设为“基础教育科”" in chat.text
    assert "牵头科室：基础教育科" in chat.labels  # back on the section's screen
    s = section_of(chat, PRESCHOOL)
    assert chat.plan().sections[s].lead == "基础教育科"
    assert chat.session().offices.lead == ["基础教育科"]
    assert chat.session().current is not None and chat.session().current.KEY == "view"

    chat.press("返回概览")
    chat.press(PARTY)
    chat.press("设置牵头科室")
    assert "点下面的名称" in chat.text
    chat.press("基础教育科")
    assert chat.plan().sections[section_of(chat, PARTY)].lead == "基础教育科"
    chat.press("牵头科室：基础教育科")
    chat.say("组织人事科")  # a second name: the last used first
    assert chat.session().offices.lead == ["组织人事科", "基础教育科"]
    chat.press("牵头科室：组织人事科")
    assert chat.labels[:2] == ["组织人事科", "基础教育科"]


def test_partners_and_clearing(chat: Chat) -> None:
    chat.press(PRESCHOOL)
    chat.press("设置配合单位")
    assert "配合单位" in chat.text
    chat.say("各县（市、区）教育局")
    s = section_of(chat, PRESCHOOL)
    assert chat.plan().sections[s].partners == "各县（市、区）教育局"
    assert chat.session().offices.partners == ["各县（市、区）教育局"]
    assert chat.session().offices.lead == []  # the lists are apart
    chat.press("配合单位：各县（市、区）教育局")
    assert "现在是：各县（市、区）教育局" in chat.text
    chat.press("清除")
    assert "任务分解表里显示【待填】" in chat.text
    assert chat.plan().sections[s].partners is None
    assert "设置配合单位" in chat.labels


def test_bad_names_are_refused_politely_and_nothing_is_lost(chat: Chat) -> None:
    chat.press(PRESCHOOL)
    chat.press("设置牵头科室")
    revision = chat.drafts()[0].revision
    chat.say("科" * 31)
    assert "名称太长了（31个字），请不超过30个字" in chat.text
    assert chat.drafts()[0].revision == revision
    assert chat.session().current is not None and chat.session().current.KEY == "office"
    chat.say("基础教育科")  # still asked: the next text is the name
    assert chat.plan().sections[section_of(chat, PRESCHOOL)].lead == "基础教育科"


def test_cancel_and_back_leave_the_section_as_it_was(chat: Chat) -> None:
    chat.press(PRESCHOOL)
    chat.press("设置牵头科室")
    chat.cmd("cancel")
    assert "已取消" in chat.text and "设置牵头科室" in chat.labels
    chat.press("设置牵头科室")
    chat.press("返回本节")
    assert "设置牵头科室" in chat.labels
    chat.say("基础教育科")  # no longer asked: a draft's screen takes buttons only
    assert "请点下面的按钮" in chat.text
    assert chat.plan().sections[section_of(chat, PRESCHOOL)].lead is None
    assert chat.session().offices.lead == []


def test_only_sections_with_tasks_have_the_buttons(chat: Chat) -> None:
    plan = chat.plan()
    for section in plan.sections:
        if not section.heading:
            continue
        label = next(lbl for lbl in chat.labels if lbl.endswith(section.heading))
        chat.press(label)
        has = "设置牵头科室" in chat.labels
        assert has == (section.role is SectionRole.TOPIC), section.heading
        chat.press("返回概览")


def test_a_button_of_an_older_revision_is_stale(chat: Chat) -> None:
    chat.press(PRESCHOOL)
    old = chat.button("设置配合单位").data
    chat.press("设置牵头科室")
    chat.say("基础教育科")  # a new revision of the draft
    revision = chat.drafts()[0].revision
    chat.press_data(old)
    assert "过期" in chat.notice
    assert chat.drafts()[0].revision == revision


def test_what_is_set_in_the_chat_is_in_both_files(chat: Chat) -> None:
    rows = xlsx_rows(chat)
    assert rows[0] == ["序号", "工作任务", "牵头科室", "配合单位", "完成时限"]
    assert all(r[2] == r[3] == UNSET for r in rows[1:])  # nothing set yet
    chat.press("返回概览")
    chat.press(PRESCHOOL)
    chat.press("设置牵头科室")
    chat.say("基础教育科")
    chat.press("设置配合单位")
    chat.say("各县（市、区）教育局")
    chat.press("返回概览")
    rows = xlsx_rows(chat)
    plan = chat.plan()
    s = section_of(chat, PRESCHOOL)
    tasks = [(k, i) for k, sec in enumerate(plan.sections) if sec.role is SectionRole.TOPIC
             for i, item in enumerate(sec.items) if item.numbered]
    assert len(rows) - 1 == len(tasks)
    for row, (k, _i) in zip(rows[1:], tasks, strict=True):
        expected = ["基础教育科", "各县（市、区）教育局"] if k == s else [UNSET, UNSET]
        assert row[2:4] == expected
    doc = Document(io.BytesIO(plan_to_docx(plan, ExportOptions(tasks=True))))
    word = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert [r[1:] for r in word[1:]] == [[str(v) for v in r[1:]] for r in rows[1:]]


def test_the_lists_are_each_users_own() -> None:
    store = memory_store()
    engine = make_engine(store)
    one, two = Chat(engine, 1), Chat(engine, 2)
    one.draft_quickly()
    one.press(PRESCHOOL)
    one.press("设置牵头科室")
    one.say("基础教育科")
    two.draft_quickly()
    two.press(PRESCHOOL)
    two.press("设置牵头科室")
    assert "还没有常用的牵头科室" in two.text and "基础教育科" not in two.labels
