"""Which button a user's typed words name (``bot.dialogue.typed``)."""

from __future__ import annotations

import pytest

from bot.dialogue.typed import pick
from bot.dialogue.types import Button, Reply

SCREEN = [
    Reply(text="…", buttons=[
        [Button(text="✓ 党的建设", data="t0"), Button(text="学前教育", data="t1")],
        [Button(text="义务教育优质均衡", data="t2")],
        [Button(text="待填清单（3项）", data="todo"), Button(text="✅ 生成草稿", data="gen")],
        [Button(text="分级编号", data="s0"), Button(text="连续编号", data="s1")],
        [Button(text="⬅ 上一步", data="back")],
    ]),
]


@pytest.mark.parametrize(("typed", "data"), [
    ("学前教育", "t1"),
    ("  学前教育 ", "t1"),
    ("上一步", "back"),  # the arrow need not be typed
    ("生成草稿", "gen"),
    ("待填清单", "todo"),  # nor the count
    ("待填清单（3项）", "todo"),
    ("义务教育", "t2"),  # part of one label
    ("连续", "s1"),
    ("✓ 党的建设", "t0"),  # a chosen one, named whole with its mark
])
def test_named(typed: str, data: str) -> None:
    assert pick(SCREEN, typed) == data


@pytest.mark.parametrize("typed", [
    "党的建设",  # chosen: typing the name must not take it away
    "编号",  # two buttons
    "教育",  # two
    "分",  # too short to guess from
    "",
    "学前教育" * 11,  # too long to be a button's words
    "清远市",
])
def test_not_named(typed: str) -> None:
    assert pick(SCREEN, typed) is None


def test_a_whole_label_before_one_without_its_note() -> None:
    """A draft and its copy: 初稿 names the draft, not 初稿（副本）, listed first."""
    drafts = [Reply(text="…", buttons=[[Button(text="初稿（副本）", data="copy")],
                                        [Button(text="初稿", data="draft")]])]
    assert pick(drafts, "初稿") == "draft"
    assert pick(drafts, "初稿（副本）") == "copy"
    assert pick(drafts, "副本") == "copy"
    two = [Reply(text="…", buttons=[[Button(text="初稿（一）", data="a")],
                                     [Button(text="初稿（二）", data="b")]])]
    assert pick(two, "初稿") is None  # which one?


def test_where_text_is_asked_for_only_whole_words_press() -> None:
    prompt = [Reply(text="请发送新名称", buttons=[[Button(text="取消", data="cancel")]])]
    assert pick(prompt, "取消", parts=False) == "cancel"
    assert pick(prompt, "取消收费", parts=False) is None
    assert pick(SCREEN, "连续", parts=False) is None
    assert pick(SCREEN, "待填清单", parts=False) == "todo"
