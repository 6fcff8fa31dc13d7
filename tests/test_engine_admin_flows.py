"""Admins' guided changes through the engine: a new clause, edit, retire and restore, uploads,
history and rollback, and what users see of it at once (new drafts, 添加条款, search, the
newer wording of a clause in an existing draft)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.curation import library_dump
from bot.dialogue.admin._views import MAX_PROBLEMS
from bot.dialogue.engine import Engine
from bot.search import Analyzer
from tests.admin_chat import (
    ADMIN,
    OWNER,
    USER,
    Admin,
    admin_engine,
    library_service,
    service_of,
    snapshot,
)
from tests.chat import TEST_LIBRARY
from tests.share_support import token_in

PRESCHOOL = "三、推进学前教育普及普惠发展"
TOPIC_FILE = (TEST_LIBRARY / "preschool.yaml").read_text(encoding="utf-8")
NEW_TEXT = "{{ scope }}开展托幼一体化试点，探索托育服务与幼儿园保教衔接。"
NEW_TITLE = "推进托幼一体化试点"


@pytest.fixture
def engine(tmp_path: Path, admin_analyzer: Analyzer) -> Engine:
    engine = admin_engine(tmp_path, analyzer=admin_analyzer)
    Admin(engine, OWNER).cmd("admin_add", str(ADMIN))
    return engine


def new_clause(chat: Admin, *, title: str = NEW_TITLE, text: str = NEW_TEXT) -> None:
    """/clause_new up to the preview: 学前教育, 工作任务, the title and text, 2022 on, no 省."""
    chat.cmd("clause_new")
    chat.press("学前教育")
    chat.press("工作任务")
    chat.say(title)
    chat.say(text)
    chat.press("✓ 省")
    chat.say("2022-")
    assert "2022年起，市、县、区" in chat.text
    chat.press("预览")


def sections(chat: Admin) -> dict[str, list[str | None]]:
    return {s.heading: [i.clause_id for i in s.items] for s in chat.plan().sections}


# --- a new clause ----------------------------------------------------------------------------


def test_a_new_clause_is_previewed_then_offered_everywhere_at_once(engine: Engine) -> None:
    user, admin = Admin(engine, USER), Admin(engine, ADMIN)
    before = user.draft_quickly()
    new_clause(admin)
    assert "【预览】新增条款" in admin.text and "新增 1 条：preschool.added_1" in admin.text
    assert "按“本市2026年”生成" in admin.text
    assert "全市开展托幼一体化试点" in admin.text and "条款库尚未改变" in admin.text
    assert service_of(engine).revision == 0
    admin.press("确认")
    assert "已生效：条款库第 1 版" in admin.text and admin.session().admin is None

    # the draft made before keeps its text, and 添加条款 offers the new clause
    assert user.drafts()[0].plan == before.plan
    user.cmd("drafts")
    user.press(before.name)
    user.press(PRESCHOOL[:10])
    user.press("添加条款")
    assert NEW_TITLE in user.text
    user.press(NEW_TITLE)
    assert "清远市开展托幼一体化试点" not in user.text  # a city: 全市
    assert "全市开展托幼一体化试点" in user.text
    # a new draft has it (a default clause), and search finds it right away
    user.draft_quickly()
    assert "preschool.added_1" in sections(user)["推进学前教育普及普惠发展"]
    search = engine.deps.search
    assert search is not None
    assert search.search("托幼一体化试点", record=False)[0].clause_id == "preschool.added_1"
    admin.cmd("clause_edit", "托幼一体化")  # found by keywords: one clause, picked at once
    assert "修改条款 [preschool.added_1]" in admin.text


def test_the_new_clause_steps_go_back_skip_and_cancel(engine: Engine, tmp_path: Path) -> None:
    admin = Admin(engine, ADMIN)
    admin.cmd("clause_new")
    admin.cmd("back")
    assert "已经是第一步" in admin.text
    admin.press("学前教育")
    admin.press("目标")
    admin.cmd("skip")  # no title
    assert "请发送条款正文" in admin.text and "标题：" not in admin.text
    admin.cmd("back")
    assert "请发送条款的小标题" in admin.text
    admin.press("⬅ 上一步")
    assert "这是哪一类条款" in admin.text
    admin.press("工作任务")
    admin.say(NEW_TITLE)
    admin.say(NEW_TEXT)
    admin.say("2030-2020")
    assert "年份请写成" in admin.text and "适用范围" in admin.text
    for level in ("✓ 省", "✓ 市", "✓ 县", "✓ 区"):
        admin.press(level)
    assert "至少要保留一个适用层级" in admin.notice
    assert admin.labels[:4] == ["省", "市", "县", "✓ 区"]
    admin.press("预览")
    pending = list((tmp_path / "library" / "pending").glob("*.json"))
    assert len(pending) == 1
    admin.press("⬅ 上一步")  # back from the preview: it is dropped
    assert "适用范围" in admin.text
    assert not list((tmp_path / "library" / "pending").glob("*.json"))
    admin.press("预览")
    admin.cmd("cancel")
    assert "已取消，条款库没有改变" in admin.text
    assert not list((tmp_path / "library" / "pending").glob("*.json"))
    assert service_of(engine).revision == 0


def test_a_new_clause_with_problems_is_not_applied(engine: Engine, tmp_path: Path) -> None:
    admin = Admin(engine, ADMIN)
    before = snapshot(engine, tmp_path)
    new_clause(admin, text="{{ scope }}新建幼儿园{{ no_such_thing }}所。")
    assert "修改未生效：发现 1 处问题" in admin.text and "no_such_thing" in admin.text
    assert "适用范围" in admin.text  # still at the last step: /back to correct the text
    assert snapshot(engine, tmp_path)[1:] == before[1:]
    admin.cmd("back")
    admin.say(NEW_TEXT)
    admin.press("预览")
    admin.say("确认")  # typed works too
    assert "已生效" in admin.text


def test_a_typed_wording_that_is_code_is_refused_with_a_clear_message(
    engine: Engine, tmp_path: Path
) -> None:
    admin = Admin(engine, ADMIN)
    before = snapshot(engine, tmp_path)
    for source in ("{{ ''.__class__.__mro__ }}", "{% for i in range(9) %}x{% endfor %}",
                   "{{ scope|attr('__class__') }}", "{{ 'a' * 100000000 }}"):
        admin.cmd("clause_edit", "preschool.quality")
        admin.say(source)
        assert "修改未生效：发现 1 处问题" in admin.text, admin.text
        assert "· [preschool.quality] text：" in admin.text
        assert "请发送新的正文" in admin.text  # asked again
    assert snapshot(engine, tmp_path)[1:] == before[1:]


# --- edit, retire, restore ---------------------------------------------------------------------


def test_edit_by_keywords_then_confirm(engine: Engine) -> None:
    admin = Admin(engine, ADMIN)
    admin.cmd("clause_edit", "幼儿园")
    assert "找到这些条款，请点选" in admin.text
    admin.press("提升保教质量")
    assert "现在的正文（条款库原文）" in admin.text and "小学化" in admin.text
    admin.say("深化幼儿园保教改革，全面推进保育教育质量评估。")
    assert "【预览】修改条款" in admin.text and "修改 1 条：preschool.quality" in admin.text
    admin.press("确认")
    clause = service_of(engine).library.clause("preschool.quality")
    assert clause is not None and "质量评估" in clause.text
    admin.cmd("clause_edit", "qqqzzz")
    assert "没有找到" in admin.text
    admin.say("preschool.quality")
    admin.say("深化幼儿园保教改革，全面推进保育教育质量评估。")  # the same text
    assert "没有需要修改的内容" in admin.text and "请发送新的正文" in admin.text


def test_retire_then_no_longer_offered_but_drafts_keep_it_then_restore(engine: Engine) -> None:
    user, admin = Admin(engine, USER), Admin(engine, ADMIN)
    old = user.draft_quickly()
    admin.cmd("clause_retire", "preschool.quality")
    assert "【预览】停用条款" in admin.text and "停用 1 条：preschool.quality" in admin.text
    admin.press("确认")
    assert "已生效" in admin.text
    new = user.draft_quickly(region="修文县")
    assert "preschool.quality" not in sections(user)["推进学前教育普及普惠发展"]
    user.cmd("drafts")
    user.press(old.name)
    user.press(PRESCHOOL[:10])
    assert user.has_button("（二）提升保教质量")  # the old draft still shows it
    user.press("（二）提升保教质量")
    assert "小学化" in user.text
    user.press("删除")
    user.press("添加条款")
    assert "提升保教质量" not in user.text  # not offered any more
    admin.cmd("clause_restore", "保教")
    assert "【预览】恢复条款" in admin.text
    admin.press("确认")
    user.cmd("drafts")
    user.press(new.name)
    user.press(PRESCHOOL[:10])
    user.press("添加条款")
    assert "提升保教质量" in user.text


# --- uploads -----------------------------------------------------------------------------------


def test_a_broken_upload_lists_its_problems_and_changes_nothing(
    engine: Engine, tmp_path: Path
) -> None:
    admin = Admin(engine, ADMIN)
    before = snapshot(engine, tmp_path)
    syntax = TOPIC_FILE.replace("  - id: preschool.supply\n",
                                "  - id: preschool.supply\n   kind: [task\n", 1)
    admin.file("preschool.yaml", syntax.encode())
    assert "修改未生效：发现 1 处问题" in admin.text
    assert "preschool.yaml:19 yaml：" in admin.text
    schema = TOPIC_FILE.replace("kind: task\n    title: 提升保教质量", "kind: tusk\n    title: x")
    admin.file("preschool.yaml", schema.encode())
    assert "preschool.yaml:28 [preschool.quality] kind：" in admin.text
    assert admin.session().admin is None and not admin.has_button("确认")
    assert snapshot(engine, tmp_path)[1:] == before[1:]


def test_a_long_list_of_problems_is_cut_and_sent_in_full_as_a_file(engine: Engine) -> None:
    admin = Admin(engine, ADMIN)
    clauses = "".join(f"  - id: preschool.bad{i}\n    kind: tusk\n    text: x\n" for i in range(45))
    admin.file("many.yaml", f"schema_version: 1\ntopic: preschool\nname: 学前教育\nclauses:\n"
                            f"{clauses}".encode())
    assert "发现 45 处问题" in admin.text and "另有 15 处" in admin.text
    assert admin.text.count("[preschool.bad") == MAX_PROBLEMS
    [(name, content)] = admin.documents()
    assert name == "many-problems.txt" and content.decode().count("kind：") == 45


def test_a_valid_upload_shows_the_summary_and_applies_on_confirm(engine: Engine) -> None:
    admin = Admin(engine, ADMIN)
    changed = (TOPIC_FILE.replace("防止和纠正“小学化”倾向。", "坚决防止和纠正“小学化”倾向。")
               .replace("    default: false\n", "    default: false\n    retired: true\n")
               + "  - id: preschool.mixed\n    kind: task\n    title: 托幼一体化\n"
                 "    text: '{{ scope }}探索托幼一体化。'\n    order: 40\n")
    admin.file("preschool.yaml", changed.encode())
    text = admin.text
    assert "【预览】上传条款文件：preschool.yaml" in text
    assert "新增 1 条：preschool.mixed" in text and "修改 1 条：preschool.quality" in text
    assert "停用 1 条：preschool.teachers" in text
    assert service_of(engine).revision == 0
    admin.press("确认")
    assert "已生效：条款库第 1 版" in admin.text
    library = service_of(engine).library
    assert library.clause("preschool.mixed") is not None
    assert library.clause("preschool.teachers").retired  # type: ignore[union-attr]


# --- history and rollback ----------------------------------------------------------------------


def test_history_and_rollback_restore_the_library_of_a_revision(engine: Engine) -> None:
    admin = Admin(engine, ADMIN)
    service = service_of(engine)
    shipped = library_dump(service.library)
    new_clause(admin)
    admin.press("确认")
    after_one = library_dump(service.library)
    admin.cmd("clause_retire", "preschool.quality")
    admin.press("确认")
    admin.cmd("admin_history")
    assert "当前为第2版" in admin.text
    assert "第2版" in admin.text and "用户2 停用条款" in admin.text
    assert "第1版" in admin.text and "用户2 新增条款" in admin.text
    assert "第0版 随程序发布的条款库" in admin.text
    assert admin.labels == ["回滚到第1版", "回滚到第0版"]
    admin.press("回滚到第1版")
    assert "【预览】回退（回到第1版）" in admin.text
    assert "恢复 1 条：preschool.quality" in admin.text
    admin.press("确认")
    assert library_dump(service.library) == after_one and service.revision == 3
    admin.cmd("admin_history")
    admin.press("回滚到第0版")
    admin.press("确认")
    assert library_dump(service.library) == shipped and service.revision == 4


def test_history_is_paged(engine: Engine) -> None:
    admin = Admin(engine, ADMIN)
    for n in range(9):
        admin.cmd("clause_edit", "preschool.quality")
        admin.say(f"深化幼儿园保教改革，第{n}次修改。")
        admin.press("确认")
    admin.cmd("admin_history")
    assert "第1/2页" in admin.text and "第9版" in admin.text and "第0版" not in admin.text
    admin.press("下一页")
    assert "第2/2页" in admin.text and "第1版" in admin.text and "第0版 随程序发布" in admin.text


def test_a_preview_made_stale_by_another_change_is_not_applied(engine: Engine) -> None:
    owner, admin = Admin(engine, OWNER), Admin(engine, ADMIN)
    admin.cmd("clause_retire", "preschool.quality")
    owner.cmd("clause_retire", "preschool.supply")
    owner.press("确认")
    admin.press("确认")
    assert "预览之后条款库已被其他管理员修改" in admin.text
    clause = service_of(engine).library.clause("preschool.quality")
    assert clause is not None and not clause.retired and admin.session().admin is None


def test_a_change_made_by_another_process_is_live_at_the_next_event(
    engine: Engine, tmp_path: Path
) -> None:
    other = library_service(tmp_path)  # the CLI or another bot process on the same data
    other.retire_clause(OWNER, "preschool.quality")
    user = Admin(engine, USER)
    user.draft_quickly()
    assert "preschool.quality" not in sections(user)["推进学前教育普及普惠发展"]


# --- newer wordings in a draft -----------------------------------------------------------------


def test_a_draft_learns_of_newer_wordings_and_takes_one(engine: Engine) -> None:
    user, admin = Admin(engine, USER), Admin(engine, ADMIN)
    record = user.draft_quickly()
    assert record.meta["library_revision"] == 0
    for clause_id, text in (("preschool.quality", "全面推进幼儿园保育教育质量评估。"),
                            ("party.integrity", "持之以恒正风肃纪。")):
        admin.cmd("clause_edit", clause_id)
        admin.say(text)
        admin.press("确认")
    user.cmd("drafts")
    user.press(record.name)
    assert "有2条条款出现了新措辞" in user.text
    assert user.plan().sections[2].items[1].text.startswith("深化幼儿园保教改革")  # unchanged
    assert user.has_button("新措辞：二、（二）推进全面从严治党")
    assert user.has_button("新措辞：三、（二）提升保教质量")
    user.press("新措辞：三、（二）")
    assert "条款库里这一条有新措辞（第1版）" in user.text and "质量评估" in user.text
    user.press("换成新措辞")
    assert "已换成条款库的新措辞" in user.text and not user.has_button("换成新措辞")
    assert user.plan().sections[2].items[1].text == "全面推进幼儿园保育教育质量评估。"
    assert user.drafts()[0].meta["library_revision"] == 0  # one item is still behind
    user.press("返回本节")
    user.press("返回概览")
    assert "有1条条款出现了新措辞" in user.text
    user.press("新措辞：")
    user.press("换成新措辞")
    assert user.drafts()[0].meta["library_revision"] == 2
    user.cmd("back")
    user.cmd("back")
    assert "新措辞" not in user.text


def test_an_item_swapped_or_rolled_back_to_its_wording_is_not_flagged(engine: Engine) -> None:
    user, admin = Admin(engine, USER), Admin(engine, ADMIN)
    record = user.draft_quickly()
    admin.cmd("clause_edit", "preschool.quality")
    admin.say("全面推进幼儿园保育教育质量评估。")
    admin.press("确认")
    admin.cmd("admin_history")
    admin.press("回滚到第0版")
    admin.press("确认")
    user.cmd("drafts")
    user.press(record.name)
    assert "新措辞" not in user.text  # changed and changed back: the draft has the wording


def test_a_large_upload_is_summarised_and_the_preview_shown_again(engine: Engine) -> None:
    admin = Admin(engine, ADMIN)
    clauses = "".join(f"  - id: preschool.more{i:02}\n    kind: task\n    title: 第{i}条\n"
                      f"    text: '{{{{ scope }}}}推进第{i}项工作。'\n    order: {50 + i}\n"
                      for i in range(25))
    admin.file("more.yaml", f"schema_version: 1\ntopic: preschool\nname: 学前教育\nclauses:\n"
                            f"{clauses}".encode())
    assert "新增 25 条：preschool.more00、" in admin.text and "preschool.more19 等。" in admin.text
    assert "preschool.more20" not in admin.text.split("生成")[0]
    admin.say("好的")  # not an answer here: the preview again, with its buttons
    assert "请点下面的按钮选择" in admin.text and "【预览】上传条款文件：more.yaml" in admin.text
    admin.cmd("help")
    assert "条款库管理" in admin.text and "【预览】上传条款文件" in admin.text
    admin.press("确认")
    assert "已生效" in admin.text and len(service_of(engine).library) == 18 + 25


def test_a_clause_removed_while_an_admin_edits_it(engine: Engine) -> None:
    owner, admin = Admin(engine, OWNER), Admin(engine, ADMIN)
    new_clause(owner)
    owner.press("确认")
    admin.cmd("clause_edit", "preschool.added_1")
    assert "请发送新的正文" in admin.text
    owner.cmd("admin_history")
    owner.press("回滚到第0版")  # the added clause is gone again
    owner.press("确认")
    admin.say("{{ scope }}新的写法。")
    assert "没有编号为 preschool.added_1 的条款" in admin.text
    assert "请发送条款编号" in admin.text  # asked for another one
    assert service_of(engine).library.clause("preschool.added_1") is None


def test_a_copy_made_from_a_share_link_learns_of_newer_wordings_too(engine: Engine) -> None:
    user, admin, colleague = Admin(engine, USER), Admin(engine, ADMIN), Admin(engine, 5005)
    record = user.draft_quickly()
    user.cmd("drafts")
    user.press(record.name)
    user.press("分享")
    user.press("复制一份")
    colleague.cmd("start", token_in(user.text))
    [copy] = colleague.drafts()
    assert copy.meta == {"library_revision": 0}  # nothing of the owner's dialogue
    admin.cmd("clause_edit", "preschool.quality")
    admin.say("全面推进幼儿园保育教育质量评估。")
    admin.press("确认")
    colleague.cmd("drafts")
    colleague.press(copy.name)
    assert "有1条条款出现了新措辞" in colleague.text
