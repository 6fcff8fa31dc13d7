"""The export screen in the chat: the 【待填】 left, what the Word file carries (落款和日期,
印发通知 and its 发文字号, 任务分解表), the bureau's name, files named per draft, 改标题 against
改草稿名.

Driven through the engine as a user would (the same engine Telegram, DingTalk and the terminal
use); the Word files are the real export's, read back with python-docx.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from docx import Document

from bot.compose.plan import Plan
from bot.export.docx import plan_to_docx
from bot.export.options import ExportOptions
from tests.chat import TODAY, Chat, make_engine

DATE = f"{TODAY.year}年{TODAY.month}月{TODAY.day}日"


class Recorded:
    """The real Word export, remembering the options of each call."""

    def __init__(self) -> None:
        self.options: list[ExportOptions] = []

    def __call__(self, plan: Plan, options: ExportOptions) -> bytes:
        self.options.append(options)
        return plan_to_docx(plan, options)


@pytest.fixture
def export() -> Recorded:
    return Recorded()


@pytest.fixture
def chat(export: Recorded) -> Chat:
    chat = Chat(make_engine(word_export=export))
    chat.draft_quickly(region="修文县")
    return chat


def word(chat: Chat) -> Any:
    """Press 导出Word; the document sent, read back."""
    chat.press("导出Word")
    document = next(d for r in chat.replies for d in r.documents)
    return document.filename, Document(io.BytesIO(document.content))


def texts(doc: Any) -> list[str]:
    return [p.text.replace("\n", "").lstrip("\t") for p in doc.paragraphs if p.text]


def test_the_export_screen_says_how_many_placeholders_are_left_with_a_button_to_them(
        chat: Chat) -> None:
    count = sum(t.count("【待填") for t in chat.plan().texts())
    assert count > 0
    chat.press("导出")
    assert f"还有{count}处【待填】" in chat.text
    chat.press(f"待填清单（{count}处）")
    assert "待填清单（" in chat.text and "项）" in chat.text  # the to-do screen


def test_sign_and_date_are_chosen_remembered_and_dated_by_the_engines_clock(chat: Chat) -> None:
    chat.press("导出")
    assert "落款和日期：无" in chat.text
    chat.press("落款和日期")
    assert "落款和日期：有" in chat.text and chat.has_button("✓ 落款和日期")
    assert chat.drafts()[0].meta["export"]["sign"] is True
    _, doc = word(chat)
    assert texts(doc)[-2:] == [chat.plan().bureau, DATE]
    chat.press("返回概览")
    chat.press("导出")  # later: the choice is still there
    assert chat.has_button("✓ 落款和日期")
    chat.press("✓ 落款和日期")
    _, doc = word(chat)
    assert DATE not in texts(doc)


def test_a_notice_with_the_typed_document_number(chat: Chat) -> None:
    chat.press("导出")
    assert not chat.has_button("填发文字号")  # only with the notice
    chat.press("印发通知")
    assert "发文字号：【待填：发文字号】" in chat.text
    chat.press("填发文字号")
    chat.say("   ")
    assert "发文字号不能为空" in chat.text  # asked again, nothing saved
    assert chat.drafts()[0].meta["export"]["doc_number"] == ""
    chat.say("修教体发〔2026〕3号")
    assert "发文字号已设为“修教体发〔2026〕3号”" in chat.text
    _, doc = word(chat)
    parts = texts(doc)
    plan = chat.plan()
    assert parts[:2] == [f"{plan.bureau}文件", "修教体发〔2026〕3号"]
    assert parts[2] == f"{plan.bureau}关于印发《{plan.title}》的通知"
    assert parts[3].startswith("各乡镇（街道）中心学校")
    assert "附件" in parts and parts[-1].endswith(f"{DATE}印发")


def test_the_task_table_choice_reaches_the_word_export(chat: Chat, export: Recorded) -> None:
    chat.press("导出")
    chat.press("附任务分解表")
    assert "任务分解表：附上" in chat.text
    _name, document = word(chat)
    assert export.options[-1].tasks is True and export.options[-1].date == TODAY
    table = document.tables[-1]  # the task table, appended on landscape pages
    assert [cell.text for cell in table.rows[0].cells][:2] == ["序号", "工作任务"]
    assert len(document.sections) == 2
    assert export.options[-1].say is not None


def test_the_bureaus_name_is_set_per_draft_follows_into_the_file_and_the_next_draft(
        chat: Chat) -> None:
    before = chat.plan()
    assert before.bureau == "修文县教育局"
    chat.press("导出")
    chat.press("改发文机关名称")
    assert "当前：修文县教育局" in chat.text
    chat.say("修文县教育和体育局")
    assert "发文机关已改为“修文县教育和体育局”" in chat.text
    plan = chat.plan()
    assert plan.bureau == "修文县教育和体育局"
    assert plan.title == before.title.replace("修文县教育局", "修文县教育和体育局")
    _, doc = word(chat)
    assert doc.core_properties.author == "修文县教育和体育局"
    chat.draft_quickly(region="修文县")  # the next draft of the region takes the name
    newest = max(chat.drafts(), key=lambda r: r.created_at)
    assert Plan.model_validate(newest.plan).bureau == "修文县教育和体育局"
    assert Plan.model_validate(newest.plan).title.startswith("修文县教育和体育局")
    chat.draft_quickly(region="清远市")  # another region: its usual name
    newest = max(chat.drafts(), key=lambda r: r.created_at)
    assert Plan.model_validate(newest.plan).bureau == "清远市教育局"


def test_a_draft_and_its_copy_export_to_different_files(chat: Chat) -> None:
    chat.press("导出")
    first, _ = word(chat)
    assert first == f"{chat.plan().title}.docx"
    chat.press("返回概览")
    chat.press("复制")
    chat.press("导出")
    second, _ = word(chat)
    assert second != first and second.endswith("（副本）.docx")


def test_retitling_renames_a_draft_named_by_its_title_and_renaming_leaves_the_title(
        chat: Chat) -> None:
    title = chat.plan().title
    chat.press("改标题")
    assert "草稿名与标题相同时会一并修改" in chat.text
    chat.say("修文县教育局2026年工作要点（征求意见稿）")
    assert "标题已修改，草稿名也随之修改" in chat.text
    assert chat.drafts()[0].name == chat.plan().title != title
    chat.press("改草稿名")
    assert "不改变文中的标题" in chat.text
    chat.say("征求意见稿")
    assert "草稿名已修改（文中的标题不变）" in chat.text
    assert chat.plan().title == "修文县教育局2026年工作要点（征求意见稿）"
    chat.press("改标题")
    chat.say("修文县教育局2026年工作要点")
    assert "草稿名也随之修改" not in chat.text and chat.drafts()[0].name == "征求意见稿"
