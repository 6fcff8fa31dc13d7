"""Refining a draft through the engine: wordings, edits, order, delete, undo, add, fill, export."""

from __future__ import annotations

import pytest

from bot.compose.plan import Plan
from bot.dialogue.draft._export import word_exporter
from bot.export.text import plan_to_markdown, plan_to_text
from tests.chat import Chat, make_engine

# 二、主要目标 holds the targets passed over (跳过), with 【待填】
PRESCHOOL = "四、推进学前教育普及普惠发展"
PARTY = "三、坚持和加强党对教育工作的全面领导"
SAFEGUARDS = "五、保障措施"


@pytest.fixture
def chat() -> Chat:
    chat = Chat(make_engine(word_export=word_exporter()))
    chat.draft_quickly(targets={"新建改扩建公办幼儿园数": "5"})
    return chat


def items(chat: Chat, heading: str) -> list[str]:
    plan = chat.plan()
    section = next(s for s in plan.sections if heading.endswith(s.heading))
    return [item.clause_id or item.text for item in section.items]


def test_overview_lists_sections_with_counts(chat: Chat) -> None:
    assert "一、总体要求（1条）" in chat.text
    assert f"{PRESCHOOL}（2条）" in chat.text
    assert "结束语（1条）" in chat.text
    assert chat.has_button(PRESCHOOL[:10])


def test_swap_wording_keeps_the_targets(chat: Chat) -> None:
    chat.press(PRESCHOOL[:10])
    assert "（一）扩大普惠性学前教育资源" in chat.text
    chat.press("（一）扩大普惠性学前教育资源")
    assert "公办幼儿园5所" in chat.text and "第1种说法，共2种" in chat.text
    chat.press("换一种说法")
    assert "已换成第2种说法" in chat.text
    assert "（一）增加普惠性学前教育资源供给" in chat.text
    assert "完善全市幼儿园布局规划，新建、改扩建公办幼儿园5所" in chat.text
    item = chat.plan().sections[3].items[0]
    assert item.variant == 1 and "5所" in item.text
    chat.press("换一种说法")
    assert chat.plan().sections[3].items[0].variant == 0
    chat.press("返回本节")
    chat.press("（二）提升保教质量")
    assert not chat.has_button("换一种说法")  # one wording only


def test_edit_marks_the_item_edited(chat: Chat) -> None:
    chat.press(PRESCHOOL[:10])
    chat.press("（二）提升保教质量")
    chat.press("编辑")
    assert "请发送这一条的新内容" in chat.text and "小学化" in chat.text
    chat.say("   ")
    assert "内容不能为空" in chat.text and "请发送这一条的新内容" in chat.text
    chat.say("字" * 2001)
    assert "一个条目请不超过2000字" in chat.text and "请发送这一条的新内容" in chat.text
    chat.say("全面推进幼儿园保育教育质量评估。")
    assert "已保存修改" in chat.text and "〔您手动修改过这一条" in chat.text
    item = chat.plan().sections[3].items[1]
    assert item.edited and item.text == "全面推进幼儿园保育教育质量评估。"
    assert item.title == "提升保教质量"


def test_a_rewritten_item_is_not_swapped_away(chat: Chat) -> None:
    chat.press(PRESCHOOL[:10])
    chat.press("（一）扩大普惠性学前教育资源")
    chat.press("编辑")
    chat.say("我们自己的写法。")
    assert not chat.has_button("换一种说法")
    chat.press("删除")
    chat.press("添加条款")
    chat.press("扩大普惠性学前教育资源")  # the library's wording is back, with the target
    assert "公办幼儿园5所" in chat.text and chat.has_button("换一种说法")


def test_edit_can_be_cancelled_or_skipped(chat: Chat) -> None:
    before = chat.plan()
    chat.press(PRESCHOOL[:10])
    chat.press("（二）提升保教质量")
    chat.press("编辑")
    chat.cmd("cancel")
    assert "已取消，内容没有改动" in chat.text and "（二）提升保教质量" in chat.text
    chat.press("编辑")
    chat.cmd("skip")
    assert "已跳过" in chat.text
    chat.press("编辑")
    chat.press("取消")
    chat.cmd("back")
    assert "（一）扩大普惠性学前教育资源" in chat.text  # back from the item: its section
    assert chat.plan() == before


def test_move_up_and_down(chat: Chat) -> None:
    chat.press(PARTY[:10])
    chat.press("（一）健全党对教育工作的领导体制")
    chat.press("下移")
    assert "已下移" in chat.text and "（二）健全党对教育工作的领导体制" in chat.text
    assert items(chat, PARTY) == ["party.integrity", "party.leadership"]
    revision = chat.drafts()[0].revision
    chat.press("下移")
    assert chat.notice == "已经在本节最后面了。"
    assert chat.drafts()[0].revision == revision
    chat.press("上移")
    assert items(chat, PARTY) == ["party.leadership", "party.integrity"]
    chat.press("上移")
    assert chat.notice == "已经在本节最前面了。"


