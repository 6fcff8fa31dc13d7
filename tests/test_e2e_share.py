"""Sharing end to end: the real Telegram application and engine against the fake Bot API.

Three users in private chats and one group: deep links with the bot's username, a collaborator,
a read-only viewer whose forged buttons change nothing, a stale edit re-applied through the
conflict screen, revocation felt at the next press, guessed tokens, and /post into the group
(sendDocument to the group's chat id). The harness checks every request against the Bot API
spec and that every button press was answered.
"""

from __future__ import annotations

import itertools
import secrets
from pathlib import Path

from bot.dialogue.actions import encode
from bot.dialogue.codes import Codes as Act
from bot.dialogue.engine import Engine
from bot.dialogue.session import Session
from bot.store import open_store
from tests.fakebot.harness import hermetic_settings, running_bot
from tests.fakebot.server import FakeBotApi, JsonDict
from tests.fakebot.user import SimulatedUser
from tests.share_support import BOT_NAME, LINK, plan_of, seed_draft, share_engine

OWNER, COLLEAGUE, VIEWER, STRANGER = 42, 43, 44, 45
GROUP: JsonDict = {"id": -1001234567890, "type": "supergroup", "title": "教育局工作群"}
TITLE = "清远市教育局2026年工作要点"
INVALID = "这个链接无效或已失效"


class GroupMember(SimulatedUser):
    """A user talking in a group chat (chat id ≠ user id)."""

    def __init__(self, server: FakeBotApi, user_id: int, first_name: str) -> None:
        super().__init__(server, user_id, first_name=first_name)
        self.chat = GROUP
        server.register_chat(GROUP)
        self._query_numbers = itertools.count(10_000)  # not the ids of the private chat's queries

    @property
    def chat_id(self) -> int:
        return int(self.chat["id"])


def do(user: SimulatedUser, label: str = "", *, starts: str = "") -> str:
    """Press a button (by label, or the first whose label starts with ``starts``); the reply."""
    if starts:
        label = next(t for m in reversed(user.messages) for t in m.button_texts
                     if t.startswith(starts))
    user.press(label)
    return "\n".join(m.text for m in user.wait_for_replies())


def say(user: SimulatedUser, text: str) -> str:
    user.send_text(text)
    return "\n".join(m.text for m in user.wait_for_replies())


def command(user: SimulatedUser, name: str, args: str = "") -> str:
    user.command(name, args)
    return "\n".join(m.text for m in user.wait_for_replies())


def nonce(engine: Engine, user_id: int) -> int:
    data = engine.deps.store.sessions.load(user_id)
    assert data is not None
    return Session.model_validate(data).nonce


def test_sharing_over_telegram(tmp_path: Path) -> None:
    engine = share_engine(open_store(tmp_path), data_dir=tmp_path)
    draft = seed_draft(engine, OWNER)
    with running_bot(engine, hermetic_settings(tmp_path)) as bot:
        owner = bot.user(OWNER, first_name="张科长")
        colleague = bot.user(COLLEAGUE, first_name="李老师")
        viewer = bot.user(VIEWER, first_name="王主任")

        # the owner makes an edit link: a deep link with the bot's username
        command(owner, "drafts")
        do(owner, TITLE)
        do(owner, "分享")
        text = do(owner, "共同编辑")
        found = LINK.search(text)
        assert found and found.group(1) == BOT_NAME
        edit_token = found.group(2)
        assert "《清远市教育局2026年工作要点》〔共享〕" in command(colleague, "start", edit_token)
        assert "李老师" in do(owner, "只读查看")  # the access screen, refreshed, names him
        view_link = LINK.search(owner.last_message.text)
        assert view_link is not None

        # a read-only viewer: forged edit buttons change nothing
        assert "〔只读，张科长分享〕" in command(viewer, "start", view_link.group(2))
        assert viewer.last_message.button_texts == [
            "预览全文", "导出Word", "导出Markdown", "导出纯文本", "导出任务分解表（Excel）",
            "我的草稿"]
        for act, numbers in ((Act.EDIT, (0, 1, 0)), (Act.DELETE, (0, 1, 0)), (Act.RENAME, (0,))):
            query = viewer.press_data(encode(nonce(engine, VIEWER), act, draft.id, *numbers))
            viewer.wait_for_replies()
            assert "无效" in bot.server.callback_answers[query]["text"]
        assert engine.deps.store.drafts.get(draft.id).revision == 0  # type: ignore[union-attr]
        do(viewer, "导出Word")
        [sent] = [m.document for m in viewer.messages if m.document is not None]
        assert sent.filename == f"{TITLE}.docx" and sent.content[:2] == b"PK"

        # editing together: the owner's stale text goes through the conflict screen
        command(owner, "drafts")
        do(owner, TITLE)
        do(owner, starts="二、")
        do(owner, starts="（一）")
        do(owner, "编辑")
        command(colleague, "drafts")
        do(colleague, TITLE)
        do(colleague, starts="二、")
        do(colleague, starts="（一）")
        do(colleague, "编辑")
        assert "已保存修改" in say(colleague, "乙的改法")
        text = say(owner, "甲的改法")
        assert "这段内容已被李老师修改，当前内容是：" in text and "乙的改法" in text
        assert plan_of(engine, draft.id).sections[1].items[0].text == "乙的改法"
        assert "已保存修改" in do(owner, "仍用我的版本")
        assert plan_of(engine, draft.id).sections[1].items[0].text == "甲的改法"

        # revoking the view link is felt at the viewer's next press
        command(owner, "drafts")
        do(owner, TITLE)
        do(owner, "分享")
        do(owner, "链接2：只读查看")
        assert "它立即失效" in do(owner, "撤销这个链接")
        assert INVALID in do(viewer, "预览全文")
        assert INVALID in command(viewer, "start", view_link.group(2))

        # guessed tokens: all answered alike
        answers = {command(viewer, "start", secrets.token_urlsafe(24)) for _ in range(15)}
        answers |= {command(viewer, "start", junk) for junk in ("x", "-" * 64, "清远")}
        assert len(answers) == 1 and INVALID in answers.pop()

        # posting into a group: summary and Word file into the group's chat
        member = GroupMember(bot.server, OWNER, "张科长")
        stranger = GroupMember(bot.server, STRANGER, "路人")
        assert "请选择要发到本群的草稿" in command(member, f"post@{BOT_NAME}")
        picker = member.last_message
        query = stranger.press_data(picker.button(TITLE).callback_data or "", message=picker)
        stranger.wait_for_replies()
        assert bot.server.callback_answers[query]["text"]  # refused: not the stranger's list
        assert all(str(c.params["chat_id"]) != str(GROUP["id"])
                   for c in bot.server.calls_to("sendDocument"))
        do(member, TITLE)
        posted = [c for c in bot.server.calls_to("sendDocument")
                  if str(c.params["chat_id"]) == str(GROUP["id"])]
        assert len(posted) == 1
        in_group = bot.server.bot_messages(int(GROUP["id"]))
        summary = next(m for m in in_group if m.text.startswith(f"《{TITLE}》"))
        assert "（张科长发送）" in summary.text and "没有【待填】内容" in summary.text
        assert summary.buttons == [] and summary.message_id == picker.message_id  # edited
        [document] = [m.document for m in in_group if m.document is not None]
        assert document.filename == f"{TITLE}.docx" and document.content[:2] == b"PK"
        assert bot.server.bot_messages(OWNER)[-1].document is None  # nothing went to private

    record = engine.deps.store.drafts.get(draft.id)
    assert record is not None and record.collaborators == [COLLEAGUE] and record.revision == 2
