"""Priorities named as people name them: full names, short names, keywords, typed lists, in the
chat and on the command line (one resolver, ``bot.library.topic_names``)."""

from __future__ import annotations

import json

import pytest

from bot.cli import main
from bot.library.library import Library
from bot.library.topic_names import match_topic, split_names
from tests.chat import Chat, make_engine


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("preschool", ("preschool",)),
        ("学前教育", ("preschool",)),
        ("学前", ("preschool",)),
        ("德育", ("moral",)),
        ("安全稳定", ("safety",)),
        ("教师队伍建设", ("teachers",)),
        ("职教", ()),  # a search synonym, not a name or keyword here
        ("中职", ("vocational",)),  # a keyword of one topic
        ("育", ()),  # one character names nothing but an id or a name
        ("体操", ()),
    ],
)
def test_match_topic_on_the_shipped_library(
    library: Library, word: str, expected: tuple[str, ...]
) -> None:
    assert match_topic(word, library.priority_topics()) == expected


def test_a_keyword_of_two_topics_is_ambiguous(library: Library) -> None:
    found = match_topic("双减", library.priority_topics())
    assert set(found) == {"compulsory", "private"}


def test_a_full_name_wins_over_a_longer_name_containing_it(library: Library) -> None:
    # 义务教育 is a part of no other name, but the rule order must keep a full name first
    # even where a longer name contains it.
    topics = library.priority_topics()
    for topic in topics:
        assert match_topic(topic.name, topics) == (topic.id,)


def test_split_names() -> None:
    assert split_names(" 学前、德育，安全稳定; 双减 ") == ["学前", "德育", "安全稳定", "双减"]


# --- in the chat (the shipped library) -----------------------------------------------------------


@pytest.fixture
def chat(library: Library) -> Chat:
    chat = Chat(make_engine(library=library))
    chat.cmd("new")
    chat.say("清远市")
    chat.press("2026年")
    chat.press("工作要点")
    return chat


def test_typed_list_of_full_names(chat: Chat) -> None:
    chat.say("教师队伍建设、安全稳定")
    assert "已选：1.教师队伍建设、2.安全稳定和卫生健康" in chat.text


def test_typed_short_names(chat: Chat) -> None:
    chat.say("学前、德育")
    assert "已选：1.学前教育、2.德育和思政" in chat.text


def test_a_keyword_of_two_topics_asks_which(chat: Chat) -> None:
    chat.say("双减")
    assert "“双减”涉及几个领域：义务教育优质均衡、民办教育和校外培训治理" in chat.text
    assert "已选" not in chat.text  # nothing was chosen for the user
    chat.press("义务教育优质均衡")
    assert "已选：1.义务教育优质均衡" in chat.text


def test_an_unknown_word_in_a_list_chooses_nothing(chat: Chat) -> None:
    chat.say("学前、体操")
    assert "没有找到“体操”这个领域" in chat.text
    assert "已选" not in chat.text


# --- on the command line -------------------------------------------------------------------------


def _draft_topics(capsys: pytest.CaptureFixture[str], topics: str) -> tuple[int, str, str]:
    code = main(["draft", "--region", "清远市", "--year", "2026", "--topics", topics,
                 "--format", "json"])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("topics", ["学前,德育", "学前教育、德育和思政", "preschool，moral"])
def test_draft_topics_by_name(capsys: pytest.CaptureFixture[str], topics: str) -> None:
    code, out, _ = _draft_topics(capsys, topics)
    assert code == 0
    plan = json.loads(out)
    chosen = [s["id"] for s in plan["sections"] if s["role"] == "topic"]
    assert sorted(chosen) == ["moral", "preschool"]


def test_draft_topics_ambiguous_says_which(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _draft_topics(capsys, "双减")
    assert code == 2 and out == ""
    assert "涉及几个重点领域" in err and "compulsory(义务教育优质均衡)" in err


def test_search_topic_by_short_name(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["search", "普惠", "--topic", "学前", "--json"])
    out, _ = capsys.readouterr()
    assert code == 0
    hits = json.loads(out)
    assert hits and {hit["topic"] for hit in hits} == {"preschool"}
