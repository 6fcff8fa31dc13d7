"""The overview of a draft (its sections, newer wordings, tools), and 预览全文."""

from __future__ import annotations

from bot.compose.extend import addable_topics
from bot.compose.plan import PLACEHOLDER_RE, NumberingStyle, Plan, SectionRole
from bot.dialogue.actions import Action, Code
from bot.dialogue.codes.checking import CheckAct
from bot.dialogue.codes.draft import DraftAct
from bot.dialogue.codes.sharing import ShareAct
from bot.dialogue.draft._common import Handler, Labels, load_plan, record_view, section_name
from bot.dialogue.draft._wordings import newer_items
from bot.dialogue.layout import LABEL, short
from bot.dialogue.state.draft import Screen
from bot.dialogue.turn import Turn, revision_tag, rows
from bot.dialogue.types import Button, Reply
from bot.export.text import plan_to_text
from bot.store.models import DraftRecord

STYLES = (NumberingStyle.HIERARCHICAL, NumberingStyle.FLAT)  # DraftAct.NUMBERING's index
MAX_NEWER_BUTTONS = 5  # items with a newer wording, one button each, on the overview
DEFAULT_EXPIRY = 2  # of share_views.EXPIRY_CHOICES: 30 days


def overview(turn: Turn, record: DraftRecord, *, note: str = "", fresh: bool = False) -> Reply:
    plan = load_plan(record)
    record_view(turn, Screen.OVERVIEW, record)
    labels = Labels.of(plan)
    rev = revision_tag(record)
    sections = [
        {"label": labels.sections.get(s, ""), "heading": section_name(turn, plan, s),
         "count": len(section.items), "group": section.role is SectionRole.GROUP}
        for s, section in enumerate(plan.sections)
    ]
    open_section = [
        turn.button(short(f"{labels.sections.get(s, '')}{section_name(turn, plan, s)}", LABEL),
                    DraftAct.SECTION, record.id, rev, s)
        for s, section in enumerate(plan.sections)
        if section.role is not SectionRole.GROUP
    ]
    count = sum(len(PLACEHOLDER_RE.findall(text)) for text in plan.texts())
    newer = newer_items(turn, record, plan)
    text = turn.screen(
        "overview", fresh=fresh, note=note, draft_name=record.name, title=plan.title,
        sections=sections, placeholders=count, shared=record.owner != turn.user_id,
        notes=[turn.say(n.id, **n.params) for n in plan.notes if turn.deps.messages.has(n.id)],
        newer=len(newer),
    )
    see_newer = [
        turn.labelled("btn_newer", DraftAct.ITEM, record.id, rev, n.section, n.item, place=short(
            labels.sections.get(n.section, "") + labels.items.get((n.section, n.item), "")
            + plan.sections[n.section].items[n.item].title, LABEL))
        for n in newer[:MAX_NEWER_BUTTONS]
    ]
    return turn.reply(text, [*rows(open_section, 1), *rows(see_newer, 1),
                             *_tools(turn, record, plan)])


def _tools(turn: Turn, record: DraftRecord, plan: Plan) -> list[list[Button]]:
    """The overview's buttons below the sections: preview, export, share, to-do list, …"""
    rev = revision_tag(record)
    files = [turn.labelled("btn_preview", DraftAct.PREVIEW, record.id),
             turn.labelled("btn_export", DraftAct.EXPORT_MENU, record.id),
             turn.labelled("btn_check_draft", CheckAct.CHECK_DRAFT, record.id)]
    if record.owner == turn.user_id:  # only the owner shares (sharing/)
        files.append(turn.labelled("btn_share", ShareAct.SHARE, record.id, DEFAULT_EXPIRY))
    return [
        files,
        [turn.labelled("btn_todo", DraftAct.TODO, record.id, rev, count=len(plan.placeholders())),
         turn.labelled("btn_title", DraftAct.TITLE, record.id, rev)],
        _writing(turn, record, plan),
        [turn.labelled("btn_rename", DraftAct.RENAME, record.id, rev),
         turn.labelled("btn_copy", DraftAct.COPY, record.id),
         turn.labelled("btn_drop", DraftAct.DROP, record.id)],
        [turn.labelled("btn_drafts", DraftAct.LIST, 0)],
    ]


def _writing(turn: Turn, record: DraftRecord, plan: Plan) -> list[Button]:
    """新增一节, 添加重点 (a kind that has priorities, while some are left), the other style."""
    rev = revision_tag(record)
    row = [turn.labelled("btn_own_section", DraftAct.OWN_SECTION, record.id, rev)]
    if addable_topics(plan, turn.library):
        row.append(turn.labelled("btn_add_topic", DraftAct.TOPIC_MENU, record.id, rev))
    other = next(k for k, style in enumerate(STYLES) if style is not plan.style)
    row.append(turn.labelled(f"btn_style_to_{STYLES[other].value}", DraftAct.NUMBERING, record.id,
                             rev, other))
    return row


def _open(turn: Turn, action: Action) -> list[Reply]:
    return [overview(turn, turn.draft(action.draft))]


def _preview(turn: Turn, action: Action) -> list[Reply]:
    record = turn.draft(action.draft)
    plan = load_plan(record)
    menu = turn.reply(turn.say("preview_done"), [[
        turn.labelled("btn_overview", DraftAct.OPEN, record.id),
        turn.labelled("btn_export", DraftAct.EXPORT_MENU, record.id),
    ]], edit=False)
    return [Reply(text=plan_to_text(plan)), menu]


PRESSES: dict[Code, Handler] = {
    DraftAct.OPEN: _open,
    DraftAct.PREVIEW: _preview,
}
