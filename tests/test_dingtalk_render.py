"""Replies → DingTalk robot messages: limits, cards, the links a tap sends; the retry rule."""

from __future__ import annotations

from urllib.parse import unquote

from bot.adapters.dingtalk import render
from bot.adapters.retry_policy import DINGTALK, Outcome
from bot.dialogue.types import Button, Reply
from tests.fakedingtalk import spec


def buttons(*labels: str) -> list[list[Button]]:
    return [[Button(text=label, data=f"x:{n}")] for n, label in enumerate(labels)]


def test_a_long_text_is_split_within_the_limit_and_loses_nothing() -> None:
    paragraphs = [f"第{n}段" + "教育" * 400 for n in range(6)]
    messages = render.render(Reply(text="\n\n".join(paragraphs)))
    assert len(messages) > 1 and all(m.key == "sampleMarkdown" for m in messages)
    assert all(len(m.param["text"]) <= spec.MARKDOWN_LIMIT for m in messages)
    joined = "".join(m.param["text"] for m in messages).replace(" ", "")
    assert joined.replace("\n", "") == "".join(paragraphs)


def test_buttons_become_action_cards_of_at_most_five_with_send_links() -> None:
    labels = [f"选项{n}" for n in range(7)] + ["⬅ 上一步"]
    messages = render.render(Reply(text="请选择", buttons=buttons(*labels)))
    assert [m.key for m in messages] == ["sampleActionCard5", "sampleActionCard3"]
    assert messages[0].param["text"].strip() == "请选择"
    for message in messages:
        assert set(message.param) == spec.TEMPLATES[message.key]
    sent = [unquote(m.param[f"actionURL{n}"].removeprefix(spec.SEND_LINK))
            for m in messages for n in range(1, 6) if f"actionURL{n}" in m.param]
    assert sent == labels


def test_one_button_is_a_single_action_card() -> None:
    [message] = render.render(Reply(text="好的", buttons=buttons("完成 & 继续?")))
    assert message.key == "sampleActionCard"
    escaped = "%E5%AE%8C%E6%88%90%20%26%20%E7%BB%A7%E7%BB%AD%3F"  # & and ? kept in the words
    assert message.param["singleURL"] == spec.SEND_LINK + escaped


def test_titles_are_the_first_line_clipped() -> None:
    assert render.title("\n\n## 《某某》\n正文") == "《某某》"
    assert len(render.title("长" * 80)) == render.MAX_TITLE


def test_sends_are_repeated_only_when_they_surely_did_not_arrive() -> None:
    for send in ("batchSend", "groupSend"):
        assert DINGTALK.may_retry(send, Outcome.WAIT)
        assert not DINGTALK.may_retry(send, Outcome.UNKNOWN)
    assert DINGTALK.may_retry("accessToken", Outcome.UNKNOWN)
    assert DINGTALK.may_retry("media/upload", Outcome.UNKNOWN)
