"""End-to-end: /clause and inline mode over the fake Bot API (every request checked against the
Bot API spec, answerInlineQuery included: at most 50 results)."""

from __future__ import annotations

from pathlib import Path

from bot.compose.plan import Plan
from bot.search import Analyzer
from tests.chat import Chat
from tests.clause_support import clause_engine
from tests.fakebot.harness import running_bot

USER = 42
DRAFT = "修文县教育局2026年工作要点"


def test_clause_found_read_and_inserted_over_telegram(
    tmp_path: Path, clause_analyzer: Analyzer
) -> None:
    engine = clause_engine(tmp_path, clause_analyzer)
    Chat(engine, USER).draft_quickly(region="修文县")
    with running_bot(engine) as bot:
        user = bot.user(USER)
        user.command("drafts")
        user.wait_for_reply()
        user.press(DRAFT)
        user.wait_for_reply()
        user.command("clause", "义务教育 均衡")
        results = user.wait_for_reply()
        assert "【义务教育】推进义务教育优质均衡" in results.text
        assert results.button_texts[:2] == ["1. 查看全文", "1. 插入到草稿"]
        user.press("1. 查看全文")
        full = user.wait_for_reply()
        assert full.message_id == results.message_id  # the results message shows the text
        assert "缩小全县城乡、校际差距" in full.text
        user.press("插入到草稿")
        assert "哪一部分" in user.wait_for_reply().text
        user.press("三、推进学前教育普及普惠发展")
        reply = user.wait_for_reply()
        assert "已插入“推进义务教育优质均衡”" in reply.text
        assert "（三）推进义务教育优质均衡" in reply.text
    [record] = engine.deps.store.drafts.list_for(USER)
    plan = Plan.model_validate(record.plan)
    assert plan.sections[2].items[-1].clause_id == "compulsory.balance"


def test_inline_query_answers_with_clause_texts(tmp_path: Path, clause_analyzer: Analyzer) -> None:
    engine = clause_engine(tmp_path, clause_analyzer)
    with running_bot(engine) as bot:
        user = bot.user(USER)
        results, next_offset = user.wait_for_inline_answer(user.inline_query("幼兒園 布局"))
        assert 0 < len(results) <= 50 and next_offset == ""
        first = results[0]
        assert first["type"] == "article" and first["title"] == "扩大普惠性学前教育资源"
        text = first["input_message_content"]["message_text"]
        assert text.startswith("扩大普惠性学前教育资源\n动态调整全市幼儿园布局")
        assert first["description"].startswith("学前教育｜")
        empty, _ = user.wait_for_inline_answer(user.inline_query(""))
        assert empty[0]["id"] == "party.leadership"  # no usage yet: the curated order
        user.send_via_bot(text)  # the chosen result, posted in the chat with the bot
        assert user.wait_for_replies() == []  # not taken as input
        [call] = [c for c in bot.server.calls_to("answerInlineQuery")][:1]
        assert call.params["is_personal"] in (False, "false")
        assert int(call.params["cache_time"]) <= 60
    assert engine.deps.store.sessions.load(USER) is None  # inline queries keep no session
    search = engine.deps.search
    assert search is not None and search.misses() == []
