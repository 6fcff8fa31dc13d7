"""Admins end to end: the real Telegram application and engine against the fake Bot API.

The owner makes a colleague an admin with a typed command that is not in the command menu; a
stranger is refused the admin commands and a forged 确认; the admin uploads topic files as
documents (a broken one lists its problems, one over 1 MB is refused by the adapter, a valid
one is previewed and applied with 确认), downloads a topic file, then rolls the change back
from the history. The harness checks every request against the Bot API spec and that every
button press was answered.
"""

from __future__ import annotations

import json
from pathlib import Path

from bot.dialogue.actions import encode
from bot.dialogue.codes import Codes as Act
from bot.dialogue.session import Session
from bot.store import open_store
from tests.admin_chat import ADMIN, OWNER, USER, admin_engine, service_of
from tests.chat import TEST_LIBRARY
from tests.fakebot.harness import hermetic_settings, running_bot
from tests.fakebot.user import SimulatedUser

TOPIC_FILE = (TEST_LIBRARY / "preschool.yaml").read_text(encoding="utf-8")


def command(user: SimulatedUser, name: str, args: str = "") -> str:
    user.command(name, args)
    return "\n".join(m.text for m in user.wait_for_replies())


def press(user: SimulatedUser, label: str) -> str:
    user.press(label)
    return "\n".join(m.text for m in user.wait_for_replies())


def upload(user: SimulatedUser, name: str, content: bytes) -> str:
    user.upload(name, content, mime_type="application/x-yaml")
    return "\n".join(m.text for m in user.wait_for_replies())


def test_admins_curate_the_library_over_telegram(tmp_path: Path) -> None:
    engine = admin_engine(tmp_path, store=open_store(tmp_path))
    service = service_of(engine)
    with running_bot(engine, hermetic_settings(tmp_path)) as bot:
        [menu] = bot.server.calls_to("setMyCommands")
        listed = {c["command"] for c in _commands(menu.params)}
        assert "new" in listed and not {"admin", "admin_add", "clause_new"} & listed
        owner = bot.user(OWNER, first_name="张局长")
        admin = bot.user(ADMIN, first_name="李科长")
        stranger = bot.user(USER, first_name="王老师")

        assert "您的用户编号是 2" in command(admin, "whoami")
        assert "已将用户 2 设为管理员" in command(owner, "admin_add", str(ADMIN))

        # a stranger: typed admin commands and a forged 确认 are refused, nothing changes
        for name in ("admin", "clause_retire", "admin_history"):
            assert command(stranger, name, "preschool.quality").startswith("无权限")
        nonce = Session.model_validate(engine.deps.store.sessions.load(USER)).nonce
        query = stranger.press_data(encode(nonce, Act.ADMIN_CONFIRM))
        stranger.wait_for_replies()
        assert bot.server.callback_answers[query]["text"].startswith("无权限")
        assert service.revision == 0

        # uploads: broken, too large, valid
        broken = TOPIC_FILE.replace("kind: task\n    title: 提升保教质量",
                                    "kind: tusk\n    title: 提升保教质量")
        text = upload(admin, "preschool.yaml", broken.encode())
        assert "修改未生效" in text and "preschool.yaml:28 [preschool.quality] kind" in text
        assert "文件太大" in upload(admin, "big.yaml", b"#" * (1024 * 1024 + 1))
        changed = TOPIC_FILE.replace("防止和纠正“小学化”倾向。", "坚决防止和纠正“小学化”倾向。")
        text = upload(admin, "preschool.yaml", changed.encode())
        assert "【预览】上传条款文件" in text and "修改 1 条：preschool.quality" in text
        assert service.revision == 0
        assert "已生效：条款库第 1 版" in press(admin, "确认")
        assert "坚决防止" in service.library.clause("preschool.quality").text  # type: ignore[union-attr]

        # the topic file to edit, then back to the shipped library from the history
        command(admin, "admin_file", "preschool")
        [sent] = [m.document for m in admin.messages if m.document is not None]
        assert sent.filename == "preschool.yaml" and "坚决防止".encode() in sent.content
        assert "第1版" in command(admin, "admin_history")
        assert "【预览】回退（回到第0版）" in press(admin, "回滚到第0版")
        assert "已生效：条款库第 2 版" in press(admin, "确认")
        assert "坚决防止" not in service.library.clause("preschool.quality").text  # type: ignore[union-attr]

        # the owner takes the rights away: the next command is refused
        assert "已取消用户 2 的管理员权限" in command(owner, "admin_remove", str(ADMIN))
        assert command(admin, "clause_new").startswith("无权限")


def _commands(params: dict[str, object]) -> list[dict[str, str]]:
    raw = params["commands"]
    return json.loads(raw) if isinstance(raw, str) else raw  # type: ignore[return-value]
