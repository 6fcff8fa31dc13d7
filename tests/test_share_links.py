"""Share links through the engine: two and three users; view, copy, edit, revoke, expiry,
guessed tokens, forged buttons, the owner's access screen, the console's /open."""

from __future__ import annotations

import io
import random
import secrets
import string
from datetime import timedelta

import pytest

from bot.adapters.console import run_console
from bot.dialogue.actions import encode
from bot.dialogue.codes import Codes as Act
from bot.dialogue.draft import EXPORT_FORMATS
from bot.dialogue.sharing._common import EXPIRY_CHOICES, SHARE_KINDS
from bot.dialogue.state.draft import Screen
from bot.messages import Messages
from bot.store import memory_store
from tests.share_support import (
    BOT_NAME,
    INVALID,
    Clock,
    Member,
    plan_of,
    seed_draft,
    share_engine,
    token_in,
)

OWNER, COLLEAGUE, THIRD = 1, 2, 3
TITLE = "清远市教育局2026年工作要点"
SECRET = "甲方内部条目：只给看不给改"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def people(clock: Clock) -> tuple[Member, Member, Member]:
    engine = share_engine(memory_store(clock=clock))
    owner = Member(engine, OWNER, "张科长", bot=BOT_NAME)
    return owner, Member(engine, COLLEAGUE, "李老师", bot=BOT_NAME), Member(engine, THIRD, "王主任")


def test_a_link_is_a_telegram_deep_link_and_the_console_shows_the_token() -> None:
    engine = share_engine()
    draft = seed_draft(engine, OWNER)
    owner = Member(engine, OWNER, "张科长", bot=BOT_NAME)
    owner.open_draft(TITLE)
    owner.make_link("只读查看")
    url = next(line for line in owner.text.splitlines() if line.startswith("https://"))
    token = token_in(url)
    assert url == f"https://t.me/{BOT_NAME}?start={token}"
    assert 32 <= len(token) <= 64 and set(token) <= set(string.ascii_letters + string.digits + "_-")
    assert "只显示这一次" in owner.text and "/open" not in owner.text
    console = Member(engine, OWNER)  # no bot name: the token and /open
    console.open_draft(TITLE)
    console.make_link("复制一份")
    assert f"/open {token_in(console.text)}" in console.text and "https://" not in console.text
    stored = engine.deps.store.shares.for_draft(draft.id)
    assert len(stored) == 2 and all(token not in s.model_dump_json() for s in stored)


def test_view_link_shows_the_draft_read_only(people: tuple[Member, Member, Member]) -> None:
    owner, colleague, _ = people
    draft = seed_draft(owner.engine, OWNER, secret=SECRET)
    owner.open_draft(TITLE)
    token = owner.make_link("只读查看")
    colleague.cmd("start", token)
    assert "只能查看、预览和导出" in colleague.text
    assert f"《{TITLE}》〔只读，张科长分享〕" in colleague.text
    assert colleague.labels == ["预览全文", "导出Word", "导出Markdown", "导出纯文本",
                                "导出任务分解表（Excel）", "我的草稿"]
    colleague.press("预览全文")
    assert SECRET in colleague.replies[0].text
    colleague.press("返回概览")
    colleague.press("导出Word")
    documents = [d for r in colleague.replies for d in r.documents]
    assert [d.filename for d in documents] == [f"{TITLE}.docx"]
    assert documents[0].content[:2] == b"PK"
    assert colleague.drafts() == []  # not in their /drafts: a view link grants no access
    colleague.cmd("help")
    assert "只读草稿" in colleague.text
    colleague.cmd("back")
    assert "还没有草稿" in colleague.text
    assert colleague.record(draft.id).revision == 0


def test_a_view_link_never_allows_editing(people: tuple[Member, Member, Member]) -> None:
    """Forged buttons with the viewer's own nonce and the shared draft's id change nothing."""
    owner, viewer, _ = people
    draft = seed_draft(owner.engine, OWNER, secret=SECRET)
    owner.open_draft(TITLE)
    viewer.cmd("start", owner.make_link("只读查看"))
    forged = [
        (Act.EDIT, 0, 1, 0), (Act.DELETE, 0, 1, 0), (Act.SWAP, 0, 1, 0), (Act.UP, 0, 1, 1),
        (Act.ADD, 0, 1, 0), (Act.HEADING, 0, 1), (Act.RENAME, 0), (Act.TITLE, 0),
        (Act.DROP_YES, 0), (Act.FILL, 0, 0), (Act.UNDO, 0), (Act.SECTION, 0, 1),
        (Act.ITEM, 0, 1, 0), (Act.TODO, 0), (Act.OPEN,), (Act.PREVIEW,), (Act.EXPORT, 0),
        (Act.COPY,), (Act.DROP,), (Act.SHARE, 0), (Act.SHARE_NEW, 2, 3), (Act.KEEP_MINE, 0),
        (Act.DISCARD,), (Act.SHARE_REMOVE, OWNER),
    ]
    for act, *numbers in forged:
        nonce = viewer.session().nonce
        viewer.press_data(encode(nonce, act, draft.id, *numbers))
        assert viewer.notice and not viewer.text, (act, viewer.text)
        viewer.say("我要改掉它")  # in case an edit prompt had slipped through
        assert SECRET not in viewer.text
    record = viewer.record(draft.id)
    assert record.revision == 0 and record.collaborators == [] and record.name == TITLE
    assert plan_of(owner.engine, draft.id).sections[1].items[0].text == SECRET
    assert viewer.drafts() == [] and owner.engine.deps.store.shares.names(draft.id).keys() == {
        OWNER, COLLEAGUE}
    assert len(owner.engine.deps.store.shares.for_draft(draft.id)) == 1  # no link was made


