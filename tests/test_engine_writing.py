"""What a clerk writes into a draft themselves, and arranges: items and sections of their own,
an item's lead and a section's heading, the library wording back, a priority area added later,
the numbering style, an item moved to a place in one step. What is typed, what the user sees."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot.adapters.console import run_console
from bot.compose.assemble import assemble_plan
from bot.compose.numbering import lines
from bot.compose.plan import NumberingStyle, Plan, SectionRole
from bot.compose.refine import request_for
from bot.dialogue.actions import decode, encode
from bot.dialogue.codes import Codes as Act
from bot.export.text import plan_to_text
from bot.store import open_store
from tests.chat import Chat, make_engine, small_library


@pytest.fixture
def chat() -> Chat:
    c = Chat(make_engine())
    c.draft_quickly()
    return c


def _forged(chat: Chat, label: str, **change: int) -> str:
    """The data of the latest button ``label`` with some of its numbers changed (a forgery)."""
    action = decode(chat.button(label).data)
    assert action is not None
    ints = list(action.ints)
    for index, value in change.items():
        ints[int(index.removeprefix("n"))] = value
    return encode(action.nonce, action.act, action.draft, *ints)


def _collaborator_saves(chat: Chat, edit: str) -> None:
    """Someone else saves the draft meanwhile: the first item of 总体要求 gets ``edit``."""
    store = chat.engine.deps.store.drafts
    record = chat.drafts()[0]
    plan = Plan.model_validate(record.plan)
    plan.sections[0].items[0].text = edit
    store.put(record.model_copy(update={"plan": plan.model_dump(mode="json")}),
              expected_revision=record.revision)


# --- 1. items and sections of one's own ---------------------------------------------------------


def test_an_item_of_ones_own_text_in_any_section(chat: Chat) -> None:
    chat.press("二、坚持和加强党对教育工作的全面领导")
    chat.press("自己写一条")
    assert "末尾的内容（不超过2000字）" in chat.text and "本地的项目" in chat.text
    chat.say("全年开展“清廉学校”建设示范校创建，新创建示范校12所。")
    assert "已添加到本节末尾" in chat.text
    assert "（三）\n全年开展“清廉学校”建设示范校创建，新创建示范校12所。" in chat.text
    assert "这一条是您自己写的" in chat.text and not chat.has_button("恢复条款库原文")
    [section] = [s for s in chat.plan().sections if s.id == "party"]
    own = section.items[-1]
    assert (own.clause_id, own.edited, own.numbered) == (None, True, True)
    assert "（三）全年开展“清廉学校”建设示范校创建" in plan_to_text(chat.plan())
    chat.press("返回本节")
    chat.press("返回概览")
    chat.press("一、总体要求")  # a prose section: the item is a paragraph of it, not numbered
    chat.press("自己写一条")
    chat.say("我县已连续三年获评全省教育工作先进县。")
    general = chat.plan().sections[0]
    assert general.items[-1].text == "我县已连续三年获评全省教育工作先进县。"
    assert not general.items[-1].numbered


def test_an_own_text_of_several_paragraphs_becomes_items(chat: Chat) -> None:
    chat.press("三、推进学前教育普及普惠发展")
    chat.press("自己写一条")
    paragraph = "新建城区公办幼儿园一所，" * 100  # 1,200 characters
    chat.say(f"{paragraph}\n{paragraph}")
    assert "按段落拆成2条" in chat.labels[0]
    chat.press("按段落拆成2条")
    assert "已按段落添加为2条" in chat.text
    [section] = [s for s in chat.plan().sections if s.id == "preschool"]
    assert [i.text for i in section.items[-2:]] == [paragraph, paragraph]


def test_a_section_with_a_heading_one_types(chat: Chat) -> None:
    chat.press("新增一节")
    assert "新一节的标题" in chat.text and "保障措施之前" in chat.text
    chat.say("实施县域教育集团化办学")
    assert "已新增这一节" in chat.text
    assert "四、实施县域教育集团化办学\n（本节没有条目）" in chat.text
    chat.press("自己写一条")
    chat.say("组建城区第一教育集团，覆盖城乡学校8所。")
    chat.press("返回本节")
    chat.press("返回概览")
    # the numbering follows
    assert "四、实施县域教育集团化办学（1条）\n五、保障措施（2条）" in chat.text
    plan = chat.plan()
    assert [s.heading for s in plan.sections][3:5] == ["实施县域教育集团化办学", "保障措施"]
    assert "own1" not in plan.topic_ids()  # not a library topic: the assembler is not asked
    text = plan_to_text(plan)
    assert "四、实施县域教育集团化办学\n　　（一）组建城区第一教育集团" in text
    assert "五、保障措施" in text


def test_a_heading_too_long_is_refused_and_nothing_added(chat: Chat) -> None:
    chat.press("新增一节")
    chat.say("长" * 61)
    assert "标题太长了（61字），请不超过60个字" in chat.text
    assert len(chat.plan().sections) == 5
    chat.say("   ")
    assert "标题不能为空" in chat.text


def test_an_own_item_typed_while_a_collaborator_saved_goes_on_their_version(chat: Chat) -> None:
    chat.press("二、坚持和加强党对教育工作的全面领导")
    chat.press("自己写一条")
    _collaborator_saves(chat, "同事改过的总体要求。")
    chat.say("我们自己的一条。")  # adds, replaces nothing: both changes are kept
    assert "已添加到本节末尾" in chat.text
    plan = chat.plan()
    assert plan.sections[0].items[0].text == "同事改过的总体要求。"
    assert plan.sections[1].items[-1].text == "我们自己的一条。"


def test_forged_own_buttons_are_refused_and_change_nothing(chat: Chat) -> None:
    before = chat.drafts()[0]
    chat.press("二、坚持和加强党对教育工作的全面领导")
    chat.press_data(_forged(chat, "自己写一条", n1=99))
    assert "按钮无效" in chat.notice
    chat.press("返回概览")
    rev = decode(chat.button("新增一节").data)
    assert rev is not None
    chat.press_data(encode(rev.nonce, Act.OWN_SECTION, rev.draft, rev.ints[0] + 1))
    assert "过期" in chat.notice or "无效" in chat.notice
    assert chat.drafts()[0].plan == before.plan and chat.session().pending is None


# --- 2. an item's lead, a section's heading -------------------------------------------------------


def test_edit_an_items_lead_and_a_sections_heading(chat: Chat) -> None:
    chat.press("二、坚持和加强党对教育工作的全面领导")
    chat.press("（一）健全党对教育工作的领导体制")
    body = chat.plan().sections[1].items[0].text
    chat.press("修改小标题")
    assert "新小标题" in chat.text and "正文不变" in chat.text
    chat.say("加强党的政治建设")
    assert "小标题已修改" in chat.text and f"（一）加强党的政治建设\n{body}" in chat.text
    item = chat.plan().sections[1].items[0]
    assert (item.title, item.text, item.edited) == ("加强党的政治建设", body, True)
    chat.press("返回本节")
    assert chat.has_button("换个标题说法")
    chat.press("修改本节标题")
    chat.say("全面加强党的建设")
    assert "本节标题已修改" in chat.text and "二、全面加强党的建设" in chat.text
    assert not chat.has_button("换个标题说法")  # it would throw the typed heading away
    assert chat.plan().sections[1].heading == "全面加强党的建设"
    assert "二、全面加强党的建设" in plan_to_text(chat.plan())


def test_a_lead_typed_over_a_collaborators_lead_shows_the_conflict(chat: Chat) -> None:
    chat.press("一、总体要求")
    chat.press("总体要求")
    chat.press("修改小标题")
    store = chat.engine.deps.store.drafts
    record = chat.drafts()[0]
    plan = Plan.model_validate(record.plan)
    plan.sections[0].items[0].title = "同事的小标题"
    store.put(record.model_copy(update={"plan": plan.model_dump(mode="json")}),
              expected_revision=record.revision)
    chat.say("我的小标题")
    assert "小标题已被其他协作者修改" in chat.text and "我的小标题" in chat.text
    assert chat.plan().sections[0].items[0].title == "同事的小标题"
    chat.press("仍用我的版本")
    assert chat.plan().sections[0].items[0].title == "我的小标题"


# --- 3. the library wording back ------------------------------------------------------------------


def test_restore_the_library_wording_of_an_edited_item(chat: Chat) -> None:
    chat.press("二、坚持和加强党对教育工作的全面领导")
    chat.press("（一）健全党对教育工作的领导体制")
    chat.press("换一种说法")
    original = chat.plan().sections[1].items[0]
    assert original.variant == 1
    assert not chat.has_button("恢复条款库原文")
    chat.press("编辑")
    chat.say("我们改写的文字。")
    assert "恢复条款库原文" in chat.text and chat.has_button("恢复条款库原文")
    assert not chat.has_button("换一种说法")
    chat.press("恢复条款库原文")
    assert "已恢复条款库原文" in chat.text and original.text in chat.text
    assert chat.plan().sections[1].items[0] == original  # its clause, its wording, not edited
    assert chat.has_button("换一种说法")


def test_a_forged_restore_of_an_unedited_item_is_refused(chat: Chat) -> None:
    chat.press("二、坚持和加强党对教育工作的全面领导")
    chat.press("（一）健全党对教育工作的领导体制")
    before = chat.drafts()[0]
    edit = decode(chat.button("编辑").data)
    assert edit is not None
    chat.press_data(encode(edit.nonce, Act.RESTORE, edit.draft, *edit.ints))
    assert "按钮无效" in chat.notice and chat.drafts()[0].revision == before.revision


# --- 4. a priority area added later ---------------------------------------------------------------


def test_add_a_priority_area_after_the_draft_was_made(chat: Chat) -> None:
    chat.press("二、坚持和加强党对教育工作的全面领导")
    chat.press("（一）健全党对教育工作的领导体制")
    chat.press("编辑")
    chat.say("保留我改过的这一条。")
    chat.press("返回本节")
    chat.press("返回概览")
    chat.press("添加重点领域")
    assert "已有的重点领域：党的建设、学前教育" in chat.text
    assert chat.labels[:1] == ["义务教育"]
    chat.press("义务教育")
    assert "已添加“义务教育”" in chat.text
    plan = chat.plan()
    assert plan.topic_ids() == ["party", "preschool", "compulsory"]
    assert plan.sections[1].items[0].text == "保留我改过的这一条。"  # the rest is untouched
    # where the assembler puts it: the same sections, in the same order, as a plan drafted so
    fresh = assemble_plan(request_for(plan), small_library())
    assert [s.heading for s in plan.sections] == [s.heading for s in fresh.sections]
    [added] = [s for s in plan.sections if s.id == "compulsory"]
    assert [i.clause_id for i in added.items] == [
        i.clause_id for s in fresh.sections if s.id == "compulsory" for i in s.items]
    chat.press("返回概览")
    assert "四、" in chat.text and not chat.has_button("添加重点领域")  # none left to add


def test_a_kind_with_its_own_sections_offers_no_priority_to_add() -> None:
    chat = Chat(make_engine())
    chat.cmd("new")
    chat.say("清远")
    chat.say("2026")
    chat.press("学前教育专项工作计划")
    chat.press("全部跳过")
    chat.press("分级编号")
    chat.press("生成草稿")
    assert not chat.has_button("添加重点领域") and chat.has_button("新增一节")


# --- 5. the numbering style -----------------------------------------------------------------------


def test_switch_the_numbering_style_later(chat: Chat) -> None:
    assert chat.plan().style is NumberingStyle.HIERARCHICAL
    stale = chat.button("改用连续编号").data
    chat.press("改用连续编号")
    assert "已改用连续编号" in chat.text and chat.has_button("改用分级编号")
    plan = chat.plan()
    assert plan.style is NumberingStyle.FLAT
    numbered = [line.label for line in lines(plan) if line.level == 3]
    assert numbered == [f"{n}." for n in range(1, len(numbered) + 1)]  # straight through
    chat.press_data(stale)  # the old screen's button: the draft has moved on
    assert "过期" in chat.notice and chat.plan().style is NumberingStyle.FLAT
    chat.press("改用分级编号")
    assert chat.plan().style is NumberingStyle.HIERARCHICAL


# --- 6. an item moved to a place in one step -----------------------------------------------------


def test_move_an_item_to_a_place_in_one_step(chat: Chat) -> None:
    chat.press("二、坚持和加强党对教育工作的全面领导")
    for text in ("第三条。", "第四条。"):
        chat.press("自己写一条")
        chat.say(text)
        chat.press("返回本节")
    chat.press("（四）第四条")
    chat.press("移到第…位")
    assert "本节第4条（共4条）" in chat.text and chat.labels == ["1", "2", "3", "返回这一条"]
    chat.say("1")  # the place's number typed presses its button
    assert "已移到第1位" in chat.text and "（一）\n第四条。" in chat.text
    items = chat.plan().sections[1].items
    assert (items[0].text, items[3].text) == ("第四条。", "第三条。")
    chat.press("移到第…位")
    chat.press("3")
    assert chat.plan().sections[1].items[2].text == "第四条。"
    chat.press("移到第…位")
    chat.say("第九位")
    assert "请点要移到的位置" in chat.text
    chat.cmd("back")
    assert "（三）\n第四条。" in chat.text  # back on the item


def test_forged_places_are_refused(chat: Chat) -> None:
    chat.press("二、坚持和加强党对教育工作的全面领导")
    chat.press("自己写一条")
    chat.say("第三条。")
    chat.press("移到第…位")
    before = chat.drafts()[0]
    chat.press_data(_forged(chat, "1", n3=9))
    assert "按钮无效" in chat.notice
    chat.press_data(_forged(chat, "1", n3=2))  # its own place
    assert "按钮无效" in chat.notice and chat.drafts()[0].revision == before.revision


# --- 8. the review of a kind that always has its targets section ----------------------------------


def test_skip_all_in_a_kind_that_always_has_its_targets_says_what_the_draft_does() -> None:
    chat = Chat(make_engine())
    chat.cmd("new")
    chat.say("清远")
    chat.say("2026")
    chat.press("学前教育专项工作计划")
    assert "“工作目标”里仍列出它们，数字处留【待填】标记" in chat.text
    chat.press("全部跳过")
    chat.press("分级编号")
    assert "学前三年毛入园率：待填" in chat.text and "不列入" not in chat.text
    chat.press("生成草稿")
    plan = chat.plan()
    [targets] = [s for s in plan.sections if s.role is SectionRole.TARGETS]
    assert "【待填：学前三年毛入园率】" in targets.items[0].text


def test_help_on_the_new_screens_says_what_to_do(chat: Chat) -> None:
    chat.press("添加重点领域")
    chat.cmd("help")
    assert "把它的条款加进草稿" in chat.text and chat.has_button("义务教育")
    chat.cmd("back")
    assert "《清远市教育局2026年工作要点》" in chat.text
    chat.press("二、坚持和加强党对教育工作的全面领导")
    chat.press("自己写一条")
    chat.say("第三条。")
    chat.press("移到第…位")
    chat.cmd("help")
    assert "点要移到的位置" in chat.text and chat.labels[:2] == ["1", "2"]


def test_move_to_a_place_in_the_terminal(tmp_path: Path) -> None:
    """In the terminal a number presses the numbered button; on the screen of places the
    buttons are the places' numbers, and the number typed is the place (not the n-th button)."""
    engine = make_engine(open_store(tmp_path), data_dir=tmp_path)
    chat = Chat(engine, user_id=0)
    chat.draft_quickly()
    chat.press("二、坚持和加强党对教育工作的全面领导")
    chat.press("自己写一条")
    chat.say("第三条。")
    out = io.StringIO()
    run_console(engine, io.StringIO("移到第…位\n1\n"), out)
    text = out.getvalue()
    assert "[1]  [2]  [返回这一条]" in text and "已移到第1位" in text
    assert Plan.model_validate(engine.deps.store.drafts.list_for(0)[0].plan
                               ).sections[1].items[0].text == "第三条。"


