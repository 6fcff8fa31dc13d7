"""End to end: the real engine behind the real DingTalk adapter, against the fake DingTalk.

The fake checks every OpenAPI request and every acknowledgement against the documented fields
(``tests/fakedingtalk/spec.py``); leaving ``running_robot`` asserts it saw no violation and that
nothing was logged at ERROR.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from bot.adapters.dingtalk.identity import OFFSET, Identities
from bot.adapters.dingtalk.runner import owners
from bot.compose.plan import Plan
from bot.config import Settings
from bot.curation import (
    AdminRegistry,
    AuditLog,
    LibraryService,
    RevisionLog,
    UsageStats,
    sample_region,
)
from bot.export.text import plan_to_text
from bot.store import open_store
from tests.admin_chat import admin_engine
from tests.admin_support import FakeClock
from tests.chat import TEST_LIBRARY, make_engine, small_library
from tests.fakedingtalk.harness import DingUser, robot_settings, running_robot
from tests.fakedingtalk.server import Sent
from tests.share_support import seed_draft, share_engine

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


def test_a_group_answers_mentions_only_and_keeps_identities_apart(tmp_path: Path) -> None:
    engine = make_engine(open_store(tmp_path), data_dir=tmp_path)
    with running_robot(engine, tmp_path) as robot:
        member = robot.group("cidGROUP1", "staff03", "李科长")
        assert member.say("/help", at=False) == []  # not for the robot: no answer
        replies = member.say("/help")
        assert replies and all(m.to == ("group", "cidGROUP1") for m in replies)
        alone = robot.user("staff03", "李科长")
        assert "哪个地区" in text(alone.say("/new"))
    ids = Identities.open(tmp_path)
    user, group = ids.user("staff03"), ids.group("cidGROUP1")
    assert user != group and user < -OFFSET and group < -OFFSET
    assert ids.key(user) == ("user", "staff03") and ids.key(42) is None


def test_the_stream_drops_mid_dialogue_and_nothing_is_lost_or_doubled(tmp_path: Path) -> None:
    engine = make_engine(open_store(tmp_path), data_dir=tmp_path)
    with running_robot(engine, tmp_path) as robot:
        user = robot.user("staff04")
        user.say("/new")
        # the connection breaks after a message came in, before its acknowledgement went back
        frame = user.frame(user.message("text", {"text": {"content": "朝阳"}}))
        user.deliver(frame, drop_after=True)
        robot.wait_for_connections(2)
        user.wait_for("4个同名地区")
        # DingTalk delivers it again on the new connection: acknowledged, not answered again
        again = user.frame(json.loads(frame["data"]))
        assert user.deliver(frame) == [] and user.deliver(again) == []
        # a ping is answered with its own data; a disconnect frame makes the robot reconnect
        ping = robot.push_system("ping", '{"opaque":"7f"}')
        assert robot.wait_for_ack(ping)[0]["data"] == '{"opaque":"7f"}'
        robot.drop()
        robot.wait_for_connections(3)
        assert "哪一年" in text(user.press("辽宁省 朝阳市"))
        assert "起草哪种文件" in text(user.press("2026年（明年）"))
    candidates = [m for m in robot.server.sent if "4个同名地区" in m.text]
    assert len(candidates) == 1
    assert robot.server.tokens_issued == 1  # the access token is cached across connections


def snapshot(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes()
            for p in sorted(directory.rglob("*")) if p.is_file()}


def test_forged_and_replayed_frames_change_nothing(tmp_path: Path) -> None:
    engine = make_engine(open_store(tmp_path), data_dir=tmp_path)
    with running_robot(engine, tmp_path) as robot:
        user = robot.user("staff05")
        user.say("/new")
        first = user.frame(user.message("text", {"text": {"content": "朝阳"}}))
        assert "4个同名地区" in text(user.deliver(first))
        before, sent = snapshot(tmp_path), len(robot.server.sent)
        forged = [
            first,  # the same frame again
            user.frame(json.loads(first["data"])),  # the same message in a new frame
            user.frame(user.message("text", {"text": {"content": "/cancel"}},
                                    robot_code="another-robot")),
            user.frame({**user.message("text", {"text": {"content": "/cancel"}}),
                        "senderStaffId": ""}),
            {**user.frame(user.message("text", {"text": {"content": "/cancel"}})),
             "type": "EVENT"},
            {**user.frame({}), "data": "not json"},
        ]
        for frame in forged:
            assert user.deliver(frame) == []
        assert robot.wait_for_ack(first["headers"]["messageId"], 2)
        assert snapshot(tmp_path) == before and len(robot.server.sent) == sent
        assert "哪一年" in text(user.press("辽宁省 朝阳市"))  # the dialogue goes on


def test_sends_are_retried_only_when_they_surely_did_not_arrive(tmp_path: Path) -> None:
    engine = make_engine(open_store(tmp_path), data_dir=tmp_path)
    with running_robot(engine, tmp_path) as robot:
        user = robot.user("staff06")
        robot.server.fail["/v1.0/oauth2/accessToken"] = [503]
        robot.server.fail["/v1.0/robot/oToMessages/batchSend"] = [429, 502]
        assert "哪个地区" in text(user.say("/new"))  # waited, tried again, delivered once
        assert robot.server.calls.count("/v1.0/oauth2/accessToken") == 2
        # a 500 after sending: maybe delivered, so not sent again (and no apology either)
        robot.server.fail["/v1.0/robot/oToMessages/batchSend"] = [500]
        calls = robot.server.calls.count("/v1.0/robot/oToMessages/batchSend")
        assert user.say("朝阳") == []
        assert robot.server.calls.count("/v1.0/robot/oToMessages/batchSend") == calls + 1
        assert "哪一年" in text(user.say("辽宁省 朝阳市"))


def owner_service(data_dir: Path, settings: Settings) -> LibraryService:
    """The tests' library service, its owners those of ``settings`` (as ``bot.app`` does)."""
    clock = FakeClock()
    audit = AuditLog(data_dir, clock)
    return LibraryService(
        small_library(), RevisionLog(data_dir),
        AdminRegistry(data_dir, settings.admin_ids, audit, clock), audit,
        UsageStats(data_dir, clock), snippets_dir=TEST_LIBRARY,
        sample_region=sample_region(TEST_LIBRARY), clock=clock)