def test_copy_link_gives_the_colleague_a_draft_of_their_own(
    people: tuple[Member, Member, Member],
) -> None:
    owner, colleague, _ = people
    draft = seed_draft(owner.engine, OWNER)
    owner.open_draft(TITLE)
    token = owner.make_link("复制一份")
    colleague.cmd("start", token)
    assert f"已为您复制一份《{TITLE}》" in colleague.text
    assert f"草稿名：{TITLE}（副本）" in colleague.text
    [copy] = colleague.drafts()
    assert copy.owner == COLLEAGUE and copy.id != draft.id and copy.plan == draft.plan
    colleague.press("改标题")
    colleague.say("李老师的版本")
    assert colleague.record(copy.id).plan["title"] == "李老师的版本"
    assert colleague.record(draft.id).plan["title"] == TITLE and colleague.record(
        draft.id).collaborators == []
    assert [d.id for d in owner.drafts()] == [draft.id]


def test_edit_link_makes_a_collaborator(people: tuple[Member, Member, Member]) -> None:
    owner, colleague, _ = people
    draft = seed_draft(owner.engine, OWNER)
    owner.open_draft(TITLE)
    colleague.cmd("start", owner.make_link("共同编辑"))
    assert "您已加入" in colleague.text and f"《{TITLE}》〔共享〕" in colleague.text
    assert "分享" not in colleague.labels  # only the owner shares
    colleague.cmd("drafts")
    assert f"{TITLE}（" in colleague.text and "〔共享〕" in colleague.text
    colleague.press(TITLE[:8])
    colleague.press("改标题")
    colleague.say("共同修改后的标题")
    owner.open_draft("共同修改后的标题")  # the name was the title: it follows it
    assert "《共同修改后的标题》" in owner.text
    colleague.cmd("start", _edit_token(owner))  # a second edit link: nothing more to do
    assert "已经在您的草稿列表里" in colleague.text
    assert colleague.record(draft.id).collaborators == [COLLEAGUE]


def _edit_token(owner: Member) -> str:
    owner.cmd("drafts")
    owner.press(owner.drafts()[0].name[:8])
    return owner.make_link("共同编辑")


def test_the_owner_sees_who_has_access_and_revokes_at_once(
    people: tuple[Member, Member, Member],
) -> None:
    owner, colleague, third = people
    draft = seed_draft(owner.engine, OWNER, secret=SECRET)
    owner.open_draft(TITLE)
    edit = owner.make_link("共同编辑")
    owner.press("返回概览")
    view = owner.make_link("只读查看", "7天")
    colleague.cmd("start", edit)
    third.cmd("start", view)
    owner.press("返回概览")
    owner.press("分享")
    text = owner.text
    assert "共同编辑的同事：李老师" in text
    assert "1. 共同编辑，2025-12-31 09:00前有效，已有1人打开" in text
    assert "2. 只读查看，2025-12-08 09:00前有效，已有1人打开" in text
    assert owner.has_button("移除 李老师") and owner.has_button("链接2：只读查看")
    owner.press("链接2：只读查看")
    assert "打开过的同事：王主任" in owner.text
    owner.press("撤销这个链接")
    assert "已撤销链接2（只读查看），它立即失效" in owner.text and "2. " not in owner.text
    third.press("预览全文")  # the viewer's next press: the link is gone, so is the draft
    assert INVALID in third.text and SECRET not in third.text and third.replies[0].edit
    assert third.session().view is None
    third.cmd("start", view)
    assert INVALID in third.text
    owner.press("移除 李老师")
    assert "已移除李老师" in owner.text and "共同编辑链接还有效" in owner.text
    assert colleague.drafts() == [] and owner.record(draft.id).collaborators == []
    colleague.press("改标题")  # a button from before: refused, nothing changes
    assert colleague.notice and owner.record(draft.id).revision == 0
    owner.press("链接1：共同编辑")
    owner.press("撤销这个链接")
    colleague.cmd("start", edit)
    assert INVALID in colleague.text and colleague.drafts() == []


