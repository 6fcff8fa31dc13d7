"""牵头科室 set in Telegram and the task table sent as an .xlsx: the real application and engine
against the fake Bot API (every request checked against the published spec)."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import load_workbook

from bot.compose.tasks import task_table
from bot.export.tasks import shipped_task_spec
from bot.store import open_store
from tests.fakebot.harness import hermetic_settings, running_bot
from tests.fakebot.user import SimulatedUser
from tests.share_support import plan_of, seed_draft, share_engine

OWNER = 42
TITLE = "清远市教育局2026年工作要点"


def test_a_lead_office_set_in_telegram_is_in_the_sent_sheet(tmp_path: Path) -> None:
    settings = hermetic_settings(tmp_path)
    engine = share_engine(open_store(tmp_path), data_dir=tmp_path)
    draft = seed_draft(engine, OWNER)
    with running_bot(engine, settings) as bot:
        user = bot.user(OWNER, first_name="张科长")
        user.command("drafts")
        user.wait_for_replies()
        user.press(TITLE)
        user.wait_for_replies()
        sent_section = next(t for t in _labels(user) if t.startswith("三、"))  # a topic section
        user.press(sent_section)
        user.wait_for_replies()
        user.press("设置牵头科室")
        assert "还没有常用的牵头科室" in user.wait_for_reply().text
        user.send_text("基础教育科")
        replies = user.wait_for_replies()
        assert "牵头科室设为“基础教育科”" in replies[0].text
        assert "牵头科室：基础教育科" in user.last_message.button_texts
        user.press("返回概览")
        user.wait_for_replies()
        user.press("导出")
        user.wait_for_replies()
        user.press("导出任务分解表（Excel）")
        user.wait_for_replies()
        [sent] = [m.document for m in user.messages if m.document is not None]
    assert sent.filename == f"{TITLE}.xlsx"
    sheet = load_workbook(io.BytesIO(sent.content))["任务分解表"]
    rows = [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)]
    plan = plan_of(engine, draft.id)
    led = [k for k, sec in enumerate(plan.sections) if sec.lead == "基础教育科"]
    assert len(led) == 1 and plan.sections[led[0]].heading in sent_section
    model = task_table(plan, shipped_task_spec()).rows
    assert len(rows) == len(model) and any(r.section == led[0] for r in model)
    assert [r[2] for r in rows] == ["基础教育科" if r.section == led[0] else "【待填】"
                                    for r in model]


def _labels(user: SimulatedUser) -> list[str]:
    return [t for m in reversed(user.messages) for t in m.button_texts]
