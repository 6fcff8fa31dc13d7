"""/clause through the engine: results and pages, 查看全文, 插入到草稿 (a section of the open
draft, or one of the user's drafts), the year filter, refusals; the miss log."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.curation import UsageEvent
from bot.dialogue.actions import encode
from bot.dialogue.codes import Codes as Act
from bot.dialogue.draft import Labels
from bot.dialogue.engine import Engine
from bot.dialogue.turn import revision_tag
from bot.search import Analyzer
from tests.admin_chat import service_of
from tests.chat import Chat
from tests.clause_support import clause_engine, library_with_old_clause

USER, OTHER = 3, 4


@pytest.fixture
def engine(tmp_path: Path, clause_analyzer: Analyzer) -> Engine:
    return clause_engine(tmp_path, clause_analyzer)


def item_ids(chat: Chat, section: int) -> list[str | None]:
    return [item.clause_id for item in chat.plan().sections[section].items]


def misses(engine: Engine) -> list[str]:
    search = engine.deps.search
    assert search is not None
    return [m.query for m in search.misses()]


def test_results_show_topic_title_and_start_of_text_five_a_page(engine: Engine) -> None:
    chat = Chat(engine, USER)
    chat.cmd("clause", "教育")
    assert "查找“教育”" in chat.text
    assert "1. 【义务教育】推进义务教育优质均衡" in chat.text
    assert "全市" in chat.text and "{{" not in chat.text  # rendered for the neutral region
    assert chat.labels[:2] == ["1. 查看全文", "1. 插入到草稿"]
    assert chat.has_button("5. 插入到草稿") and not chat.has_button("6. 查看全文")
    assert "推进义务教育优质均衡" not in chat.labels  # headings are not offered
    first_page = chat.text
    chat.press("下一页")
    assert "第2页" in chat.text and "6. 【" in chat.text and chat.has_button("6. 查看全文")
    assert chat.replies[0].edit  # the results message is replaced
    chat.press("上一页")
    assert chat.text == first_page
    assert misses(engine) == []


def test_excerpts_are_short(engine: Engine) -> None:
    chat = Chat(engine, USER)
    chat.cmd("clause", "幼儿园 公办")
    excerpt = chat.text.split("\n")[2]
    assert excerpt.startswith("动态调整全市幼儿园布局") and len(excerpt) == 40
    assert excerpt.endswith("…")


def test_without_keywords_asks_for_them(engine: Engine) -> None:
    chat = Chat(engine, USER)
    chat.cmd("clause")
    assert "请发送要查找的关键词" in chat.text
    chat.say("義務教育")  # traditional script
    assert "【义务教育】推进义务教育优质均衡" in chat.text
    chat.cmd("clause")
    chat.cmd("cancel")
    assert "已取消查找条款" in chat.text
    chat.say("幼儿园")
    assert "查找" not in chat.text  # no longer a query


def test_full_text_for_the_neutral_region_without_a_draft(engine: Engine) -> None:
    chat = Chat(engine, USER)
    chat.cmd("clause", "幼儿园 布局")
    chat.press("1. 查看全文")
    assert "【学前教育】扩大普惠性学前教育资源" in chat.text
    text = "动态调整全市幼儿园布局，年内新建、改扩建公办幼儿园【待填：新建改扩建公办幼儿园数】所"
    assert text in chat.text
    assert "示例地区“本市”" in chat.text
    chat.press("返回查找结果")
    assert "查找“幼儿园 布局”" in chat.text


def test_full_text_for_the_open_draft(engine: Engine) -> None:
    chat = Chat(engine, USER)
    chat.draft_quickly(region="修文县", targets={"新建改扩建公办幼儿园": "12"})
    chat.cmd("clause", "幼儿园 布局")
    assert "适用于2026年草稿" in chat.text
    chat.press("1. 查看全文")
    assert "动态调整全县幼儿园布局，年内新建、改扩建公办幼儿园12所" in chat.text
    assert "2026年草稿“修文县教育局2026年工作要点”" in chat.text


def test_insert_into_a_section_of_the_open_draft(engine: Engine) -> None:
    chat = Chat(engine, USER)
    record = chat.draft_quickly(region="修文县")
    chat.cmd("clause", "义务教育 均衡")
    chat.press("1. 插入到草稿")
    assert "插入草稿“修文县教育局2026年工作要点”的哪一部分" in chat.text
    # a task goes into a priority section: not the general part, safeguards or the closing
    assert [label for label in chat.labels if "、" in label] == [
        "二、坚持和加强党对教育工作的全面领导", "三、推进学前教育普及普惠发展"]
    chat.press("三、推进学前教育普及普惠发展")
    assert "已插入“推进义务教育优质均衡”" in chat.text
    assert "（三）推进义务教育优质均衡" in chat.text  # numbered after the section's two items
    plan = chat.plan()
    item = plan.sections[2].items[-1]
    assert item.clause_id == "compulsory.balance"
    assert item.text == "以【待填：义务教育重点项目名称】为抓手，缩小全县城乡、校际差距。"
    assert Labels.of(plan).items[(2, 2)] == "（三）"
    assert chat.drafts()[0].revision == record.revision + 1
    counts = service_of(engine).usage.counts()[UsageEvent.INSERTED]
    assert counts["compulsory.balance"] == 1
    assert chat.session().view is not None  # the item, as after 添加条款
    # inserted once: that section is not offered again
    chat.cmd("clause", "义务教育 均衡")
    chat.press("1. 插入到草稿")
    assert not chat.has_button("三、推进学前教育普及普惠发展")


def test_insert_uses_the_drafts_targets(engine: Engine) -> None:
    chat = Chat(engine, USER)
    chat.draft_quickly(region="修文县", topics=("党的建设",),
                       targets={"新建改扩建公办幼儿园": "12"})
    chat.cmd("clause", "幼儿园 布局")
    chat.press("1. 插入到草稿")
    chat.press("坚持和加强党对教育工作的全面领导")
    assert item_ids(chat, 2)[-1] == "preschool.supply"  # after 主要目标 (the target skipped)
    assert "公办幼儿园【待填" in chat.plan().sections[2].items[-1].text  # not asked for party
    chat.cmd("clause", "幼儿园 布局")
    assert "全县" in chat.text  # the draft the user was looking at


def test_a_safeguard_goes_into_the_safeguards(engine: Engine) -> None:
    chat = Chat(engine, USER)
    chat.draft_quickly(region="修文县")
    chat.cmd("clause", "经费 保障")
    chat.press("1. 插入到草稿")
    assert [label for label in chat.labels if "、" in label] == ["四、保障措施"]
    chat.press("四、保障措施")
    assert item_ids(chat, 3)[-1] == "safeguards.funding"


def test_without_an_open_draft_pick_one_or_start_one(engine: Engine) -> None:
    chat = Chat(engine, USER)
    chat.cmd("clause", "义务教育 均衡")
    chat.press("1. 插入到草稿")
    assert "还没有适用这条条款的草稿" in chat.text
    chat.press("起草新计划")
    assert "计划是哪个地区的" in chat.text
    chat.draft_quickly(region="修文县")
    chat.cmd("drafts")  # the list: no draft open
    chat.cmd("clause", "义务教育 均衡")
    assert "适用于" not in chat.text
    chat.press("1. 插入到草稿")
    assert "插入哪份草稿" in chat.text
    chat.press("修文县教育局2026年工作要点")
    chat.press("二、坚持和加强党对教育工作的全面领导")
    assert "已插入" in chat.text
    assert item_ids(chat, 1)[-1] == "compulsory.balance"
    assert "全县" in chat.plan().sections[1].items[-1].text


def test_a_clause_that_does_not_fit_the_year_is_not_offered(
    tmp_path: Path, clause_analyzer: Analyzer
) -> None:
    library = library_with_old_clause(tmp_path / "library")
    engine = clause_engine(tmp_path / "data", clause_analyzer, library=library)
    chat = Chat(engine, USER)
    chat.cmd("clause", "第三期 行动计划")
    assert "实施第三期学前教育行动计划" in chat.text  # no draft open: every year
    chat.draft_quickly(region="修文县")  # 2026
    chat.cmd("clause", "第三期 行动计划")
    assert "实施第三期学前教育行动计划" not in chat.text
    chat.cmd("drafts")
    chat.cmd("clause", "第三期 行动计划")
    chat.press("1. 插入到草稿")
    assert "还没有适用这条条款的草稿" in chat.text  # the 2026 draft is not offered
    assert not chat.has_button("修文县教育局2026年工作要点")
    record = chat.drafts()[0]
    forged = encode(chat.session().nonce, Act.CLAUSE_DRAFT, record.id, 0)
    chat.press_data(forged)
    assert "不适用于2026年的草稿" in chat.notice
    assert chat.drafts()[0].revision == record.revision


def test_forged_and_stale_buttons_change_nothing(engine: Engine) -> None:
    chat = Chat(engine, USER)
    record = chat.draft_quickly(region="修文县")
    chat.cmd("clause", "义务教育 均衡")
    chat.press("1. 插入到草稿")
    stale = chat.button("三、推进学前教育普及普惠发展").data
    nonce, rev = chat.session().nonce, revision_tag(record)
    for data in (
        encode(nonce, Act.CLAUSE_SECTION, record.id, rev, 0, 0),  # the general part
        encode(nonce, Act.CLAUSE_SECTION, record.id, rev, 0, 9),  # no such section
        encode(nonce, Act.CLAUSE_SECTION, record.id, rev, 7, 2),  # no such result
        encode(nonce, Act.CLAUSE_SECTION, record.id, rev + 1, 0, 2),  # another revision
        encode(nonce, Act.CLAUSE_FULL, 5),
        f"{nonce}:qs:{record.id}:zz",
    ):
        chat.press_data(data)
        assert chat.notice, data
        assert chat.drafts()[0].revision == record.revision
    chat.cmd("help")
    chat.press_data(stale)
    assert "已过期" in chat.notice
    assert chat.drafts()[0].revision == record.revision
    assert service_of(engine).usage.counts()[UsageEvent.INSERTED] == {}


def test_a_button_after_the_draft_changed_is_stale(engine: Engine) -> None:
    chat = Chat(engine, USER)
    record = chat.draft_quickly(region="修文县")
    chat.cmd("clause", "义务教育 均衡")
    chat.press("1. 插入到草稿")
    data = chat.button("三、推进学前教育普及普惠发展").data
    engine.deps.store.drafts.put(record, expected_revision=record.revision)  # someone saved
    chat.press_data(data)
    assert "已过期" in chat.notice
    assert item_ids(chat, 2) == ["preschool.supply", "preschool.quality"]


def test_another_users_draft_cannot_be_targeted(engine: Engine) -> None:
    owner, other = Chat(engine, USER), Chat(engine, OTHER)
    record = owner.draft_quickly(region="修文县")
    other.cmd("clause", "义务教育 均衡")
    nonce, rev = other.session().nonce, revision_tag(record)
    for data in (encode(nonce, Act.CLAUSE_DRAFT, record.id, 0),
                 encode(nonce, Act.CLAUSE_SECTION, record.id, rev, 0, 2)):
        other.press_data(data)
        assert other.notice
        nonce = other.session().nonce
    assert owner.drafts()[0].revision == record.revision
    assert other.drafts() == []
    other.press("1. 插入到草稿")
    assert not other.has_button("修文县教育局2026年工作要点")


def test_a_clause_retired_meanwhile_is_refused(engine: Engine) -> None:
    from bot.curation import Operator

    chat = Chat(engine, USER)
    chat.cmd("clause", "义务教育 均衡")
    full = chat.button("1. 查看全文").data
    service_of(engine).retire_clause(Operator("ops"), "compulsory.balance")
    chat.press_data(full)
    assert "已被管理员停用" in chat.notice


def test_a_query_without_a_good_result_is_recorded(engine: Engine) -> None:
    chat = Chat(engine, USER)
    chat.cmd("clause", "老年大学")
    assert "没有找到相关条款" in chat.text and chat.labels == []
    chat.cmd("clause", "幼儿园")
    assert misses(engine) == ["老年大学"]


def test_a_very_long_query_is_refused(engine: Engine) -> None:
    chat = Chat(engine, USER)
    chat.cmd("clause", "教" * 101)
    assert "关键词太长了" in chat.text


def test_without_a_search_index_clause_says_so(tmp_path: Path) -> None:
    from tests.chat import make_engine

    chat = Chat(make_engine(), USER)
    chat.cmd("clause", "幼儿园")
    assert "暂时不可用" in chat.text


def test_clause_is_in_the_command_menu_and_help(engine: Engine) -> None:
    assert "clause" in [name for name, _ in engine.commands()]
    chat = Chat(engine, USER)
    chat.cmd("help")
    assert "/clause 关键词" in chat.text
