"""Editing together: a text typed on a stale view is never applied silently, and no update is
lost. Two and three collaborators through the engine."""

from __future__ import annotations

import pytest

from bot.dialogue.actions import encode
from bot.dialogue.codes import Codes as Act
from bot.dialogue.state.draft import InputKind
from bot.store import memory_store
from tests.share_support import BOT_NAME, Clock, Member, plan_of, seed_draft, share_engine

OWNER, SECOND, THIRD = 1, 2, 3
TITLE = "清远市教育局2026年工作要点"
ITEM = "（一）"  # the first item of a section, by its label


@pytest.fixture
def team() -> tuple[Member, Member, Member, str]:
    engine = share_engine(memory_store(clock=Clock()))
    owner = Member(engine, OWNER, "张科长", bot=BOT_NAME)
    draft = seed_draft(engine, OWNER)
    owner.open_draft(TITLE)
    token = owner.make_link("共同编辑")
    second, third = Member(engine, SECOND, "李老师"), Member(engine, THIRD, "王主任")
    for user in (second, third):
        user.cmd("start", token)
    owner.open_draft(TITLE)
    return owner, second, third, draft.id


def item_text(user: Member, draft_id: str, s: int = 1, i: int = 0) -> str:
    return plan_of(user.engine, draft_id).sections[s].items[i].text


def start_editing(user: Member, s: int = 1) -> None:
    """From /drafts: the shared draft, section ``s``, its first item, 编辑."""
    user.cmd("drafts")
    user.press(user.buttons[0].text)
    section = [b.text for b in user.buttons if b.text.startswith(("一、", "二、", "三、"))][s]
    user.press(section)
    user.press(ITEM)
    user.press("编辑")
    assert "请发送这一条的新内容" in user.text


def edit_now(user: Member, text: str, s: int = 1) -> None:
    start_editing(user, s)
    user.say(text)
    assert "已保存修改" in user.text, user.text


def test_a_stale_edit_is_shown_and_can_be_applied_again(
    team: tuple[Member, Member, Member, str],
) -> None:
    owner, second, _, draft_id = team
    original = item_text(owner, draft_id)
    start_editing(owner)  # the owner looks at revision N
    edit_now(second, "乙的改法")  # the colleague saves N+1
    revision = owner.record(draft_id).revision
    owner.say("甲的改法")
    assert "这段内容已被李老师修改，当前内容是：" in owner.text
    assert "乙的改法" in owner.text and "您的版本：\n甲的改法" in owner.text
    assert owner.labels == ["仍用我的版本", "放弃"]
    assert item_text(owner, draft_id) == "乙的改法"  # not applied silently
    assert owner.record(draft_id).revision == revision
    pending = owner.session().pending
    assert pending is not None and pending.text == "甲的改法" and pending.revision == revision
    owner.cmd("help")  # the question survives /help
    assert "您的版本" in owner.text
    owner.press("仍用我的版本")
    assert "已保存修改" in owner.text and item_text(owner, draft_id) == "甲的改法"
    assert owner.record(draft_id).revision == revision + 1 and owner.session().pending is None
    assert original != "甲的改法"


def test_the_revision_is_checked_again_on_the_press(
    team: tuple[Member, Member, Member, str],
) -> None:
    owner, second, _, draft_id = team
    start_editing(owner)
    edit_now(second, "乙的第一稿")
    owner.say("甲的改法")
    keep = owner.button("仍用我的版本")
    edit_now(second, "乙的第二稿")  # changed again while the owner was reading
    owner.press_data(keep.data)
    assert "刚才草稿又被修改了一次" in owner.text and "乙的第二稿" in owner.text
    assert item_text(owner, draft_id) == "乙的第二稿"
    owner.press("仍用我的版本")
    assert item_text(owner, draft_id) == "甲的改法"


def test_discard_keeps_the_colleagues_text(team: tuple[Member, Member, Member, str]) -> None:
    owner, second, _, draft_id = team
    start_editing(owner)
    edit_now(second, "乙的改法")
    owner.say("甲的改法")
    owner.press("放弃")
    assert "已放弃您的修改" in owner.text and "乙的改法" in owner.text  # the item as it is now
    assert item_text(owner, draft_id) == "乙的改法" and owner.session().pending is None


def test_a_text_typed_on_the_conflict_screen_is_applied(
    team: tuple[Member, Member, Member, str],
) -> None:
    owner, second, _, draft_id = team
    start_editing(owner)
    edit_now(second, "乙的改法")
    owner.say("甲的改法")
    owner.say("甲参考乙之后的改法")  # the owner has now seen the current text
    assert "已保存修改" in owner.text and item_text(owner, draft_id) == "甲参考乙之后的改法"