def test_delete_and_undo(chat: Chat) -> None:
    chat.press(SAFEGUARDS)
    chat.press("（一）加强组织领导")
    chat.press("删除")
    assert "已删除" in chat.text and chat.has_button("撤销删除")
    assert items(chat, SAFEGUARDS) == ["safeguards.supervision"]
    chat.press("撤销删除")
    assert "已恢复" in chat.text and not chat.has_button("撤销删除")
    assert items(chat, SAFEGUARDS) == ["safeguards.organisation", "safeguards.supervision"]


def test_undo_offered_on_the_section_until_used(chat: Chat) -> None:
    chat.press(SAFEGUARDS)
    chat.press("（二）强化督导考核")
    chat.press("删除")
    chat.press("返回概览")
    chat.press(SAFEGUARDS)
    chat.press("撤销删除")
    assert items(chat, SAFEGUARDS) == ["safeguards.organisation", "safeguards.supervision"]


def test_add_clause_from_the_topic(chat: Chat) -> None:
    chat.press(PRESCHOOL[:10])
    chat.press("添加条款")
    assert "加强幼儿园教师队伍建设（备选）" in chat.text
    chat.press("加强幼儿园教师队伍建设")
    assert "已添加" in chat.text and "（三）加强幼儿园教师队伍建设" in chat.text
    assert items(chat, PRESCHOOL)[-1] == "preschool.teachers"
    chat.press("返回本节")
    assert not chat.has_button("添加条款")  # nothing left to add
    chat.press("返回概览")
    chat.press(SAFEGUARDS)
    chat.press("添加条款")
    chat.press("落实经费保障")
    assert items(chat, SAFEGUARDS)[-1] == "safeguards.funding"


def test_swap_heading(chat: Chat) -> None:
    chat.press(PARTY[:10])
    chat.press("换个标题说法")
    assert "三、全面加强教育系统党的建设" in chat.text
    plan = chat.plan()
    assert plan.sections[2].heading == "全面加强教育系统党的建设"


def test_fill_a_target_from_the_todo_list() -> None:
    chat = Chat(make_engine())
    chat.draft_quickly()
    assert "还有1处【待填】" in chat.text
    chat.press("待填清单（1项）")
    assert "新建改扩建公办幼儿园数 —— 点按钮填写" in chat.text
    chat.press("填写：新建改扩建公办幼儿园数")
    assert "请填写“新建改扩建公办幼儿园数”" in chat.text
    chat.say("-3")
    assert "请填写不小于0的整数" in chat.text and "请填写“新建" in chat.text
    chat.say("6")
    assert "已填写，更新了1处" in chat.text and "没有【待填】内容了" in chat.text
    plan = chat.plan()
    assert plan.targets == {"preschool_new_kindergartens": "6"}
    assert "公办幼儿园6所" in plan.sections[2].items[0].text  # 全部跳过: no 主要目标


def test_fill_keeps_hand_edited_items_and_says_so() -> None:
    chat = Chat(make_engine())
    chat.draft_quickly(topics=("学前教育",))
    chat.press("二、推进学前教育")
    chat.press("（一）扩大普惠性学前教育资源")
    chat.press("换一种说法")
    chat.press("编辑")
    chat.say("年内新建幼儿园【待填：新建改扩建公办幼儿园数】所，另有改扩建项目。")
    chat.press("返回本节")
    chat.press("返回概览")
    chat.press("待填清单")
    assert "请编辑二、推进学前教育普及普惠发展（一）" in chat.text
    chat.press("修改：")
    assert "年内新建幼儿园" in chat.text and chat.has_button("编辑")


def test_fill_the_region_of_a_placeholder_draft() -> None:
    chat = Chat(make_engine())
    chat.draft_quickly(region="某县", targets={"新建改扩建公办幼儿园数": "2"})
    assert "《【待填：县名】教育局2026年工作要点》" in chat.text
    chat.press("待填清单")
    assert "县名 —— 点按钮填写地区名称" in chat.text
    chat.press("填写：县名")
    chat.say("修文县")
    plan = chat.plan()
    assert plan.title == "修文县教育局2026年工作要点"
    assert plan.bureau == "修文县教育局" and plan.region.province == "贵州省"
    assert plan.placeholders() == ["学校党组织覆盖率", "学前三年毛入园率"]  # passed over (跳过)
    assert "公办幼儿园2所" in plan.sections[3].items[0].text  # targets survive