def test_expiry_is_checked_when_the_link_is_opened(
    people: tuple[Member, Member, Member], clock: Clock,
) -> None:
    owner, colleague, third = people
    seed_draft(owner.engine, OWNER)
    owner.open_draft(TITLE)
    day = owner.make_link("共同编辑", "1天")
    owner.press("返回概览")
    view = owner.make_link("只读查看", "1天")
    owner.press("返回概览")
    forever = owner.make_link("复制一份", "永久")
    assert "永久有效（直到撤销）" in owner.text
    third.cmd("start", view)
    clock.advance(timedelta(hours=23, minutes=59))
    third.press("预览全文")
    assert "以上是全文预览" in third.text
    clock.advance(timedelta(minutes=1))
    colleague.cmd("start", day)
    assert INVALID in colleague.text and colleague.drafts() == []
    third.press("返回概览")  # the open read-only view dies with its link
    assert INVALID in third.text
    clock.advance(timedelta(days=3650))
    colleague.cmd("start", forever)
    assert "已为您复制一份" in colleague.text
    owner.press("返回概览")
    owner.press("分享")
    assert owner.text.count("前有效") == 0 and "1. 复制一份，永久有效" in owner.text


def test_the_owner_changes_a_links_expiry(
    people: tuple[Member, Member, Member], clock: Clock,
) -> None:
    owner, colleague, _ = people
    seed_draft(owner.engine, OWNER)
    owner.open_draft(TITLE)
    token = owner.make_link("只读查看", "1天")
    owner.press("链接1：只读查看")
    clock.advance(timedelta(hours=12))
    owner.press("30天")
    assert "有效期已修改" in owner.text and "2025-12-31 21:00前有效" in owner.text
    clock.advance(timedelta(days=20))
    colleague.cmd("start", token)
    assert "〔只读" in colleague.text
    owner.press("1天")
    clock.advance(timedelta(days=2))
    colleague.press("预览全文")
    assert INVALID in colleague.text


def test_guessed_and_malformed_tokens_open_nothing_and_all_read_alike(
    people: tuple[Member, Member, Member], clock: Clock,
) -> None:
    owner, guesser, _ = people
    draft = seed_draft(owner.engine, OWNER, secret=SECRET)
    owner.open_draft(TITLE)
    real = owner.make_link("共同编辑", "1天")
    owner.press("返回概览")
    revoked = owner.make_link("只读查看")
    owner.press("链接2：只读查看")
    owner.press("撤销这个链接")
    expected = [r.model_dump() for r in guesser.cmd("start", secrets.token_urlsafe(24))]
    assert [r["text"] for r in expected] == [Messages().text("link_invalid")]
    rng = random.Random(5)
    alphabet = string.ascii_letters + string.digits + "_-"
    guesses = [secrets.token_urlsafe(24) for _ in range(2000)]
    guesses += [real[:-1], real + "A", real.upper(), real[1:], real[:31] + "?", revoked]
    guesses += ["".join(rng.choices(alphabet, k=rng.randint(1, 80))) for _ in range(100)]
    guesses += ["' OR 1=1 --", "../../users/1", "x" * 4000, "清远市", "%00", "\u202e", "a b c"]
    for guess in guesses:
        for command in ("start", "open"):
            replies = guesser.cmd(command, guess)
            assert [r.model_dump() for r in replies] == expected, guess[:40]
    clock.advance(timedelta(days=1))
    for dead in (real, revoked):  # expired and revoked: the same words as never-was
        assert [r.model_dump() for r in guesser.cmd("start", dead)] == expected
    assert guesser.drafts() == [] and guesser.session().view is None
    record = guesser.record(draft.id)
    assert record.collaborators == [] and record.revision == 0
    assert COLLEAGUE not in owner.engine.deps.store.shares.names(draft.id)


def test_a_deleted_draft_takes_its_links_with_it(people: tuple[Member, Member, Member]) -> None:
    owner, colleague, _ = people
    draft = seed_draft(owner.engine, OWNER)
    owner.open_draft(TITLE)
    token = owner.make_link("复制一份")
    owner.press("返回概览")
    owner.press("删除草稿")
    owner.press("确定删除")
    assert owner.engine.deps.store.shares.for_draft(draft.id) == []
    colleague.cmd("start", token)
    assert INVALID in colleague.text and colleague.drafts() == []