def test_an_unchanged_item_that_moved_is_found(team: tuple[Member, Member, Member, str]) -> None:
    owner, second, _, draft_id = team
    start_editing(owner)
    first = item_text(owner, draft_id)
    second.cmd("drafts")
    second.press(TITLE[:8])
    second.press(next(b.text for b in second.buttons if b.text.startswith("二、")))
    second.press(ITEM)
    second.press("下移")
    owner.say("甲的改法")
    assert "这一条的文字没有变，位置可能变了" in owner.text and "（二）" in owner.text
    owner.press("仍用我的版本")
    assert item_text(owner, draft_id, 1, 1) == "甲的改法"  # the item the owner meant
    assert item_text(owner, draft_id, 1, 0) != first


def test_an_item_deleted_meanwhile_keeps_the_users_text_on_screen(
    team: tuple[Member, Member, Member, str],
) -> None:
    owner, second, _, draft_id = team
    start_editing(owner, s=2)
    second.cmd("drafts")
    second.press(TITLE[:8])
    second.press(next(b.text for b in second.buttons if b.text.startswith("三、")))
    for _ in range(len(plan_of(owner.engine, draft_id).sections[2].items)):
        second.press(ITEM)
        second.press("删除")
    owner.say("甲的改法")
    assert "已被李老师删除或移走" in owner.text and "甲的改法" in owner.text
    assert owner.labels == ["放弃"]


def test_a_stale_rename_and_a_stale_title(team: tuple[Member, Member, Member, str]) -> None:
    owner, second, _, draft_id = team
    owner.press("改草稿名")
    second.cmd("drafts")
    second.press(TITLE[:8])
    second.press("改草稿名")
    second.say("乙起的名字")
    owner.say("甲起的名字")
    assert "草稿名称已被李老师修改，当前内容是：\n乙起的名字" in owner.text
    owner.press("仍用我的版本")
    assert owner.record(draft_id).name == "甲起的名字"
    owner.press("改标题")
    edit_now(second, "乙改了一条")
    owner.say("")  # an empty title is refused as usual, nothing is kept
    assert "标题不能为空" in owner.text
    owner.say("甲的标题")
    assert "标题已被李老师修改" not in owner.text  # it was an item that changed
    assert f"草稿已被李老师修改（标题没有变），标题现在是：\n{TITLE}" in owner.text
    owner.press("仍用我的版本")
    assert plan_of(owner.engine, draft_id).title == "甲的标题"
    assert item_text(owner, draft_id) == "乙改了一条"  # the colleague's change is kept too


def test_three_editors_on_one_item_lose_nothing(team: tuple[Member, Member, Member, str]) -> None:
    """All three press 编辑 on the same revision; each text is applied once its author has seen
    the newer one: every update lands, in the order they were confirmed."""
    owner, second, third, draft_id = team
    for user in (owner, second, third):
        start_editing(user)
    landed = []
    third.say("丙的改法")
    landed.append(item_text(owner, draft_id))
    second.say("乙的改法")
    assert "这段内容已被王主任修改" in second.text and "丙的改法" in second.text
    owner.say("甲的改法")
    assert "这段内容已被王主任修改" in owner.text
    owner.press("仍用我的版本")
    landed.append(item_text(owner, draft_id))
    second.press("仍用我的版本")  # second saw 丙's text, but 甲 saved after: shown again
    assert "刚才草稿又被修改了一次" in second.text and "甲的改法" in second.text
    assert "这段内容已被张科长修改" in second.text
    second.press("仍用我的版本")
    landed.append(item_text(owner, draft_id))
    assert landed == ["丙的改法", "甲的改法", "乙的改法"]
    assert owner.record(draft_id).revision == 3  # three saves after the seeding, no more


def test_forged_conflict_buttons_change_nothing(team: tuple[Member, Member, Member, str]) -> None:
    owner, second, third, draft_id = team
    revision = owner.record(draft_id).revision
    for user in (owner, second, third):
        nonce = user.session().nonce
        user.press_data(encode(nonce, Act.KEEP_MINE, draft_id, revision))
        assert "无效" in user.notice
    start_editing(owner)
    edit_now(second, "乙的改法")
    owner.say("甲的改法")
    other = seed_draft(owner.engine, SECOND)
    owner.press_data(encode(owner.session().nonce, Act.KEEP_MINE, other.id, 0))
    assert "无效" in owner.notice and item_text(owner, draft_id) == "乙的改法"
    pending = owner.session().pending
    assert pending is not None and pending.kind is InputKind.EDIT and pending.text == "甲的改法"
