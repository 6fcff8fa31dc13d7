"""Posting a draft into a group chat through the engine: /post in the group, pick, summary and
Word file into that chat; sessions stay the user's."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import build_engine
from bot.compose.assemble import PlanRequest, assemble_plan
from bot.compose.gazetteer import resolve_region
from bot.dialogue.actions import encode
from bot.dialogue.codes import Codes as Act
from bot.dialogue.engine import Engine
from bot.dialogue.state.draft import Screen
from bot.library.library import Library
from tests.chat import make_engine
from tests.fakebot.harness import hermetic_settings
from tests.share_support import BOT_NAME, Member, seed_draft, share_engine

OWNER, COLLEAGUE, STRANGER = 1, 2, 3
GROUP = -1001234567890
TITLE = "清远市教育局2026年工作要点"


@pytest.fixture
def engine() -> Engine:
    return share_engine()


def test_post_a_draft_into_the_group(engine: Engine) -> None:
    seed_draft(engine, OWNER)
    private = Member(engine, OWNER, "张科长", bot=BOT_NAME)
    private.open_draft(TITLE)
    in_group = private.in_chat(GROUP)
    in_group.cmd("post")
    assert "张科长，请选择要发到本群的草稿" in in_group.text
    assert in_group.labels == [TITLE]
    assert in_group.replies[0].edit is False
    in_group.press(TITLE)
    summary, file = in_group.replies
    assert summary.edit and f"《{TITLE}》（张科长发送）" in summary.text
    assert "一、总体要求（1条）" in summary.text and "还有1处【待填】需要补充" in summary.text
    assert summary.buttons == [] and file.text == f"已导出：{TITLE}.docx"
    [document] = file.documents
    assert document.filename == f"{TITLE}.docx" and document.content[:2] == b"PK"
    view = private.session().view  # the private dialogue is where it was
    assert view is not None and view.screen is Screen.OVERVIEW
    private.press("分享")  # and its buttons still work
    assert "分享《" in private.text and not private.notice
    in_group.cmd("post")
    in_group.cmd("post")  # a list again: it works too
    in_group.press_data(in_group.replies[0].buttons[0][0].data)
    assert in_group.replies[1].documents


def test_only_the_user_who_asked_can_pick(engine: Engine) -> None:
    seed_draft(engine, OWNER, secret="只给本人")
    owner = Member(engine, OWNER, "张科长", chat_id=GROUP)
    stranger = Member(engine, STRANGER, "路人", chat_id=GROUP)
    owner.cmd("post")
    pick = owner.button(TITLE)
    stranger.cmd("drafts")  # the stranger has a session of their own
    stranger.press_data(pick.data)
    assert stranger.notice and not stranger.text and not stranger.replies[0].documents
    forged = encode(stranger.session().nonce, Act.POST, owner.drafts()[0].id)
    stranger.press_data(forged)  # the stranger's own nonce and the owner's draft
    assert "无效" in stranger.notice and not stranger.replies[0].documents
    stranger.cmd("post")
    assert "您还没有可以发送的草稿" in stranger.text


def test_a_collaborator_posts_a_shared_draft(engine: Engine) -> None:
    draft = seed_draft(engine, OWNER)
    seed_draft(engine, COLLEAGUE, "李老师自己的草稿")
    engine.deps.store.drafts.add_collaborator(draft.id, COLLEAGUE)
    colleague = Member(engine, COLLEAGUE, "李老师", chat_id=GROUP)
    colleague.cmd("post")
    assert sorted(colleague.labels) == sorted([TITLE, "李老师自己的草稿"])
    colleague.press(TITLE)
    assert "（李老师发送）" in colleague.replies[0].text
    assert colleague.replies[1].documents[0].filename == f"{TITLE}.docx"


def test_post_in_private_explains_how(engine: Engine) -> None:
    seed_draft(engine, OWNER)
    private = Member(engine, OWNER, "张科长", bot=BOT_NAME)
    private.cmd("post")
    assert "把我（@planbot_test_bot）拉进群" in private.text
    assert f"/post@{BOT_NAME}" in private.text and not private.replies[0].buttons


def test_without_word_export_the_group_gets_markdown() -> None:
    engine = make_engine()
    seed_draft(engine, OWNER)
    member = Member(engine, OWNER, chat_id=GROUP)
    member.cmd("post")
    member.press(TITLE)
    assert member.replies[1].documents[0].filename == f"{TITLE}.md"


def test_export_offers_word_named_after_the_plan(tmp_path: Path, library: Library) -> None:
    """The engine the adapters get (build_engine) exports Word; files are named after the plan."""
    engine = build_engine(hermetic_settings(tmp_path))
    assert engine.deps.word_export is not None
    region = resolve_region("清远市").candidates[0]
    plan = assemble_plan(PlanRequest(region=region, year=2019, topics=["preschool"]), library)
    engine.deps.store.drafts.create(OWNER, "要点", plan.model_dump(mode="json"))
    user = Member(engine, OWNER)
    user.open_draft("要点")
    user.press("导出")
    assert user.labels[:3] == ["导出Word", "导出Markdown", "导出纯文本"]
    user.press("导出Word")
    [document] = [d for r in user.replies for d in r.documents]
    assert document.filename == "清远市教育局2019年工作要点.docx"
    assert document.content[:2] == b"PK"
