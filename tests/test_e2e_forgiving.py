"""Forgiving input over Telegram (the fake Bot API, checked against the spec): a mistyped region
answered with the nearest real names as buttons, a placeholder region said at once, priorities
typed as a list of short names."""

from __future__ import annotations

from pathlib import Path

from bot.library.library import Library
from bot.store import open_store
from tests.chat import make_engine
from tests.fakebot.harness import hermetic_settings, running_bot


def test_typo_placeholder_and_typed_priorities(tmp_path: Path, library: Library) -> None:
    engine = make_engine(open_store(tmp_path), library=library, data_dir=tmp_path)
    with running_bot(engine, hermetic_settings(tmp_path)) as bot:
        user = bot.user(42)
        user.command("new")
        user.wait_for_reply()
        user.send_text("修文具")
        offer = user.wait_for_reply()
        assert "没有找到“修文具”" in offer.text
        assert offer.button("贵州省 贵阳市 修文县") is not None
        user.press("贵州省 贵阳市 修文县")
        assert "哪一年" in user.wait_for_reply().text
        user.command("back")
        user.wait_for_reply()
        user.send_text("某县")
        notice, question = user.wait_for_replies()[-2:]
        assert "【待填：县名】" in notice.text and "哪一年" in question.text
        user.press("2026年（明年）")
        user.wait_for_reply()
        user.press("工作要点")
        user.wait_for_reply()
        user.send_text("学前、德育")
        assert "已选：1.学前教育、2.德育和思政" in user.wait_for_reply().text
