"""A mistyped region gets the nearest real names as buttons; a placeholder region is said at
once (issue: forgiving input). In the chat, and on the command line."""

from __future__ import annotations

import pytest

from bot.cli import main
from bot.compose.gazetteer import near_regions, resolve_region
from tests.chat import Chat, make_engine


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("修文具", "贵州省 贵阳市 修文县"),  # 县 mistyped
        ("天河去", "广东省 广州市 天河区"),
        ("北京海定区", "北京市 海淀区"),  # with the province in front
        ("情远市", "广东省 清远市"),  # one of the close names, not the only one
    ],
)
def test_near_regions_finds_the_meant_one(typed: str, meant: str) -> None:
    assert resolve_region(typed).status == "unknown"
    assert meant in [r.label() for r in near_regions(typed)]


def test_a_province_in_front_keeps_its_regions() -> None:
    assert {r.province for r in near_regions("贵州修闻县")} == {"贵州省"}
    assert "广东省 湛江市 徐闻县" in [r.label() for r in near_regions("修闻县")]


def test_nothing_near_a_made_up_name() -> None:
    assert near_regions("乌托邦") == ()
    assert [r.label() for r in near_regions("桃花源")] == ["湖南省 常德市 桃源县"]
    assert near_regions("县") == ()


def test_a_typo_gets_the_near_names_as_buttons() -> None:
    chat = Chat(make_engine())
    chat.cmd("new")
    chat.say("修文具")
    assert "没有找到“修文具”" in chat.text and "是不是下面的地区" in chat.text
    assert chat.labels[0] == "贵州省 贵阳市 修文县"
    assert {"市", "县", "区"} <= set(chat.labels)  # the name may still be right
    chat.press("贵州省 贵阳市 修文县")
    assert "哪一年" in chat.text
    chat.cmd("back")
    assert "当前：贵州省 贵阳市 修文县" in chat.text


def test_a_typo_with_a_suffix_offers_the_near_names_too() -> None:
    chat = Chat(make_engine())
    chat.cmd("new")
    chat.say("修闻县")
    assert "贵州省 贵阳市 修文县" in chat.labels and "广东省 湛江市 徐闻县" in chat.labels


def test_a_placeholder_region_is_said_at_once() -> None:
    chat = Chat(make_engine())
    chat.cmd("new")
    chat.say("某县")
    first, question = chat.replies
    assert first.text == "好的，文中的地区名称将以【待填：县名】标出，生成后在草稿里补上即可。"
    assert "哪一年" in question.text


def test_cli_names_the_near_regions(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["draft", "--region", "修文具", "--year", "2026", "--topics", "party"])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert "您要找的是不是：贵州省 贵阳市 修文县？" in err
