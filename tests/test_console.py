"""The console adapter: a piped, scripted dialogue produces a draft and writes the export."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from bot.adapters.console import run_console, to_event
from bot.compose.plan import Plan
from bot.dialogue.types import Button, EventKind
from bot.export.text import plan_to_markdown
from bot.store import open_store
from tests.chat import TEST_LIBRARY, make_engine

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = "\n".join([
    "/new",
    "清远市",
    "2",  # 2026年（明年）
    "1",  # 工作要点
    "1",  # 党的建设
    "2",  # 学前教育
    "5",  # 完成
    "92",  # 学校党组织覆盖率 (no button 92: sent as text)
    "跳过",  # 学前三年毛入园率: at a figure's question buttons are pressed by their words
    "3",  # 新建改扩建公办幼儿园数: a number typed there is the figure

    "1",  # 分级编号
    "7",  # 生成草稿
    "8",  # 导出
    "1",  # 导出Markdown
    "",
])


def test_scripted_dialogue_makes_a_draft_and_a_file(tmp_path: Path) -> None:
    engine = make_engine(open_store(tmp_path), data_dir=tmp_path)
    out = io.StringIO()
    assert run_console(engine, io.StringIO(SCRIPT), out) == 0
    text = out.getvalue()
    assert "[1] 2025年（今年）  [2] 2026年（明年）  [3] 其他年份" in text
    assert "草稿已生成并保存" in text
    [record] = engine.deps.store.drafts.list_for(0)
    assert record.name == "清远市教育局2026年工作要点"
    path = tmp_path / "exports" / "清远市教育局2026年工作要点.md"
    assert f"文件已保存：{path}" in text
    plan = Plan.model_validate(record.plan)
    assert path.read_text(encoding="utf-8") == plan_to_markdown(plan)
    assert plan.targets == {"party_org_coverage": "92", "preschool_new_kindergartens": "3"}


def test_a_number_at_a_figure_question_is_the_figure_not_a_button(tmp_path: Path) -> None:
    """Typing 2 at "目标 2/3" once pressed 全部跳过 and dropped the targets after it."""
    engine = make_engine(open_store(tmp_path), data_dir=tmp_path)
    script = "/new\n清远市\n2\n1\n1\n2\n5\n2\n3\n=4\n"
    out = io.StringIO()
    run_console(engine, io.StringIO(script), out)
    text = out.getvalue()
    assert "  [跳过]  [全部跳过]  [⬅ 上一步]" in text  # no numbers on a figure's question
    assert engine.messages.text("console_typed_hint") in text
    session = engine.deps.store.sessions.load(0)
    assert session is not None
    targets = session["interview"]["targets"]
    assert targets == {"party_org_coverage": "2", "preschool_gross_enrollment": "3",
                       "preschool_new_kindergartens": "4"}
    assert "（5/5）条目怎样编号" in text.rsplit("> =4", 1)[1]


def test_lines_become_events() -> None:
    buttons = [Button(text="a", data="0:bk"), Button(text="b", data="0:cx")]
    command = to_event("/new 清远", buttons, 0)
    assert (command.kind, command.command, command.text) == (EventKind.COMMAND, "new", "清远")
    assert to_event("2", buttons, 0).data == "0:cx"
    assert to_event("3", buttons, 0).text == "3"
    assert to_event("=1", buttons, 0).text == "1"
    assert to_event("清远", [], 0).kind is EventKind.TEXT


def test_planbot_console_piped(tmp_path: Path) -> None:
    """`printf … | planbot console`: the real wiring (settings, build_engine with search), exit 0
    at EOF; /clause finds clauses for the draft just made, buttons are numbers."""
    script = "/new\n清远\n2026\n1\n1\n5\n2\n1\n7\n/clause 幼儿园 布局\n1\n"
    env = {**os.environ, "PLANBOT_SNIPPETS_DIR": str(TEST_LIBRARY),
           "PLANBOT_DATA_DIR": str(tmp_path), "BOT_TOKEN": ""}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "console"], input=script, capture_output=True,
        text=True, env=env, cwd=ROOT, timeout=60, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "草稿已生成并保存" in done.stdout
    assert list((tmp_path / "users").glob("*.json"))
    assert "[1] 1. 查看全文  [2] 1. 插入到草稿" in done.stdout
    full = done.stdout.split("> /clause 幼儿园 布局")[1].split("> 1")[1]
    assert "扩大普惠性学前教育资源" in full and "动态调整全市幼儿园布局" in full
    assert "按2026年草稿“清远市教育局2026年工作要点”的地区和年份显示" in full
