"""Writing one's own item and placing it, and the numbering style, over Telegram (the real
application against the fake Bot API, every request checked against the Bot API spec)."""

from __future__ import annotations

from pathlib import Path

from bot.compose.plan import NumberingStyle, Plan
from bot.store import open_store
from tests.chat import make_engine
from tests.fakebot.harness import hermetic_settings, running_bot


def test_own_item_moved_to_first_place_over_telegram(tmp_path: Path) -> None:
    engine = make_engine(open_store(tmp_path), data_dir=tmp_path)
    with running_bot(engine, hermetic_settings(tmp_path)) as bot:
        user = bot.user(7)
        user.command("new")
        user.wait_for_reply()
        user.send_text("清远市")
        user.wait_for_reply()
        for label in ("2026年（明年）", "工作要点", "党的建设", "完成", "全部跳过", "分级编号",
                      "✅ 生成草稿"):
            user.press(label)
            user.wait_for_reply()
        user.press("二、坚持和加强党对教育工作的全面领导")
        user.wait_for_reply()
        user.press("＋ 自己写一条")
        assert "末尾的内容" in user.wait_for_reply().text
        user.send_text("全年开展专题学习12次。")
        assert "已添加到本节末尾" in user.wait_for_reply().text
        user.press("移到第…位")
        places = user.wait_for_reply()
        assert "要移到第几位" in places.text
        user.press("1")
        assert "已移到第1位" in user.wait_for_reply().text
        user.press("返回本节")
        user.wait_for_reply()
        user.press("返回概览")
        user.wait_for_reply()
        user.press("改用连续编号")
        assert "已改用连续编号" in user.wait_for_reply().text
    [record] = engine.deps.store.drafts.list_for(7)
    plan = Plan.model_validate(record.plan)
    assert plan.sections[1].items[0].text == "全年开展专题学习12次。"
    assert plan.style is NumberingStyle.FLAT
