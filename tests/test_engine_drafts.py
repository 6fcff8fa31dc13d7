"""/drafts, and what keeps drafts apart: owners, collaborators, stale and forged buttons."""

from __future__ import annotations

import pytest

from bot.dialogue.actions import encode
from bot.dialogue.codes import Codes as Act
from bot.dialogue.engine import Engine
from bot.store import memory_store
from tests.chat import TODAY, Chat, make_engine, messages, small_library


@pytest.fixture
def chat() -> Chat:
    return Chat(make_engine(page_size=2))


def test_no_drafts_yet(chat: Chat) -> None:
    chat.cmd("drafts")
    assert "还没有草稿" in chat.text
    chat.press("起草新计划")
    assert "哪个地区" in chat.text


def test_list_newest_first_paged_and_open(chat: Chat) -> None:
    for region in ("清远市", "修文县", "韶关市"):
        chat.draft_quickly(region=region)
    chat.cmd("drafts")
    assert "我的草稿（共3份" in chat.text and "第1/2页" in chat.text
    assert chat.text.index("韶关市") < chat.text.index("修文县")
    assert "清远市" not in chat.text
    chat.press("下一页")
    assert "3. 清远市教育局2026年工作要点" in chat.text
    chat.press("清远市教育局")
    assert "《清远市教育局2026年工作要点》" in chat.text
    chat.press("我的草稿")
    assert "第1/2页" in chat.text


def test_rename_copy_and_delete_from_the_list(chat: Chat) -> None:
    chat.draft_quickly()
    chat.cmd("drafts")
    chat.press("清远市教育局")
    chat.press("改草稿名")
    chat.say("要点初稿")
    chat.press("复制")
    assert "已复制《要点初稿》" in chat.text and "草稿名：要点初稿（副本）" in chat.text
    names = [d.name for d in chat.drafts()]
    assert sorted(names) == ["要点初稿", "要点初稿（副本）"]
    assert chat.drafts()[0].plan == chat.drafts()[1].plan
    chat.press("删除草稿")
    assert "确定删除草稿《要点初稿（副本）》吗" in chat.text
    chat.press("取消")
    assert len(chat.drafts()) == 2 and "草稿名：要点初稿（副本）" in chat.text
    chat.press("删除草稿")
    chat.press("确定删除")
    assert "已删除《要点初稿（副本）》" in chat.text and "我的草稿（共1份" in chat.text
    assert [d.name for d in chat.drafts()] == ["要点初稿"]


def test_resume_an_unfinished_interview_from_the_list(chat: Chat) -> None:
    chat.cmd("new")
    chat.say("清远")
    chat.cmd("drafts")
    assert chat.has_button("继续未完成的起草")
    chat.say("2026")  # the list is showing: text is not an answer
    assert "请点下面的按钮" in chat.text
    chat.press("继续未完成的起草")
    assert "哪一年" in chat.text
    chat.cmd("drafts")
    chat.cmd("cancel")  # closing the list resumes the interview too
    assert "哪一年" in chat.text
    chat.cmd("drafts")
    chat.cmd("back")
    assert "哪一年" in chat.text


def test_two_users_never_see_each_others_drafts() -> None:
    engine = make_engine()
    alice, bob = Chat(engine, 1), Chat(engine, 2)
    alice.draft_quickly(region="清远市")
    bob.draft_quickly(region="修文县")
    alice.cmd("drafts")
    bob.cmd("drafts")
    assert "清远市" in alice.text and "修文县" not in alice.text
    assert "修文县" in bob.text and "清远市" not in bob.text
    assert [d.owner for d in alice.drafts()] == [1]
    assert [d.owner for d in bob.drafts()] == [2]


def forged(chat: Chat, act: Act, *args: str | int) -> str:
    """Button data a user could craft: right nonce, someone else's draft."""
    return encode(chat.session().nonce, act, *args)


@pytest.mark.parametrize(("act", "args"), [
    (Act.OPEN, ()), (Act.COPY, ()), (Act.DROP, ()), (Act.DROP_YES, (0,)),
    (Act.DELETE, (0, 1, 0)), (Act.EDIT, (0, 1, 0)), (Act.RENAME, (0,)), (Act.PREVIEW, ()),
    (Act.EXPORT, (1,)), (Act.SWAP, (0, 1, 0)), (Act.FILL, (0, 0)), (Act.UNDO, (0,)),
])
def test_a_forged_button_naming_another_users_draft_changes_nothing(
    act: Act, args: tuple[int, ...]
) -> None:
    engine = make_engine(memory_store())
    alice, mallory = Chat(engine, 1), Chat(engine, 666)
    target = alice.draft_quickly()
    mallory.cmd("drafts")
    session = mallory.session()
    mallory.press_data(forged(mallory, act, target.id, *args))
    assert mallory.notice == "这个按钮无效，没有做任何修改。"
    assert [r.text for r in mallory.replies] == [""]
    assert mallory.session() == session
    assert alice.drafts() == [target]
    assert mallory.drafts() == []


@pytest.mark.parametrize("data", [
    "", "garbage", "0", "0:zz", "0:op", "0:op:not-a-draft", "0:it:1-abcdefgh:0:0",
    "0:ls:-1", "0:ls:" + "z" * 8, "0:yr:1k9:1", "ü" * 30, "0:op:1-abcdefgh:extra",
])
def test_junk_button_data_changes_nothing(chat: Chat, data: str) -> None:
    chat.draft_quickly()
    session = chat.session()
    chat.press_data(data)
    assert chat.notice in {
        "这个按钮无效，没有做任何修改。", "这个按钮已过期，请用最新一条消息里的按钮。"
    }
    assert chat.session() == session