def test_preview_shows_the_whole_text(chat: Chat) -> None:
    chat.press("预览全文")
    assert chat.replies[0].text == plan_to_text(chat.plan())
    assert not chat.replies[0].edit
    assert chat.has_button("返回概览") and chat.has_button("导出")
    chat.press("返回概览")
    assert "点章节查看" in chat.text


def test_export_markdown_text_and_word(chat: Chat) -> None:
    chat.press("导出")
    assert chat.labels[:3] == ["导出Word", "导出Markdown", "导出纯文本"]
    chat.press("导出Markdown")
    [document] = [d for r in chat.replies for d in r.documents]
    assert document.filename == "清远市教育局2026年工作要点.md"
    assert document.content.decode() == plan_to_markdown(chat.plan())
    assert "已发送：清远市教育局2026年工作要点.md" in chat.replies[0].text
    chat.press("导出纯文本")
    [document] = [d for r in chat.replies for d in r.documents]
    assert document.filename.endswith(".txt")
    chat.press("导出Word")
    [document] = [d for r in chat.replies for d in r.documents]
    assert document.filename.endswith(".docx") and document.content[:2] == b"PK"


def test_no_word_export_without_the_module() -> None:
    chat = Chat(make_engine())
    chat.draft_quickly()
    chat.press("导出")
    assert "导出Word" not in chat.labels


def test_rename_and_retitle(chat: Chat) -> None:
    chat.press("改草稿名")
    assert "当前：清远市教育局2026年工作要点" in chat.text
    chat.say("名" * 61)
    assert "名称太长了" in chat.text
    chat.say("2026要点（初稿）")
    assert "草稿名已修改" in chat.text and "草稿名：2026要点（初稿）" in chat.text
    chat.press("改标题")
    chat.say("清远市教育局2026年工作要点（征求意见稿）")
    assert "标题已修改" in chat.text
    record = chat.drafts()[0]
    assert record.name == "2026要点（初稿）"
    assert Plan.model_validate(record.plan).title.endswith("（征求意见稿）")
    chat.press("导出")
    chat.press("导出纯文本")
    assert chat.replies[1].documents[0].filename == "清远市教育局2026年工作要点（征求意见稿）.txt"


def test_back_cancel_skip_and_text_in_the_draft_view(chat: Chat) -> None:
    chat.press(PRESCHOOL[:10])
    chat.press("（一）扩大普惠性学前教育资源")
    chat.cmd("back")
    assert "点条目查看" in chat.text
    chat.cmd("back")
    assert "点章节查看" in chat.text
    chat.cmd("skip")
    assert "没有可以跳过" in chat.text and "点章节查看" in chat.text
    chat.say("改一下")
    assert "请点下面的按钮" in chat.text
    chat.cmd("back")
    assert "我的草稿（共1份" in chat.text
    chat.cmd("back")
    assert "这里已经是草稿列表" in chat.text
    chat.press("清远市教育局")
    chat.cmd("cancel")
    assert "已关闭草稿" in chat.text
    assert chat.session().view is None
    chat.cmd("help")
    assert "/new" in chat.text


def test_a_change_by_someone_else_makes_the_screen_stale(chat: Chat) -> None:
    record = chat.drafts()[0]
    store = chat.engine.deps.store
    store.drafts.add_collaborator(record.id, 2)
    colleague = Chat(chat.engine, user_id=2)
    chat.press(PARTY[:10])
    chat.press("（一）健全党对教育工作的领导体制")
    chat.press("编辑")
    colleague.cmd("drafts")
    colleague.press("清远市教育局")
    colleague.press(PARTY[:10])
    colleague.press("（一）健全党对教育工作的领导体制")
    colleague.press("下移")
    chat.say("我的改法")  # the draft changed while the bot waited for this text
    assert "草稿已被其他协作者修改" in chat.text and "（二）健全党对" in chat.text
    assert items(chat, PARTY) == ["party.integrity", "party.leadership"]
    assert not any(i.edited for s in chat.plan().sections for i in s.items)
    chat.press("放弃")  # (test_share_edit.py: 仍用我的版本)
    assert not any(i.edited for s in chat.plan().sections for i in s.items)
    chat.cmd("drafts")
    chat.press("清远市教育局")
    stale = colleague.button("上移")
    chat.press(PARTY[:10])
    chat.press("（二）健全党对教育工作的领导体制")
    chat.press("上移")
    colleague.press_data(stale.data)
    assert "过期" in colleague.notice
    assert items(chat, PARTY) == ["party.leadership", "party.integrity"]
