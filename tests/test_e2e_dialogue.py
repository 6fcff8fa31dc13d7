"""The real dialogue engine behind the real Telegram application, against the fake Bot API.

The harness checks every request against the Bot API spec (text length, callback data ≤ 64
bytes …) and that every button press was answered.
"""

from __future__ import annotations

from pathlib import Path

from bot.store import open_store
from tests.chat import make_engine
from tests.fakebot.harness import hermetic_settings, running_bot


def test_a_draft_over_telegram(tmp_path: Path) -> None:
    engine = make_engine(open_store(tmp_path), data_dir=tmp_path)
    with running_bot(engine, hermetic_settings(tmp_path)) as bot:
        user = bot.user(42)
        user.command("start")
        assert "发送 /new 开始起草" in user.wait_for_reply().text
        user.command("new")
        assert "哪个地区" in user.wait_for_reply().text
        user.send_text("朝阳")
        assert "4个同名地区" in user.wait_for_reply().text
        user.press("辽宁省 朝阳市")
        question = user.wait_for_reply()
        assert "哪一年" in question.text and question.edits == 1  # the candidates, edited
        user.press("2026年（明年）")
        user.wait_for_reply()
        user.press("工作要点")
        user.wait_for_reply()
        for topic in ("学前教育", "党的建设", "完成"):
            user.press(topic)
            user.wait_for_reply()
        user.send_text("120")
        replies = user.wait_for_replies()
        assert "应在0到100之间" in replies[0].text and "学校党组织覆盖率" in replies[-1].text
        user.press("全部跳过")
        user.wait_for_reply()
        user.press("分级编号")
        assert "请核对" in user.wait_for_reply().text
        user.press("✅ 生成草稿")
        assert "草稿已生成并保存" in user.wait_for_reply().text
        stale = user.messages[-1]
        user.press("导出")
        user.wait_for_reply()
        user.press("导出Markdown")
        sent = [m for m in user.wait_for_replies() if m.document is not None]
        assert [m.document.filename for m in sent if m.document] == [
            "朝阳市教育局2026年工作要点.md"]
        query = user.press_data(stale.button("预览全文").callback_data or "", message=stale)
        user.wait_for_replies()
        assert "过期" in bot.server.callback_answers[query]["text"]
    assert [d.name for d in engine.deps.store.drafts.list_for(42)] == [
        "朝阳市教育局2026年工作要点"]
