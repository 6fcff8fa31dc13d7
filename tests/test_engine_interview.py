"""The interview through Engine.handle, as a user goes through it: answers, back, skip, cancel."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.compose.plan import NumberingStyle, Plan, SectionRole
from bot.dialogue.engine import Engine
from bot.dialogue.types import EventKind
from bot.library.library import Library
from bot.library.models import Level
from bot.messages import Messages
from bot.store import memory_store, open_store
from tests.chat import Chat, make_engine


@pytest.fixture
def chat() -> Chat:
    return Chat(make_engine())


def to_topics(chat: Chat, *topics: str) -> None:
    chat.cmd("new")
    chat.say("清远市")
    chat.press("2026年")
    chat.press("工作要点")
    for topic in topics:
        chat.press(topic)


def to_review(chat: Chat) -> None:
    to_topics(chat, "学前教育", "党的建设")
    chat.press("完成")
    chat.say("95")  # 学校党组织覆盖率 (party comes first)
    chat.press("跳过")  # 学前三年毛入园率
    chat.say("4")  # 新建改扩建公办幼儿园数
    chat.press("连续编号")
    assert "请核对" in chat.text


# --- the happy path ------------------------------------------------------------------------------


def test_happy_path_with_the_shipped_library(library: Library) -> None:
    engine = Engine(library, memory_store(), Messages(), clock=lambda: date(2025, 12, 1),
                    raise_errors=True)
    chat = Chat(engine, user_id=77)
    chat.cmd("start")
    assert chat.text.count("\n") == 1  # greets and explains in two lines
    chat.cmd("new")
    assert "哪个地区" in chat.text
    chat.say("清远")
    assert "哪一年" in chat.text
    assert chat.labels[:2] == ["2025年（今年）", "2026年（明年）"]
    chat.press("2026年（明年）")
    chat.press("工作要点")
    pages = -(-len(library.priority_topics(2026, Level.CITY)) // 8)  # 8 priorities a page
    assert f"第1/{pages}页" in chat.text
    chat.press("学前教育")
    chat.press("下一页")
    assert f"第2/{pages}页" in chat.text
    chat.press("教师队伍建设")
    chat.press("上一页")
    chat.press("党的建设")
    assert "已选：1.学前教育、2.教师队伍建设、3.党的建设" in chat.text
    chat.press("完成")
    given = 0
    while chat.has_button("全部跳过"):
        if "0到100" in chat.text:
            chat.say("90")
            given += 1
        elif "整数" in chat.text:
            chat.say("3")
            given += 1
        else:
            chat.press("跳过")
    assert given
    chat.press("分级编号")
    assert "地区：广东省 清远市" in chat.text
    assert "重点：党的建设、学前教育、教师队伍建设" in chat.text
    chat.press("生成草稿")
    assert "草稿已生成并保存" in chat.text
    assert "《清远市教育局2026年工作要点》" in chat.text
    [record] = chat.drafts()
    plan = Plan.model_validate(record.plan)
    assert record.owner == 77 and record.name == plan.title
    topics = [s.id for s in plan.sections if s.role is SectionRole.TOPIC]
    assert topics == ["party", "preschool", "teachers"]  # party first, then as tapped
    assert len(plan.targets) == given
    assert plan.year == 2026 and plan.region.full_name == "清远市"
    assert chat.session().interview is None


def test_a_draft_from_the_small_library_keeps_every_answer(chat: Chat) -> None:
    to_review(chat)
    assert "学校党组织覆盖率：95%" in chat.text
    assert "学前三年毛入园率：待填（草稿里留【待填】标记）" in chat.text  # 跳过
    chat.press("生成草稿")
    plan = chat.plan()
    assert plan.style is NumberingStyle.FLAT
    assert plan.targets == {"party_org_coverage": "95", "preschool_new_kindergartens": "4"}
    # 主要目标: the figure given, and the line of the one skipped with 【待填】 (as promised)
    [targets] = [s for s in plan.sections if s.heading == "主要目标"]
    assert [i.clause_id for i in targets.items] == [
        "party.target_coverage", "preschool.target_enrollment"]
    assert "95%" in targets.items[0].text and "【待填：学前三年毛入园率】" in targets.items[1].text
    assert plan.placeholders() == ["学前三年毛入园率"]
    assert "还有1处【待填】" in chat.text


# --- back ----------------------------------------------------------------------------------------


def test_back_from_every_question_keeps_the_answers(chat: Chat) -> None:
    to_review(chat)
    expected = [
        ("条目怎样编号", "当前：连续编号"),
        ("新建改扩建公办幼儿园数", "当前：4"),
        ("学前三年毛入园率", ""),
        ("学校党组织覆盖率", "当前：95%"),
        ("重点工作", "已选：1.学前教育、2.党的建设"),
        ("哪种文件", "当前：工作要点"),
        ("哪一年", "当前：2026年"),
        ("哪个地区", "当前：广东省 清远市"),
    ]
    for question, current in expected:
        chat.cmd("back")
        assert question in chat.text
        assert current in chat.text
    chat.cmd("back")
    assert "已经是第一步" in chat.text
    # going forward again: each answered question offers to keep its answer
    chat.press("保持不变")
    assert "哪一年" in chat.text
    chat.say("2027")
    assert "哪种文件" in chat.text
    chat.press("保持不变")
    chat.press("完成")
    for _ in range(3):
        chat.press("保持不变")
    chat.press("保持不变")
    assert "请核对" in chat.text and "年份：2027年" in chat.text


def test_back_button_and_back_from_region_candidates(chat: Chat) -> None:
    chat.cmd("new")
    chat.say("朝阳")
    assert "4个同名地区" in chat.text
    chat.press("上一步")
    assert "哪个地区" in chat.text
    chat.say("清远")
    chat.press("上一步")
    assert "哪个地区" in chat.text and "当前：广东省 清远市" in chat.text


def test_back_after_a_change_from_the_review_returns_to_the_review(chat: Chat) -> None:
    to_review(chat)
    chat.press("改年份")
    assert "哪一年" in chat.text
    chat.cmd("back")
    assert "请核对" in chat.text and "年份：2026年" in chat.text


# --- skip ----------------------------------------------------------------------------------------


def test_skip_at_every_question(chat: Chat) -> None:
    chat.cmd("new")
    chat.cmd("skip")
    assert "不能跳过" in chat.text and "哪个地区" in chat.text
    chat.say("清远")
    chat.cmd("skip")
    assert "不能跳过" in chat.text and "哪一年" in chat.text
    chat.say("2026")
    chat.cmd("skip")  # kind: the usual one
    assert "重点工作" in chat.text
    chat.cmd("skip")
    assert "不能跳过" in chat.text
    chat.press("义务教育")
    chat.press("完成")
    assert "义务教育重点项目名称" in chat.text
    chat.cmd("skip")
    assert "条目怎样编号" in chat.text
    chat.cmd("skip")  # style: hierarchical
    assert "请核对" in chat.text and "分级编号" in chat.text and "类型：工作要点" in chat.text
    chat.cmd("skip")
    assert "生成草稿" in chat.text and "请核对" in chat.text
    chat.press("生成草稿")
    assert chat.plan().style is NumberingStyle.HIERARCHICAL
    assert chat.plan().kind == "work_points"


def test_skip_all_targets(chat: Chat) -> None:
    to_topics(chat, "党的建设", "学前教育")
    chat.press("完成")
    chat.say("90")
    chat.press("全部跳过")
    assert "条目怎样编号" in chat.text
    chat.press("分级编号")
    assert "学前三年毛入园率：不列入主要目标" in chat.text and "学校党组织覆盖率：90%" in chat.text
    assert "新建改扩建公办幼儿园数：待填" in chat.text  # a task clause's figure
    chat.press("生成草稿")
    plan = chat.plan()
    [targets] = [s for s in plan.sections if s.heading == "主要目标"]
    assert [i.clause_id for i in targets.items] == ["party.target_coverage"]  # only the one given
    assert plan.placeholders() == ["新建改扩建公办幼儿园数"]


def test_a_target_skipped_then_given_or_left_out(chat: Chat) -> None:
    """跳过 then /back and a figure: given; 全部跳过 after 跳过: the one skipped keeps its line."""
    to_topics(chat, "党的建设", "学前教育")
    chat.press("完成")
    chat.press("跳过")  # 学校党组织覆盖率
    chat.cmd("back")
    chat.say("88")
    chat.press("跳过")  # 学前三年毛入园率
    chat.press("全部跳过")  # 新建改扩建公办幼儿园数
    chat.press("分级编号")
    assert "学校党组织覆盖率：88%" in chat.text and "学前三年毛入园率：待填" in chat.text
    # a figure of a task clause: 全部跳过 leaves its 【待填】 in that clause
    assert "新建改扩建公办幼儿园数：待填" in chat.text
    chat.press("生成草稿")
    assert chat.plan().placeholders() == ["学前三年毛入园率", "新建改扩建公办幼儿园数"]


# --- cancel --------------------------------------------------------------------------------------


@pytest.mark.parametrize("steps", range(7))
def test_cancel_at_every_question_keeps_saved_drafts(chat: Chat, steps: int) -> None:
    chat.draft_quickly()
    answers = [lambda: chat.say("清远"), lambda: chat.press("2026年"),
               lambda: chat.press("工作要点"), lambda: chat.press("党的建设"),
               lambda: chat.press("完成"), lambda: chat.press("跳过"),
               lambda: chat.press("分级编号")]
    chat.cmd("new")
    for answer in answers[:steps]:
        answer()
    chat.cmd("cancel")
    assert "已取消这次起草" in chat.text
    assert chat.session().interview is None
    assert len(chat.drafts()) == 1
    chat.cmd("cancel")
    assert "没有需要取消" in chat.text


def test_new_starts_afresh(chat: Chat) -> None:
    chat.cmd("new")
    chat.say("清远")
    chat.cmd("new")
    assert "哪个地区" in chat.text and "当前" not in chat.text


# --- bad input at every question ---------------------------------------------------------------


def test_region_unknown_ambiguous_placeholder_and_too_long(chat: Chat) -> None:
    chat.cmd("new")
    chat.say("桃" * 41)
    assert "地区名称太长" in chat.text and "哪个地区" in chat.text
    chat.say("！！")
    assert "请告诉我地区名称" in chat.text
    chat.say("乌托邦")
    assert "没有找到“乌托邦”" in chat.text
    assert chat.labels[:3] == ["市", "县", "区"]
    chat.press("县")
    assert "哪一年" in chat.text
    chat.cmd("back")
    chat.say("朝阳")
    assert [label for label in chat.labels if "朝阳" in label] == [
        "北京市 朝阳区", "辽宁省 朝阳市", "辽宁省 朝阳市 朝阳县", "吉林省 长春市 朝阳区"]
    chat.press("辽宁省 朝阳市 朝阳县")
    assert "哪一年" in chat.text
    chat.cmd("back")
    assert "当前：辽宁省 朝阳市 朝阳县" in chat.text
    chat.say("某县")
    assert "哪一年" in chat.text
    chat.cmd("back")
    assert "【待填：县名】" in chat.text


def test_unknown_region_level_makes_the_name(chat: Chat) -> None:
    chat.cmd("new")
    chat.say("桃花源")
    chat.press("区")
    chat.press("2026年")
    chat.cmd("back")
    chat.cmd("back")
    assert "当前：桃花源区" in chat.text


@pytest.mark.parametrize("bad", ["1999", "2036", "1999年度"])
def test_year_out_of_range(chat: Chat, bad: str) -> None:
    chat.cmd("new")
    chat.say("清远")
    chat.say(bad)
    assert "年份须在2000年到2035年之间" in chat.text and "哪一年" in chat.text


@pytest.mark.parametrize("bad", ["明年吧", "202", "二〇二五年吧"])
def test_a_year_in_another_format_is_told_what_is_wrong(chat: Chat, bad: str) -> None:
    chat.cmd("new")
    chat.say("清远")
    chat.say(bad)
    assert f"“{bad}”不像年份，请输入四位数字的年份" in chat.text and "哪一年" in chat.text
    assert "年份须在" not in chat.text


@pytest.mark.parametrize(("typed", "year"), [
    ("二〇二五年", 2025), ("二零二四", 2024), ("25年", 2025), ("2025年度", 2025),
    ("20 26", 2026),
])
def test_year_written_as_offices_write_it(chat: Chat, typed: str, year: int) -> None:
    chat.cmd("new")
    chat.say("清远")
    chat.say(typed)
    assert "哪种文件" in chat.text
    chat.cmd("back")
    assert f"当前：{year}年" in chat.text


@pytest.mark.parametrize(("word", "button"), [("明年", "（明年）"), (" 今年 ", "（今年）")])
def test_year_typed_as_this_or_next_year(chat: Chat, word: str, button: str) -> None:
    chat.cmd("new")
    chat.say("清远")
    label = next(label for label in chat.labels if button in label)
    chat.say(word)
    assert "哪种文件" in chat.text
    chat.cmd("back")
    assert f"当前：{label.removesuffix(button)}" in chat.text


def test_year_typed_in_other_forms(chat: Chat) -> None:
    chat.cmd("new")
    chat.say("清远")
    chat.press("其他年份")
    assert "请直接输入年份" in chat.text and not chat.has_button("其他年份")
    chat.say("２０１９年")
    assert "哪种文件" in chat.text
    chat.cmd("back")
    assert "当前：2019年" in chat.text


def test_kind_by_text(chat: Chat) -> None:
    chat.cmd("new")
    chat.say("清远")
    chat.say("2026")
    chat.say("随便写写")
    assert "请点下面的按钮" in chat.text and "哪种文件" in chat.text
    chat.say("工作计划")
    assert "重点工作" in chat.text


def test_topics_none_chosen_and_by_text(chat: Chat) -> None:
    to_topics(chat)
    chat.press("完成")
    assert chat.notice == "请至少选择一个重点领域。"
    assert chat.replies[0].text == ""  # a bare notice: the question stays as it was
    chat.press("全选")  # the buttons of the question still work
    assert "已选：1.党的建设、2.学前教育、3.义务教育" in chat.text
    chat.press("党的建设")
    chat.press("学前教育")
    chat.press("义务教育")
    chat.say("体育")
    assert "没有找到“体育”这个领域" in chat.text
    chat.say("义务教育、学前教育")
    assert "已选：1.义务教育、2.学前教育" in chat.text


@pytest.mark.parametrize("word", ["完成", " 好了 ", "选好了"])
def test_topics_done_and_all_typed(chat: Chat, word: str) -> None:
    to_topics(chat)
    chat.say(word)
    assert "请至少选择一个重点领域" in chat.text and "重点工作" in chat.text
    chat.say("学前教育")
    chat.say(word)  # typed instead of pressing 完成
    assert "重点工作" not in chat.text
    chat.cmd("back")
    chat.say("全选")  # the one chosen keeps its place
    assert "已选：1.学前教育、2.党的建设、3.义务教育" in chat.text


def test_topics_paged(chat: Chat) -> None:
    chat = Chat(make_engine(page_size=2))
    to_topics(chat)
    assert "第1/2页" in chat.text and chat.has_button("学前教育")
    assert not chat.has_button("义务教育") and not chat.has_button("上一页")
    chat.press("下一页")
    assert "第2/2页" in chat.text and chat.has_button("义务教育")
    assert not chat.has_button("下一页")
    chat.press("义务教育")
    chat.press("上一页")
    chat.press("党的建设")
    assert "已选：1.义务教育、2.党的建设" in chat.text


@pytest.mark.parametrize(("value", "message"), [
    ("120", "应在0到100之间"),
    ("abc", "请填写0到100之间的数字"),
    ("-5", "请填写0到100之间的数字"),
])
def test_bad_percent(chat: Chat, value: str, message: str) -> None:
    to_topics(chat, "党的建设")
    chat.press("完成")
    chat.say(value)
    assert message in chat.text and "学校党组织覆盖率" in chat.text
    assert "目标 1/1" in chat.text
    chat.say("100")
    assert "条目怎样编号" in chat.text


@pytest.mark.parametrize(("value", "message"), [
    ("-3", "请填写不小于0的整数"),
    ("2.5", "请填写不小于0的整数"),
    ("十", "请用阿拉伯数字填写"),
])
def test_bad_count(chat: Chat, value: str, message: str) -> None:
    to_topics(chat, "学前教育")
    chat.press("完成")
    chat.press("跳过")
    assert "新建改扩建公办幼儿园数" in chat.text
    chat.say(value)
    assert message in chat.text and "新建改扩建公办幼儿园数" in chat.text
    chat.say("1,200")
    assert "条目怎样编号" in chat.text
    chat.cmd("back")
    assert "当前：1200" in chat.text


@pytest.mark.parametrize(("typed", "stored"), [("95%", "95"), ("百分之95", "95"), ("９５％", "95")])
def test_a_percentage_with_its_sign(chat: Chat, typed: str, stored: str) -> None:
    to_topics(chat, "党的建设")
    chat.press("完成")
    chat.say(typed)
    assert "条目怎样编号" in chat.text
    chat.cmd("back")
    assert f"当前：{stored}%" in chat.text


@pytest.mark.parametrize(("typed", "stored"), [("3个", "3"), ("50名", "50"), ("12所", "12")])
def test_a_count_with_its_measure_word(chat: Chat, typed: str, stored: str) -> None:
    to_topics(chat, "学前教育")
    chat.press("完成")
    chat.press("跳过")  # 学前三年毛入园率
    chat.say(typed)
    assert "条目怎样编号" in chat.text
    chat.cmd("back")
    assert f"当前：{stored}" in chat.text


@pytest.mark.parametrize("words", ["九成", "三所", "五十"])
def test_a_figure_in_words_is_asked_in_digits(chat: Chat, words: str) -> None:
    to_topics(chat, "学前教育")
    chat.press("完成")
    chat.say(words)
    assert f"填写的“{words}”不合要求：请用阿拉伯数字填写" in chat.text
    assert "学前三年毛入园率" in chat.text  # the same question again


def test_back_after_skip_all_returns_to_the_last_target_asked(chat: Chat) -> None:
    to_topics(chat, "党的建设", "学前教育")
    chat.press("完成")
    chat.say("90")
    chat.press("全部跳过")  # at 学前三年毛入园率, the second of three
    assert "条目怎样编号" in chat.text
    chat.cmd("back")
    assert "目标 2/3：学前三年毛入园率" in chat.text


def test_bad_text_target(chat: Chat) -> None:
    to_topics(chat, "义务教育")
    chat.press("完成")
    chat.say("项" * 31)
    assert "长度不超过30个字" in chat.text
    chat.say("“优质均衡县”创建")
    chat.press("分级编号")
    assert "义务教育重点项目名称：“优质均衡县”创建" in chat.text


def test_style_and_review_want_buttons(chat: Chat) -> None:
    to_topics(chat, "党的建设")
    chat.press("完成")
    chat.press("跳过")
    chat.say("随便")
    assert "请点下面的按钮" in chat.text and "条目怎样编号" in chat.text
    chat.say("分级")  # part of one button's words: 分级编号
    assert "请核对" in chat.text
    chat.say("好的")
    assert "请点下面的按钮" in chat.text and "请核对" in chat.text


def test_over_long_text_is_refused_and_nothing_is_lost(chat: Chat) -> None:
    chat.cmd("new")
    chat.say("清远")
    before = chat.session()
    chat.say("长" * 4001)
    assert "内容太长了（4001字）" in chat.text and "哪一年" in chat.text
    assert chat.session() == before


def test_unknown_command_and_files(chat: Chat) -> None:
    chat.cmd("new")
    chat.cmd("frobnicate")
    assert "没有 /frobnicate 这个命令" in chat.text and "哪个地区" in chat.text
    chat._send(kind=EventKind.FILE, file_name="a.pdf", file_bytes=b"x")
    assert "不能处理上传的文件" in chat.text


def test_help_at_every_question_shows_the_question_again(chat: Chat) -> None:
    chat.cmd("help")
    assert "/new" in chat.text
    to_topics(chat)
    chat.cmd("help")
    assert "点选重点领域" in chat.text and "重点工作" in chat.replies[-1].text
    chat.press("党的建设")  # the re-shown question's buttons work
    assert "已选：1.党的建设" in chat.text


# --- the review ----------------------------------------------------------------------------------


def test_review_changes_come_back_to_the_review(chat: Chat) -> None:
    to_review(chat)
    chat.press("改地区")
    assert "当前：广东省 清远市" in chat.text
    chat.say("修文县")
    assert "请核对" in chat.text and "地区：贵州省 贵阳市 修文县" in chat.text
    chat.press("改重点")
    chat.press("学前教育")  # off: its targets are no longer asked
    chat.press("义务教育")  # on: its target is new, so it is asked
    chat.press("完成")
    assert "义务教育重点项目名称" in chat.text
    chat.press("跳过")
    assert "请核对" in chat.text and "学前三年毛入园率" not in chat.text
    chat.press("改目标")
    chat.press("学校党组织覆盖率")
    chat.say("88")
    assert "学校党组织覆盖率：88%" in chat.text
    chat.press("生成草稿")
    plan = chat.plan()
    assert plan.region.full_name == "修文县"
    assert plan.targets == {"party_org_coverage": "88"}  # 学前教育's figure is not carried over


# --- resume after a restart ------------------------------------------------------------------


def test_resume_after_restart(tmp_path: Path) -> None:
    first = Chat(make_engine(open_store(tmp_path)))
    first.cmd("new")
    first.say("清远")
    first.press("2026年")
    kind_button = first.button("工作要点")
    second = Chat(make_engine(open_store(tmp_path)))  # a new process over the same data
    second.cmd("start")
    assert "您好" in second.replies[0].text and "哪种文件" in second.replies[1].text
    second.press_data(kind_button.data)  # stale: /start showed the question again
    assert "过期" in second.notice
    second.press("工作要点")
    second.press("党的建设")
    second.press("完成")
    second.press("全部跳过")
    second.press("分级编号")
    second.press("生成草稿")
    third = Chat(make_engine(open_store(tmp_path)))
    assert [d.name for d in third.drafts()] == ["清远市教育局2026年工作要点"]
    third.cmd("drafts")
    assert "清远市教育局2026年工作要点" in third.text


# --- a kind with its own sections ----------------------------------------------------------------


def test_a_kind_with_fixed_sections_skips_the_priorities(chat: Chat) -> None:
    chat.cmd("new")
    chat.say("清远")
    chat.say("2026")
    assert chat.labels[:3] == ["工作要点", "工作计划", "学前教育专项工作计划"]
    chat.press("学前教育专项工作计划")
    assert "（4/5）目标 1/2：学前三年毛入园率" in chat.text  # no priorities question
    chat.say("93")
    chat.press("跳过")
    chat.press("分级编号")
    assert "章节：学前教育" in chat.text and "重点：" not in chat.text
    assert not chat.has_button("改重点")
    chat.cmd("back")
    chat.cmd("back")
    chat.cmd("back")
    chat.cmd("back")
    assert "哪种文件" in chat.text  # back from the first target: the kind
    chat.press("保持不变")
    chat.press("保持不变")
    chat.press("保持不变")
    chat.press("保持不变")
    chat.press("生成草稿")
    plan = chat.plan()
    assert plan.title == "清远市教育局2026年学前教育工作计划"
    assert [s.id for s in plan.sections if s.role is SectionRole.TOPIC] == ["preschool"]
    assert "【待填：新建改扩建公办幼儿园数】" in "".join(plan.texts())
    assert "学前三年毛入园率达到93%" in "".join(plan.texts())


def test_a_known_name_typed_with_the_wrong_level_is_offered_as_it_is(chat: Chat) -> None:
    """清远县 does not exist; 清远市 does: it is offered beside the level buttons."""
    chat.cmd("new")
    chat.say("清远县")
    assert "没有找到“清远县”" in chat.text and "是不是下面的地区" in chat.text
    assert chat.labels[:4] == ["广东省 清远市", "市", "县", "区"]
    chat.press("广东省 清远市")
    assert "哪一年" in chat.text
    chat.cmd("back")
    assert "当前：广东省 清远市" in chat.text
    chat.say("清远县")
    chat.press("县")  # the name as typed is still possible
    chat.cmd("back")
    assert "当前：广东省 清远县" in chat.text


def test_an_unknown_name_with_no_namesake_offers_only_the_levels(chat: Chat) -> None:
    chat.cmd("new")
    chat.say("乌托邦县")
    assert "是不是下面的地区" not in chat.text
    assert chat.labels[:3] == ["市", "县", "区"]
    forged = chat.button("市").data.replace(":rl:", ":ri:")  # a namesake that was not offered
    chat.press_data(forged)
    assert "按钮无效" in chat.notice and chat.session().interview is not None
    assert chat.session().interview.region is None


# --- a button's words typed instead of pressed ---------------------------------------------------


def test_button_words_typed_answer_the_interview(chat: Chat) -> None:
    """What the terminal shows as numbered options, and what people type on phones anyway."""
    to_topics(chat, "学前教育", "党的建设")
    chat.say("完成")
    assert "目标 1/" in chat.text
    chat.say("跳过")
    assert "目标 2/" in chat.text
    chat.say("上一步")  # ⬅ 上一步, without the arrow
    assert "目标 1/" in chat.text
    chat.say("全部跳过")
    assert "怎样编号" in chat.text
    chat.say("连续编号")
    assert "请核对" in chat.text
    chat.say("生成草稿")  # ✅ 生成草稿
    assert "草稿已生成" in chat.text


def test_a_chosen_priority_typed_stays_chosen(chat: Chat) -> None:
    """Its button says ✓ 党的建设: typing the name adds it, as before, and never takes it away."""
    to_topics(chat, "党的建设")
    chat.say("党的建设")
    assert "已选：1.党的建设" in chat.text and chat.has_button("✓ 党的建设")


def test_the_level_typed_at_the_level_question(chat: Chat) -> None:
    chat.cmd("new")
    chat.say("桃花源")
    chat.say("区")
    assert "哪一年" in chat.text
    chat.cmd("back")
    assert "当前：桃花源区" in chat.text


def test_button_words_typed_on_a_draft_screen(chat: Chat) -> None:
    chat.draft_quickly()
    chat.say("预览全文")
    assert "一、" in chat.text and chat.has_button("返回概览")
    chat.say("返回概览")
    assert chat.has_button("预览全文")
    chat.say("待填清单")  # 待填清单（1项）
    assert "1. 新建改扩建公办幼儿园数" in chat.text
    chat.say("返回概览")
    chat.say("随便说点什么")  # not a button: as before
    assert "请点下面的按钮" in chat.text
    chat.say("删除草稿")
    assert chat.has_button("确定删除") and len(chat.drafts()) == 1
    chat.say("取消")
    assert len(chat.drafts()) == 1


def test_part_of_one_buttons_words_presses_it(chat: Chat) -> None:
    to_topics(chat)
    chat.say("义务")  # 义务教育
    assert "已选：1.义务教育" in chat.text
    chat.say("义务教育")  # ✓ 义务教育: the name typed again keeps it chosen
    chat.say("义务")
    chat.say("学前")
    assert "已选：1.义务教育、2.学前教育" in chat.text
    chat.say("完成")
    chat.say("全部")  # 全部跳过
    assert "怎样编号" in chat.text
    chat.say("分")  # one character is too little to guess from
    assert "请点下面的按钮" in chat.text
    chat.say("编号")  # 分级编号 and 连续编号: which one?
    assert "请点下面的按钮" in chat.text
    chat.say("连续")
    chat.say("年份")  # 改年份 on the review
    assert "哪一年" in chat.text


def test_words_not_on_the_screen_are_answers(chat: Chat) -> None:
    """Words of a button on another screen are no press: at the region question, 完成 is a place
    name like any other."""
    chat.cmd("new")
    chat.say("完成")
    assert "没有找到“完成”" in chat.text


def _all_topic_labels(chat: Chat) -> list[str]:
    labels = list(chat.labels)
    while chat.has_button("下一页"):
        chat.press("下一页")
        labels += chat.labels
    return labels


@pytest.mark.parametrize(("region", "offered"), [("清远市", True), ("修文县", False)])
def test_priorities_offered_fit_the_level(library: Library, region: str, offered: bool) -> None:
    """高等教育 is a city's and a province's priority, not a county's: not offered, not in 全选."""
    chat = Chat(make_engine(library=library))
    chat.cmd("new")
    chat.say(region)
    chat.press("2026年")
    chat.press("工作要点")
    assert any("高等教育" in label for label in _all_topic_labels(chat)) is offered
    chat.say("全选")
    assert ("高等教育" in chat.text) is offered


def test_a_province_is_offered_the_kinds_a_province_writes(library: Library) -> None:
    """The special kinds are written for 市、县、区: a province gets 工作要点 and 工作计划, and a
    special kind typed is refused with the reason."""
    chat = Chat(make_engine(library=library))
    chat.cmd("new")
    chat.say("广东省")
    chat.press("2026年")
    assert chat.has_button("工作要点") and chat.has_button("工作计划")
    assert not chat.has_button("人才工作计划") and not chat.has_button("学校安全工作计划")
    chat.say("人才工作计划")
    assert "省级请选“工作要点”或“工作计划”" in chat.text
    chat.press("工作要点")
    assert "重点工作" in chat.text
