"""Admins in the chat: who may do what (every command, every button, forged ones included), the
admin list managed from the chat, the menu, and the usage statistics the dialogue records."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.curation import UsageEvent
from bot.dialogue.actions import encode
from bot.dialogue.admin import _menu as admin
from bot.dialogue.admin._admins import USER_TAG
from bot.dialogue.codes import Codes as Act
from bot.dialogue.engine import Engine
from bot.messages import Messages
from bot.search import Analyzer
from tests.admin_chat import (
    ADMIN,
    OWNER,
    USER,
    Admin,
    admin_engine,
    service_of,
    snapshot,
)
from tests.chat import TEST_LIBRARY

REFUSED = "无权限"
PRESCHOOL = "三、推进学前教育普及普惠发展"
TOPIC_FILE = (TEST_LIBRARY / "preschool.yaml").read_bytes()

# Every admin command, with arguments that would do something for an admin.
COMMAND_ARGS = {
    "admin": "", "admins": "", "admin_add": "9", "admin_remove": str(ADMIN),
    "admin_history": "", "admin_stats": "", "admin_file": "preschool", "admin_upload": "",
    "clause_new": "", "clause_edit": "preschool.quality", "clause_retire": "preschool.quality",
    "clause_restore": "preschool.teachers",
}
# Every admin button, with numbers that would do something for an admin.
BUTTON_INTS: dict[Act, tuple[int, ...]] = {
    Act.ADMIN_MENU: (0,), Act.ADMIN_TOPIC: (0,), Act.ADMIN_TOPIC_PAGE: (0,),
    Act.ADMIN_KIND: (0,), Act.ADMIN_LEVEL: (0,), Act.ADMIN_ANY_YEAR: (), Act.ADMIN_NEXT: (),
    Act.ADMIN_PICK: (0,), Act.ADMIN_CONFIRM: (), Act.ADMIN_DISCARD: (), Act.ADMIN_HISTORY: (0,),
    Act.ADMIN_ROLLBACK: (0,), Act.ADMIN_REMOVE: (ADMIN % USER_TAG,),
}


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    """Owner 1 has added admin 2 and made one change (so there is a revision to roll back)."""
    engine = admin_engine(tmp_path)
    owner = Admin(engine, OWNER)
    owner.cmd("admin_add", str(ADMIN))
    owner.cmd("clause_retire", "preschool.teachers")
    owner.press("确认")
    assert "已生效" in owner.text
    return engine


def test_every_admin_command_and_button_is_enumerated() -> None:
    assert set(COMMAND_ARGS) == set(admin.ADMIN_COMMANDS)
    admin_acts = {act for act in Act if act.name.startswith("ADMIN_")}
    assert set(BUTTON_INTS) == admin_acts == set(admin.BUTTONS) | admin.FLOW_ACTS


def test_admin_commands_are_not_in_the_menu_but_work_when_typed(engine: Engine) -> None:
    names = {name for name, _ in engine.commands()}
    assert not names & set(admin.COMMANDS)
    owner = Admin(engine, OWNER)
    owner.cmd("admin")
    assert "条款库管理" in owner.text and owner.has_button("新增条款")


@pytest.mark.parametrize("name", sorted(COMMAND_ARGS))
def test_a_non_admin_is_refused_every_command(engine: Engine, tmp_path: Path, name: str) -> None:
    user = Admin(engine, USER)
    user.draft_quickly()
    before = snapshot(engine, tmp_path)
    user.cmd(name, COMMAND_ARGS[name])
    assert user.text.startswith(REFUSED)
    assert user.session().admin is None
    assert snapshot(engine, tmp_path) == before


@pytest.mark.parametrize("act", sorted(BUTTON_INTS))
def test_a_forged_admin_button_is_refused(engine: Engine, tmp_path: Path, act: Act) -> None:
    user = Admin(engine, USER)
    user.cmd("start")
    before = snapshot(engine, tmp_path)
    user.press_data(encode(user.session().nonce, act, *BUTTON_INTS[act]))
    assert user.notice.startswith(REFUSED), user.replies
    assert not user.text
    assert snapshot(engine, tmp_path) == before


def test_a_file_from_a_non_admin_is_not_read(engine: Engine, tmp_path: Path) -> None:
    user = Admin(engine, USER)
    before = snapshot(engine, tmp_path)
    user.file("preschool.yaml", TOPIC_FILE.replace(b"2000", b"2001"))
    assert "不能处理上传的文件" in user.text
    assert snapshot(engine, tmp_path) == before


def test_whoami_for_everyone(engine: Engine) -> None:
    user = Admin(engine, USER)
    user.cmd("whoami")
    assert f"您的用户编号是 {USER}" in user.text and f"/admin_add {USER}" in user.text
    Admin(engine, ADMIN).cmd("whoami")
    owner = Admin(engine, OWNER)
    owner.cmd("whoami")
    assert "所有者" in owner.text


def test_an_owner_adds_an_admin_who_can_act_and_a_removed_one_is_refused_at_once(
    engine: Engine, tmp_path: Path
) -> None:
    owner, newcomer = Admin(engine, OWNER), Admin(engine, 7)
    newcomer.cmd("clause_new")
    assert newcomer.text.startswith(REFUSED)
    owner.cmd("admin_add", "7")
    assert "已将用户 7 设为管理员" in owner.text and owner.has_button("移除 7")
    newcomer.cmd("clause_new")
    assert "新条款属于哪个领域" in newcomer.text
    newcomer.press("学前教育")
    owner.cmd("admins")
    owner.press("移除 7")
    assert "已取消用户 7 的管理员权限" in owner.text and not owner.has_button("移除 7")
    before = snapshot(engine, tmp_path)
    newcomer.press("工作任务")  # a button of the task begun while an admin
    assert newcomer.notice.startswith(REFUSED)
    newcomer.say("标题")
    assert newcomer.text.startswith(REFUSED) and newcomer.session().admin is None
    assert snapshot(engine, tmp_path) == before


def test_a_removed_admin_cannot_confirm_a_preview_made_before(
    engine: Engine, tmp_path: Path
) -> None:
    owner, admin_ = Admin(engine, OWNER), Admin(engine, ADMIN)
    admin_.cmd("clause_retire", "preschool.quality")
    assert "【预览】停用条款" in admin_.text
    owner.cmd("admin_remove", str(ADMIN))
    assert "已取消用户 2 的管理员权限" in owner.text
    before = snapshot(engine, tmp_path)
    admin_.press("确认")
    assert admin_.notice.startswith(REFUSED)
    assert snapshot(engine, tmp_path) == before
    admin_.say("确认")  # typed: refused too, and the task is gone
    assert admin_.text.startswith(REFUSED) and admin_.session().admin is None
    assert service_of(engine).library.clause("preschool.quality").retired is False  # type: ignore[union-attr]


def test_only_owners_manage_admins(engine: Engine) -> None:
    admin_ = Admin(engine, ADMIN)
    admin_.cmd("admins")
    assert "1 所有者" in admin_.text and "只有所有者可以增减管理员" in admin_.text
    assert not admin_.has_button("移除")
    admin_.cmd("admin_add", "9")
    assert "无权限：只有所有者可以增减管理员" in admin_.text
    owner = Admin(engine, OWNER)
    owner.cmd("admin_remove", str(OWNER))
    assert "是所有者" in owner.text
    owner.cmd("admin_add", "abc")
    assert "纯数字" in owner.text
    owner.cmd("admin_add", str(ADMIN))
    assert "权限没有变化" in owner.text


def test_the_menu_leads_to_every_task(engine: Engine) -> None:
    owner = Admin(engine, OWNER)
    expected = {
        "新增条款": "新条款属于哪个领域", "修改条款": "请发送条款编号",
        "停用条款": "请发送条款编号", "恢复条款": "已停用的条款", "上传条款文件": "批量修改",
        "修改历史": "修改历史", "使用统计": "使用统计", "管理员名单": "管理员名单",
    }
    for label, shows in expected.items():
        owner.cmd("admin")
        owner.press(label)
        assert shows in owner.text, (label, owner.text)
    owner.cmd("cancel")
    assert owner.session().admin is None


def test_the_topic_file_to_edit_and_send_back(engine: Engine) -> None:
    owner = Admin(engine, OWNER)
    owner.cmd("admin_file", "学前教育")
    [(name, content)] = owner.documents()
    assert name == "preschool.yaml" and b"preschool.supply" in content
    owner.file(name, content)
    assert "没有需要修改的内容" in owner.text
    owner.cmd("admin_file", "nothing")
    assert "/admin_file preschool" in owner.text


# --- statistics ------------------------------------------------------------------------------


def test_the_dialogue_records_usage_and_admin_stats_shows_it(
    tmp_path: Path, admin_analyzer: Analyzer
) -> None:
    engine = admin_engine(tmp_path, analyzer=admin_analyzer)
    user = Admin(engine, USER)
    user.draft_quickly()
    user.press(PRESCHOOL[:10])
    user.press("添加条款")
    user.press("加强幼儿园教师队伍建设")  # INSERTED
    user.press("返回本节")
    user.press("（一）扩大普惠性学前教育资源")
    user.press("换一种说法")  # SWAPPED_AWAY
    user.press("返回本节")
    user.press("（二）提升保教质量")
    user.press("编辑")
    user.say("全面推进幼儿园保育教育质量评估。")  # EDITED
    user.press("删除")  # SWAPPED_AWAY (removed)
    search = engine.deps.search
    assert search is not None
    search.search("老年大学办学")  # a miss
    counts = service_of(engine).usage.counts()
    assert counts[UsageEvent.INSERTED] == {"preschool.teachers": 1}
    assert counts[UsageEvent.SWAPPED_AWAY] == {"preschool.supply": 1, "preschool.quality": 1}
    assert counts[UsageEvent.EDITED] == {"preschool.quality": 1}
    assert counts[UsageEvent.DRAFT] == {"preschool": 1, "party": 1}
    owner = Admin(engine, OWNER)
    owner.cmd("admin_stats")
    text = owner.text
    added = text.split("最常添加的条款：")[1]
    assert added.startswith("\n1. 加强幼儿园教师队伍建设（preschool.teachers）1次")
    assert "提升保教质量（preschool.quality）1次" in text.split("最常被换掉或删除的条款：")[1]
    assert "1. 提升保教质量（preschool.quality）1次" in text.split("最常被手动改写的条款：")[1]
    assert "“老年大学办学” 1次" in text
    assert "学前教育 1份" in text and "党的建设 1份" in text


def test_every_screen_and_message_of_the_admin_chat_exists() -> None:
    messages = Messages()
    made = [
        *(f"admin_kind_{kind.value}" for kind in admin.admin_flow.KINDS),
        *(f"admin_level_{level.value}" for level in admin.admin_flow.LEVELS),
        *(f"btn_admin_{name}" for name, _ in admin._MENU),
        *(f"admin_action_{task.value}" for task in admin.AdminTask if task.value != "new"),
        *(f"admin_{what}_{rule}" for what in ("title", "text") for rule in ("empty", "too_long")),
    ]
    assert [key for key in made if not messages.has(key)] == []