def test_an_owner_from_dingtalk_admin_ids_uploads_a_clause_file(tmp_path: Path) -> None:
    settings = owners(robot_settings(tmp_path, dingtalk_admin_ids=frozenset({"boss01"})))
    service = owner_service(tmp_path, settings)
    engine = admin_engine(tmp_path, store=open_store(tmp_path), service=service)
    topic = (TEST_LIBRARY / "preschool.yaml").read_text(encoding="utf-8")
    changed = topic.replace("防止和纠正“小学化”倾向。", "坚决防止和纠正“小学化”倾向。")
    with running_robot(engine, tmp_path) as robot:
        owner, stranger = robot.user("boss01", "张局长"), robot.user("staff07", "王老师")
        assert text(stranger.say("/admin")).startswith("无权限")
        assert "文件太大" in text(owner.upload("big.yaml", b"#" * (1024 * 1024 + 1)))
        preview = text(owner.upload("preschool.yaml", changed.encode()))
        assert "【预览】上传条款文件" in preview and "修改 1 条：preschool.quality" in preview
        assert service.revision == 0
        assert "已生效：条款库第 1 版" in text(owner.press("确认"))
    clause = service.library.clause("preschool.quality")
    assert clause is not None and "坚决防止" in clause.text


def test_a_colleague_opens_a_shared_draft_with_open_token(tmp_path: Path) -> None:
    engine = share_engine(open_store(tmp_path), data_dir=tmp_path)
    seed_draft(engine, Identities.open(tmp_path).user("owner08"))
    with running_robot(engine, tmp_path) as robot:
        owner, colleague = robot.user("owner08", "张科长"), robot.user("staff09", "李老师")
        owner.say("/drafts")
        owner.press("清远市教育局2026年工作要点")
        owner.press("分享")
        found = re.search(r"/open (\S+)", text(owner.press("共同编辑")))
        assert found is not None and "t.me" not in text(owner.received[-1:])
        opened = text(colleague.say(f"/open {found.group(1)}"))
        assert "《清远市教育局2026年工作要点》〔共享〕" in opened


def test_a_plan_sent_for_checking_is_fetched_by_its_download_code(tmp_path: Path) -> None:
    engine = make_engine(open_store(tmp_path), data_dir=tmp_path)
    record = seed_draft(engine, -1)
    with running_robot(engine, tmp_path) as robot:
        user = robot.user("staff10")
        user.upload("2026年工作要点.txt", plan_to_text(Plan.model_validate(record.plan)).encode())
        assert "检查" in user.buttons()
        report = text(user.press("检查"))
        assert "《清远市教育局2026年工作要点》按2026年、清远市的计划检查：未发现问题" in report
    assert robot.server.calls.count("/v1.0/robot/messageFiles/download") == 1
