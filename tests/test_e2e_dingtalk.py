"""End to end: the real engine behind the real DingTalk adapter, against the fake DingTalk.

The fake checks every OpenAPI request and every acknowledgement against the documented fields
(``tests/fakedingtalk/spec.py``); leaving ``running_robot`` asserts it saw no violation and that
nothing was logged at ERROR.
"""

from __future__ import annotations

from pathlib import Path

from bot.adapters.dingtalk.identity import OFFSET, Identities
from bot.store import open_store
from tests.chat import make_engine
from tests.fakedingtalk.harness import DingUser, running_robot
from tests.fakedingtalk.server import Sent

text = DingUser.text


def files(replies: list[Sent]) -> list[str]:
    return [m.param["fileName"] for m in replies if m.key == "sampleFile"]


def draft_by_buttons(user: DingUser) -> list[Sent]:
    """/new → region, year, kind, two topics, targets skipped, numbering, generate."""
    assert "哪个地区" in text(user.say("/new"))
    assert "4个同名地区" in text(user.say("朝阳"))
    assert "哪一年" in text(user.press("辽宁省 朝阳市"))
    user.press("2026年（明年）")
    user.press("工作要点")
    for topic in ("学前教育", "党的建设", "完成"):
        user.press(topic)
    replies = user.say("120")
    assert "应在0到100之间" in text(replies) and "学校党组织覆盖率" in text(replies)
    user.press("全部跳过")
    assert "请核对" in text(user.press("分级编号"))
    return user.press("✅ 生成草稿")


def test_a_new_user_drafts_a_plan_by_buttons_and_exports_it(tmp_path: Path) -> None:
    engine = make_engine(open_store(tmp_path), data_dir=tmp_path)
    with running_robot(engine, tmp_path) as robot:
        user = robot.user("staff01", "王老师")
        assert "发送 /new 开始起草" in text(user.say("/start"))
        assert "草稿已生成并保存" in text(draft_by_buttons(user))
        user.press("导出")
        sent = user.press("导出Markdown")
        assert files(sent) == ["朝阳市教育局2026年工作要点.md"]
        [(name, content)] = robot.server.uploads.values()
        assert name == "朝阳市教育局2026年工作要点.md" and "学前教育".encode() in content
        assert "朝阳市教育局2026年工作要点" in text(user.say("/drafts"))
        assert all(m.to == ("user", "staff01") for m in robot.server.sent)
    number = Identities.open(tmp_path).user("staff01")
    assert number < -OFFSET
    assert [d.name for d in engine.deps.store.drafts.list_for(number)] == [
        "朝阳市教育局2026年工作要点"]


def test_a_plan_by_typing_alone(tmp_path: Path) -> None:
    """No taps: the words of the buttons, typed, as a user of the desktop client may."""
    engine = make_engine(open_store(tmp_path), data_dir=tmp_path)
    with running_robot(engine, tmp_path) as robot:
        user = robot.user("staff02")
        user.say("/new")
        user.say("朝阳")
        assert "哪一年" in text(user.say("辽宁省 朝阳市"))
        user.say("2026年（明年）")
        user.say("工作要点")
        for topic in ("学前教育", "完成"):
            user.say(topic)
        user.say("全部跳过")
        assert "请核对" in text(user.say("分级"))
        assert "草稿已生成并保存" in text(user.say("生成草稿"))
        assert "朝阳市教育局2026年工作要点" in text(user.say("/drafts"))
