"""Limits say their own number: an item's text (2,000), a name (60), a title; a text longer than
one item is offered to be split at its paragraphs; control characters never reach the store."""

from __future__ import annotations

import pytest

from bot.compose.plan import Plan
from bot.compose.refine import MAX_ITEM_TEXT, MAX_NAME, clean_text, paragraphs
from bot.dialogue.actions import encode
from bot.dialogue.codes.draft import InputAct
from bot.dialogue.engine import MAX_INPUT, MAX_PASTE
from tests.chat import Chat, make_engine

PRESCHOOL = "四、推进学前教育普及普惠发展"


@pytest.fixture
def chat() -> Chat:
    chat = Chat(make_engine())
    chat.draft_quickly(targets={"新建改扩建公办幼儿园数": "5"})
    return chat


def _edit_second_item(chat: Chat) -> None:
    chat.press(PRESCHOOL[:10])
    chat.press("（二）提升保教质量")
    chat.press("编辑")
    assert f"不超过{MAX_ITEM_TEXT}字" in chat.text


def _items(chat: Chat) -> list[str]:
    return [item.text for item in chat.plan().sections[3].items]


@pytest.mark.parametrize("length", [MAX_ITEM_TEXT + 1, 3000, 5000, MAX_INPUT + 1])
def test_one_paragraph_over_the_item_limit_is_told_the_item_limit(
    chat: Chat, length: int
) -> None:
    _edit_second_item(chat)
    before = _items(chat)
    chat.say("字" * length)
    assert f"内容太长了（{length}字），一个条目请不超过{MAX_ITEM_TEXT}字" in chat.text
    assert "请分成几段" in chat.text and "4000" not in chat.text
    assert "请发送这一条的新内容" in chat.text  # still asked: nothing lost, nothing saved
    assert _items(chat) == before


def test_a_long_text_of_paragraphs_is_split_into_items(chat: Chat) -> None:
    _edit_second_item(chat)
    before = _items(chat)
    parts = ["甲" * 1500, "乙" * 1500, "丙" * 900]
    chat.say("\n\n".join(parts))
    assert "这段文字共3900字，超过一个条目的上限（2000字）" in chat.text
    assert "1. 甲甲" in chat.text and "（1500字）" in chat.text and "3. 丙" in chat.text
    assert _items(chat) == before  # nothing saved before the press
    chat.press("按段落拆成3条")
    assert "已按段落拆成3条" in chat.text
    items = chat.plan().sections[3].items
    assert [item.text for item in items] == [before[0], *parts, *before[2:]]
    assert items[1].title == "提升保教质量" and items[1].clause_id is not None
    assert all(item.edited and item.clause_id is None and item.numbered for item in items[2:4])


def test_the_split_offer_can_be_cancelled_or_answered_anew(chat: Chat) -> None:
    _edit_second_item(chat)
    before = _items(chat)
    chat.say("\n".join(["甲" * 1200, "乙" * 1200]))
    assert chat.has_button("按段落拆成2条")
    chat.say("改短了的内容。")  # a text typed instead is the answer
    assert "已保存修改" in chat.text
    assert _items(chat)[1] == "改短了的内容。" and len(_items(chat)) == len(before)
    chat.press("编辑")
    chat.say("\n".join(["甲" * 1200, "乙" * 1200]))
    chat.press("取消")
    assert _items(chat)[1] == "改短了的内容。" and len(_items(chat)) == len(before)


def test_too_many_paragraphs_or_one_too_long_is_refused_with_the_reason(chat: Chat) -> None:
    _edit_second_item(chat)
    chat.say("\n".join(["段" * 100] * 31))
    assert "一次最多拆成30条，现在有31段" in chat.text
    chat.say("\n".join(["甲" * 100, "乙" * 2500]))
    assert "其中最长的一段有2500字" in chat.text
    assert not chat.has_button("按段落拆成2条")


def test_a_text_over_the_paste_limit_is_refused_with_that_limit(chat: Chat) -> None:
    _edit_second_item(chat)
    chat.say("\n".join(["甲" * 1000] * 21))
    assert f"请控制在{MAX_PASTE}字以内" in chat.text
    chat.press("取消")
    chat.say("字" * (MAX_INPUT + 1))  # no question open: the general limit
    assert f"请控制在{MAX_INPUT}字以内" in chat.text


def test_a_forged_or_stale_split_press_changes_nothing(chat: Chat) -> None:
    _edit_second_item(chat)
    before = _items(chat)
    record = chat.drafts()[0]
    chat.press_data(encode(chat.session().nonce, InputAct.SPLIT, record.id, 0))  # no offer
    assert _items(chat) == before
    chat.say("\n".join(["甲" * 1200, "乙" * 1200]))
    other = Chat(chat.engine, user_id=chat.user_id + 1)
    other.cmd("start")
    other.press_data(encode(other.session().nonce, InputAct.SPLIT, record.id, 0))  # not theirs
    assert _items(chat) == before
    chat.press("按段落拆成2条")
    assert len(_items(chat)) == len(before) + 1


def test_a_name_over_its_limit_says_its_own_number(chat: Chat) -> None:
    chat.press("改草稿名")
    assert f"不超过{MAX_NAME}字" in chat.text
    chat.say("名" * 3000)
    assert f"名称太长了，请不超过{MAX_NAME}个字" in chat.text and "4000" not in chat.text


def test_control_characters_are_cleaned_before_a_name_is_stored(chat: Chat) -> None:
    chat.press("改草稿名")
    chat.say("2026\x00要点\x1b[31m\n（初稿）\u200b")
    assert "草稿名已修改" in chat.text
    assert chat.drafts()[0].name == "2026要点[31m （初稿）"
    chat.press("改标题")
    chat.say("清远市教育局\x072026年工作要点")
    assert Plan.model_validate(chat.drafts()[0].plan).title == "清远市教育局2026年工作要点"


def test_an_item_keeps_its_line_breaks_but_no_control_characters(chat: Chat) -> None:
    _edit_second_item(chat)
    chat.say("第一句。\x00\r\n第二句。\t完。")
    assert _items(chat)[1] == "第一句。\n第二句。\t完。"


def test_clean_text_and_paragraphs() -> None:
    assert clean_text("a\x00b\u202ec\ue000", one_line=False) == "abc\ue000"
    assert clean_text("a\nb\tc", one_line=True) == "a b c"
    assert paragraphs("  一 \n\n\n 二\r\n三 ") == ["一", "二", "三"]