def test_forged_priority_and_style_buttons_are_refused(chat: Chat) -> None:
    before = chat.drafts()[0]
    chat.press_data(_forged(chat, "改用连续编号", n1=0))  # the style the draft has already
    assert "按钮无效" in chat.notice
    chat.press("添加重点领域")
    chat.press_data(_forged(chat, "义务教育", n1=5))
    assert "按钮无效" in chat.notice
    assert chat.drafts()[0].revision == before.revision and chat.drafts()[0].plan == before.plan


def test_move_a_section_among_the_task_sections(chat: Chat) -> None:
    chat.press("新增一节")
    chat.say("实施县域教育集团化办学")  # after the last priority: 四、
    chat.press("调整本节位置")
    assert "这一节现在排第3个（共3个）" in chat.text and "3. 实施县域教育集团化办学" in chat.text
    assert chat.labels == ["1", "2", "返回本节"]
    chat.say("1")
    assert "这一节已移到第1个" in chat.text and "二、实施县域教育集团化办学" in chat.text
    headings = [s.heading for s in chat.plan().sections]
    assert headings[:5] == [
        "总体要求", "实施县域教育集团化办学", "坚持和加强党对教育工作的全面领导",
        "推进学前教育普及普惠发展", "保障措施"]
    chat.press("调整本节位置")
    chat.say("第九个")
    assert "请点这一节要去的位置" in chat.text
    chat.cmd("back")
    assert "二、实施县域教育集团化办学" in chat.text
    chat.press("返回概览")
    chat.press("五、保障措施")  # not a task section: it keeps its place
    assert not chat.has_button("调整本节位置")
    before = chat.drafts()[0]
    chat.press("返回概览")
    chat.press("二、实施县域教育集团化办学")
    chat.press("调整本节位置")
    chat.press_data(_forged(chat, "2", n2=7))
    assert "按钮无效" in chat.notice and chat.drafts()[0].plan == before.plan