def test_interview_buttons_outside_the_interview_are_refused(chat: Chat) -> None:
    chat.draft_quickly()
    for act, args in [(Act.YEAR, (2026,)), (Act.TOPIC, (0,)), (Act.GENERATE, ()),
                      (Act.SKIP, ()), (Act.RESUME, ())]:
        session = chat.session()
        chat.press_data(forged(chat, act, *args))
        assert chat.notice == "这个按钮无效，没有做任何修改。"
        assert chat.session() == session
    assert len(chat.drafts()) == 1


def test_a_button_for_another_question_is_refused(chat: Chat) -> None:
    chat.cmd("new")
    chat.say("清远")
    chat.press_data(forged(chat, Act.STYLE, 0))
    assert chat.notice == "这个按钮无效，没有做任何修改。"
    chat.press_data(forged(chat, Act.YEAR, 2040))  # out of range: the polite error, no change
    assert "年份须在" in chat.notice


def test_a_stale_button_is_refused_and_changes_nothing(chat: Chat) -> None:
    chat.draft_quickly()
    chat.press("三、推进学前教育")
    chat.press("（一）扩大普惠性学前教育资源")
    old_delete = chat.button("删除")
    chat.press("返回本节")
    plan, session = chat.plan(), chat.session()
    chat.press_data(old_delete.data)
    assert chat.notice == "这个按钮已过期，请用最新一条消息里的按钮。"
    assert [r.text for r in chat.replies] == [""]
    assert chat.plan() == plan and chat.session() == session


def test_collaborators_see_and_edit_but_do_not_delete() -> None:
    engine = make_engine()
    owner, colleague = Chat(engine, 1), Chat(engine, 2)
    record = owner.draft_quickly()
    engine.deps.store.drafts.add_collaborator(record.id, 2)
    colleague.cmd("drafts")
    assert "清远市教育局2026年工作要点（" in colleague.text and "〔共享〕" in colleague.text
    colleague.press("清远市教育局")
    assert "〔共享〕" in colleague.text
    colleague.press("删除草稿")
    assert colleague.notice == "只有草稿的创建人可以删除它。"
    colleague.press("改草稿名")
    colleague.say("共同修改版")
    assert owner.drafts()[0].name == "共同修改版"
    engine.deps.store.drafts.remove_collaborator(record.id, 2)
    colleague.press("预览全文")
    assert colleague.notice == "这个按钮无效，没有做任何修改。"


def test_a_deleted_draft_left_open_elsewhere() -> None:
    engine = make_engine()
    owner, colleague = Chat(engine, 1), Chat(engine, 2)
    record = owner.draft_quickly()
    engine.deps.store.drafts.add_collaborator(record.id, 2)
    colleague.cmd("drafts")
    colleague.press("清远市教育局")
    owner.press("删除草稿")
    owner.press("确定删除")
    colleague.press("预览全文")
    assert colleague.notice == "这份草稿已不存在。"
    colleague.cmd("help")  # the view shown again falls back to the list
    assert "还没有草稿" in colleague.text


class FailingDrafts:
    """The drafts of a store whose disk fails on create."""

    def __init__(self, inner: object) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> object:
        if name == "create":
            raise OSError("disk full")
        return getattr(self._inner, name)


class FailingStore:
    def __init__(self) -> None:
        self._inner = memory_store()
        self.drafts = FailingDrafts(self._inner.drafts)
        self.sessions = self._inner.sessions
        self.transaction = self._inner.transaction


def _to_review(chat: Chat) -> None:
    """A new draft for 清远, 2026, party leadership only, up to the review screen."""
    chat.cmd("new")
    for step in (lambda: chat.say("清远"), lambda: chat.say("2026"),
                 lambda: chat.press("工作要点"), lambda: chat.press("党的建设"),
                 lambda: chat.press("完成"), lambda: chat.press("全部跳过"),
                 lambda: chat.press("分级编号")):
        step()


def test_an_unexpected_failure_is_an_apology_and_loses_nothing() -> None:
    engine = Engine(small_library(), FailingStore(), messages(), clock=lambda: TODAY)
    chat = Chat(engine)
    _to_review(chat)
    session = chat.session()
    chat.press("生成草稿")
    assert "抱歉，刚才出了点问题" in chat.text
    assert chat.session() == session  # still at the review: 生成草稿 can be pressed again


def test_a_lost_session_write_after_generating_makes_no_duplicate() -> None:
    """Crash between saving the new draft and saving the session: 生成草稿 again reopens it."""
    store = memory_store()
    engine = Engine(small_library(), store, messages(), clock=lambda: TODAY)
    chat = Chat(engine)
    _to_review(chat)
    before = store.sessions.load(chat.user_id)
    generate = chat.button("生成草稿").data
    chat.press_data(generate)
    assert len(chat.drafts()) == 1
    assert before is not None
    store.sessions.save(chat.user_id, before)  # the session write never happened
    chat.press_data(generate)
    assert "草稿已生成并保存" in chat.text
    assert len(chat.drafts()) == 1
    assert chat.session().view is not None and chat.session().view.draft_id == chat.drafts()[0].id
