"""The review of a new draft: 改目标 picks the target from a list, /back after 全部跳过, and a
review and a step count that say what the draft will do, in the special kinds too."""

from __future__ import annotations

import io
import re
from pathlib import Path

from bot.adapters.console import run_console
from bot.compose.plan import SectionRole
from bot.dialogue.actions import decode, encode
from bot.library.library import Library
from bot.store import open_store
from tests.chat import Chat, make_engine

STEP = re.compile(r"（(\d+)/(\d+)）")


def _to_review(chat: Chat) -> None:
    chat.cmd("new")
    chat.say("清远市")
    chat.press("2026年")
    chat.press("工作要点")
    chat.press("党的建设")
    chat.press("学前教育")
    chat.press("完成")
    chat.say("95")  # 学校党组织覆盖率
    chat.press("跳过")  # 学前三年毛入园率
    chat.say("4")  # 新建改扩建公办幼儿园数
    chat.press("分级编号")
    assert "请核对" in chat.text


def test_change_one_target_picked_from_a_list() -> None:
    chat = Chat(make_engine())
    _to_review(chat)
    chat.press("改目标")
    assert "要修改哪一项目标" in chat.text
    assert "1. 学校党组织覆盖率：95%" in chat.text and "2. 学前三年毛入园率：待填" in chat.text
    assert chat.labels == ["1. 学校党组织覆盖率", "2. 学前三年毛入园率",
                           "3. 新建改扩建公办幼儿园数", "⬅ 返回核对"]
    chat.press("3. 新建改扩建公办幼儿园数")
    assert "目标 3/3：新建改扩建公办幼儿园数" in chat.text and "当前：4" in chat.text
    chat.say("6")
    assert "请核对" in chat.text and "新建改扩建公办幼儿园数：6" in chat.text  # straight back
    assert "学校党组织覆盖率：95%" in chat.text
    chat.press("改目标")
    chat.cmd("help")
    assert "点要修改的那一项目标" in chat.text and chat.has_button("⬅ 返回核对")
    chat.cmd("back")  # the list: back to the review
    assert "请核对" in chat.text
    chat.press("生成草稿")
    assert chat.plan().targets == {"party_org_coverage": "95", "preschool_new_kindergartens": "6"}


def test_forged_and_stale_target_picks_are_refused() -> None:
    chat = Chat(make_engine())
    _to_review(chat)
    chat.press("改目标")
    pick = decode(chat.button("1. 学校党组织覆盖率").data)
    assert pick is not None
    before = chat.session().interview
    chat.press_data(encode(pick.nonce, pick.act, None, 9))
    assert "按钮无效" in chat.notice and chat.session().interview == before
    chat.cmd("back")
    shown = chat.session()
    chat.press_data(encode(shown.nonce, pick.act, None, 0))  # the review shows: no list
    assert "按钮无效" in chat.notice and chat.session().interview == shown.interview


def test_back_after_skip_all_asks_the_last_target_again(tmp_path: Path) -> None:
    """In the terminal: 全部跳过 typed at 目标 2/3, then /back: 目标 2/3 again, not the first."""
    engine = make_engine(open_store(tmp_path), data_dir=tmp_path)
    script = "/new\n清远市\n2\n1\n1\n2\n5\n92\n全部跳过\n/back\n"
    out = io.StringIO()
    run_console(engine, io.StringIO(script), out)
    after = out.getvalue().rsplit("> /back", 1)[1]
    assert "目标 2/3：学前三年毛入园率" in after
    session = engine.deps.store.sessions.load(0)
    assert session is not None and session["interview"]["targets"] == {"party_org_coverage": "92"}


def test_the_talent_plan_review_says_what_the_draft_will_do(library: Library) -> None:
    """A district's 2026 人才工作计划, two figures given, the rest 全部跳过: the review lists them
    as 待填 (工作目标 holds their lines with 【待填】), and the step count keeps one total."""
    chat = Chat(make_engine(library=library))
    screens: list[str] = []
    chat.cmd("new")
    screens.append(chat.text)
    for answer in ("贵阳市云岩区", "2026"):
        chat.say(answer)
        screens.append(chat.text)
    chat.press("人才工作计划")
    screens.append(chat.text)
    assert "“工作目标”里仍列出它们" in chat.text
    chat.say("10")
    chat.say("20")
    screens.append(chat.text)
    chat.press("全部跳过")
    screens.append(chat.text)
    steps = [(int(n), int(total)) for text in screens for n, total in STEP.findall(text)]
    assert {total for _, total in steps} == {5}, steps
    assert [n for n, _ in steps] == sorted(n for n, _ in steps)
    chat.press("分级编号")
    review = chat.text
    assert "交流轮岗校长教师数：待填" in review and "不列入主要目标" not in review
    chat.press("生成草稿")
    plan = chat.plan()
    [targets] = [s for s in plan.sections if s.role is SectionRole.TARGETS]
    in_targets = "".join(item.text for item in targets.items)
    for line in review.splitlines():
        if line.startswith("· ") and "：待填" in line:
            label = line.removeprefix("· ").split("：")[0]
            assert f"【待填：{label}】" in in_targets, label
    assert "年内交流轮岗校长和教师【待填：交流轮岗校长教师数】名" in in_targets