def test_the_owner_opening_their_own_link_just_opens_the_draft(
    people: tuple[Member, Member, Member],
) -> None:
    owner, _, _ = people
    seed_draft(owner.engine, OWNER)
    owner.open_draft(TITLE)
    for kind in ("只读查看", "复制一份", "共同编辑"):
        token = owner.make_link(kind)
        owner.cmd("open", f"https://t.me/{BOT_NAME}?start={token}")  # a pasted link works too
        assert f"这是您自己的草稿《{TITLE}》" in owner.text and owner.has_button("分享")
    assert len(owner.drafts()) == 1
    owner.cmd("open")
    assert "请在 /open 后面加上" in owner.text


def test_collaborators_and_strangers_cannot_manage_sharing(
    people: tuple[Member, Member, Member],
) -> None:
    owner, colleague, stranger = people
    draft = seed_draft(owner.engine, OWNER)
    owner.engine.deps.store.drafts.add_collaborator(draft.id, COLLEAGUE)
    for user in (colleague, stranger):
        for kind in range(len(SHARE_KINDS)):
            user.cmd("drafts")
            user.press_data(encode(user.session().nonce, Act.SHARE_NEW, draft.id, kind, 0))
            assert user.notice
    colleague.cmd("drafts")
    colleague.press_data(encode(colleague.session().nonce, Act.SHARE, draft.id, 0))
    assert "只有草稿的创建人" in colleague.notice
    assert owner.engine.deps.store.shares.for_draft(draft.id) == []


def test_three_colleagues_one_draft(people: tuple[Member, Member, Member]) -> None:
    """Two collaborators by one edit link, each change seen by the other two."""
    owner, second, third = people
    draft = seed_draft(owner.engine, OWNER)
    owner.open_draft(TITLE)
    token = owner.make_link("共同编辑")
    for user in (second, third):
        user.cmd("start", token)
    assert owner.record(draft.id).collaborators == [COLLEAGUE, THIRD]
    second.press("改草稿名")
    second.say("二人合稿")
    third.cmd("drafts")
    assert "二人合稿" in third.text
    third.press("二人合稿")
    third.press("改草稿名")
    third.say("三人合稿")
    owner.cmd("drafts")
    assert "三人合稿" in owner.text and owner.record(draft.id).revision == 2
    owner.press("三人合稿")
    owner.press("分享")
    assert "共同编辑的同事：李老师、王主任" in owner.text and "已有2人打开" in owner.text


def test_unknown_names_show_as_ids(clock: Clock) -> None:
    engine = share_engine(memory_store(clock=clock))
    owner, nameless = Member(engine, OWNER), Member(engine, 77)
    draft = seed_draft(engine, OWNER)
    owner.open_draft(TITLE)
    nameless.cmd("open", owner.make_link("共同编辑"))
    owner.press("返回概览")
    owner.press("分享")
    assert "共同编辑的同事：用户77" in owner.text and owner.has_button("移除 用户77")
    assert engine.deps.store.shares.names(draft.id) == {}


def test_the_screens_come_back_after_help_and_errors(people: tuple[Member, Member, Member]) -> None:
    owner, viewer, _ = people
    seed_draft(owner.engine, OWNER)
    owner.open_draft(TITLE)
    viewer.cmd("start", owner.make_link("只读查看"))
    owner.press("链接1：只读查看")
    owner.cmd("help")
    assert "生成链接发给同事" in owner.text and "链接1：只读查看" in owner.text
    owner.cmd("back")
    assert "分享《" in owner.text and owner.session().view.screen is Screen.SHARE  # type: ignore[union-attr]
    owner.cmd("back")
    assert "点章节查看和修改条目" in owner.text
    viewer.say("随便说点什么")
    assert "请点下面的按钮" in viewer.text and "〔只读" in viewer.text


def test_every_sharing_message_id_made_at_run_time_exists() -> None:
    messages = Messages()
    made = [
        *(f"btn_share_{kind.value}" for kind in SHARE_KINDS),
        *(f"share_kind_{kind.value}" for kind in SHARE_KINDS),
        *(f"expiry_{key}" for key, _ in EXPIRY_CHOICES),
        *(f"btn_export_{fmt}" for fmt in EXPORT_FORMATS),
    ]
    assert [key for key in made if not messages.has(key)] == []


def test_the_console_opens_a_token_with_open() -> None:
    engine = share_engine(data_dir=None)
    seed_draft(engine, OWNER, secret=SECRET)
    owner = Member(engine, OWNER)
    owner.open_draft(TITLE)
    token = owner.make_link("只读查看")
    out = io.StringIO()
    assert run_console(engine, io.StringIO(f"/open {token}\n1\n"), out, user_id=COLLEAGUE) == 0
    shown = out.getvalue()
    assert f"《{TITLE}》〔只读〕" in shown and "[1] 预览全文" in shown and SECRET in shown
