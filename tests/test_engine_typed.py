"""Typing a button's words does what pressing it does, on every screen of a whole draft made with
the shipped library (``bot.dialogue.typed``): two users go the same way, one presses, one types."""

from __future__ import annotations

from datetime import date

from bot.dialogue.engine import Engine
from bot.library.library import Library
from bot.messages import Messages
from bot.store import memory_store
from tests.chat import Chat

# the words of the button pressed at each step, as shown (arrows, marks and counts included)
STEPS = [
    "2026年（明年）", "工作计划", "学前教育", "义务教育优质均衡", "完成",
    "跳过", "跳过",  # 总体要求's slots: 本地发展战略, 本地教育大会
    "跳过", "全部跳过",
    "连续编号", "改年份", "2025年（今年）", "✅ 生成草稿", "预览全文", "导出", "返回概览",
    "待填清单", "返回概览", "二、工作目标", "1.学前教育普及", "换一种说法", "返回本节",
    "＋ 添加条款", "返回本节", "返回概览", "（一）推动基础教育", "2.扩大普惠性", "⬇ 下移", "⬆ 上移",
    "删除", "↩ 撤销删除", "换个标题说法", "返回概览", "分享", "返回概览", "导出",
    "导出Markdown", "返回概览", "改草稿名", "取消", "复制", "删除草稿", "取消", "我的草稿",
    "＋ 起草新计划",
]


def test_typing_any_buttons_words_is_pressing_it(library: Library) -> None:
    engine = Engine(library, memory_store(), Messages(), clock=lambda: date(2025, 12, 1),
                    raise_errors=True)
    pressing, typing = Chat(engine, user_id=1), Chat(engine, user_id=2)
    for chat in (pressing, typing):
        chat.cmd("new")
        chat.say("修文县")
    for words in STEPS:
        label = pressing.button(words).text
        assert label in typing.labels, (words, typing.labels)
        pressing.press(label)
        typing.say(label)
        assert typing.text == pressing.text, words  # as a new message rather than an edit
        assert typing.labels == pressing.labels, words
    assert len(typing.drafts()) == len(pressing.drafts()) == 2  # the draft and its copy
    assert typing.plan().model_dump(exclude={"created_at"}) == pressing.plan().model_dump(
        exclude={"created_at"})


def test_where_text_is_asked_for_only_the_whole_words_are_a_press(library: Library) -> None:
    engine = Engine(library, memory_store(), Messages(), clock=lambda: date(2025, 12, 1),
                    raise_errors=True)
    chat = Chat(engine)
    chat.draft_quickly(region="修文县")
    chat.press("改草稿名")
    chat.say("取消收费专项稿")  # has 取消 in it: a name
    assert chat.drafts()[0].name == "取消收费专项稿"
    chat.press("改草稿名")
    chat.say(" 取消 ")  # the button's words
    assert "已取消" in chat.text and chat.drafts()[0].name == "取消收费专项稿"
