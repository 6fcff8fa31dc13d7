"""The screens of a draft: overview, section, item, clauses to add, to-do list, export, delete.

Each function renders one screen and records it as the session's view, so /back, /help and an
error can show it again. Buttons that change a draft carry its id and revision.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError

from bot.compose.numbering import lines
from bot.compose.plan import PLACEHOLDER_RE, Plan, SectionRole
from bot.compose.refine import addable, wording_count
from bot.compose.todo import REGION_KEY, TodoEntry, todo
from bot.dialogue.actions import Act
from bot.dialogue.draft._wordings import newer_item, newer_items
from bot.dialogue.layout import LABEL, short
from bot.dialogue.state.draft import Screen, View
from bot.dialogue.turn import Turn, revision_tag, rows
from bot.dialogue.types import Button, Reply
from bot.errors import PlanbotError
from bot.store.models import DraftRecord

EXCERPT = 40
MAX_TODO_BUTTONS = 12
MAX_NEWER_BUTTONS = 5  # items with a newer wording, one button each, on the overview
EXPORT_FORMATS = ("docx", "md", "txt")
DEFAULT_EXPIRY = 2  # of share_views.EXPIRY_CHOICES: 30 days


def load_plan(record: DraftRecord) -> Plan:
    try:
        return Plan.model_validate(record.plan)
    except ValidationError as exc:
        raise PlanbotError("draft_invalid", name=record.name) from exc


@dataclass(frozen=True)
class Labels:
    """Computed numbering of a plan: section labels and item labels by position."""

    sections: dict[int, str]
    items: dict[tuple[int, int], str]

    @classmethod
    def of(cls, plan: Plan) -> Labels:
        sections: dict[int, str] = {}
        items: dict[tuple[int, int], str] = {}
        for line in lines(plan):
            if line.section >= 0 and line.item < 0:
                sections[line.section] = line.label
            elif line.item >= 0:
                items[(line.section, line.item)] = line.label
        return cls(sections, items)

    def place(self, plan: Plan, s: int, i: int) -> str:
        """Where an item is, as a reader says it: 二、（三） or 保障措施 …"""
        if s < 0:
            return ""
        section = self.sections.get(s, "") + plan.sections[s].heading
        return section + self.items.get((s, i), "") if i >= 0 else section


def _go(turn: Turn, screen: Screen, record: DraftRecord, section: int = 0, item: int = 0) -> None:
    turn.session.view = View(screen=screen, draft_id=record.id, section=section, item=item)


def section_name(turn: Turn, plan: Plan, s: int) -> str:
    return plan.sections[s].heading or turn.say("closing_label")


def overview(turn: Turn, record: DraftRecord, *, note: str = "", fresh: bool = False) -> Reply:
    plan = load_plan(record)
    _go(turn, Screen.OVERVIEW, record)
    labels = Labels.of(plan)
    rev = revision_tag(record)
    sections = [
        {"label": labels.sections.get(s, ""), "heading": section_name(turn, plan, s),
         "count": len(section.items), "group": section.role is SectionRole.GROUP}
        for s, section in enumerate(plan.sections)
    ]
    open_section = [
        turn.button(short(f"{labels.sections.get(s, '')}{section_name(turn, plan, s)}", LABEL),
                    Act.SECTION, record.id, rev, s)
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
        turn.labelled("btn_newer", Act.ITEM, record.id, rev, n.section, n.item, place=short(
            labels.sections.get(n.section, "") + labels.items.get((n.section, n.item), "")
            + plan.sections[n.section].items[n.item].title, LABEL))
        for n in newer[:MAX_NEWER_BUTTONS]
    ]
    tools = [turn.labelled("btn_preview", Act.PREVIEW, record.id),
             turn.labelled("btn_export", Act.EXPORT_MENU, record.id)]
    if record.owner == turn.user_id:  # only the owner shares (sharing.py)
        tools.append(turn.labelled("btn_share", Act.SHARE, record.id, DEFAULT_EXPIRY))
    return turn.reply(text, [
        *rows(open_section, 1),
        *rows(see_newer, 1),
        tools,
        [turn.labelled("btn_todo", Act.TODO, record.id, rev, count=len(plan.placeholders())),
         turn.labelled("btn_title", Act.TITLE, record.id, rev)],
        [turn.labelled("btn_rename", Act.RENAME, record.id, rev),
         turn.labelled("btn_copy", Act.COPY, record.id),
         turn.labelled("btn_drop", Act.DROP, record.id)],
        [turn.labelled("btn_drafts", Act.LIST, 0)],
    ])


def section_view(turn: Turn, record: DraftRecord, s: int, *, note: str = "") -> Reply:
    plan = load_plan(record)
    _go(turn, Screen.SECTION, record, s)
    labels = Labels.of(plan)
    section = plan.sections[s]
    rev = revision_tag(record)
    items = [
        {"label": labels.items.get((s, i), ""), "title": item.title,
         "excerpt": short(item.text, EXCERPT), "edited": item.edited}
        for i, item in enumerate(section.items)
    ]
    open_item = [
        turn.button(short(f"{labels.items.get((s, i), '')}{item.title or item.text}", LABEL),
                    Act.ITEM, record.id, rev, s, i)
        for i, item in enumerate(section.items)
    ]
    tools = []
    undo = turn.session.undo
    if undo and undo.draft_id == record.id and undo.section_id == section.id:
        tools.append(turn.labelled("btn_undo", Act.UNDO, record.id, rev))
    if addable(plan, turn.library, s):
        tools.append(turn.labelled("btn_add", Act.ADD_MENU, record.id, rev, s))
    heading = turn.library.clause(section.heading_clause) if section.heading_clause else None
    if heading is not None and len(heading.wordings()) > 1:
        tools.append(turn.labelled("btn_heading", Act.HEADING, record.id, rev, s))
    text = turn.screen("section", note=note, label=labels.sections.get(s, ""),
                       heading=section_name(turn, plan, s), items=items)
    back = [turn.labelled("btn_overview", Act.OPEN, record.id)]
    return turn.reply(text, [*rows(open_item, 1), tools, back])


def item_view(turn: Turn, record: DraftRecord, s: int, i: int, *, note: str = "") -> Reply:
    plan = load_plan(record)
    _go(turn, Screen.ITEM, record, s, i)
    labels = Labels.of(plan)
    item = plan.sections[s].items[i]
    rev = revision_tag(record)
    count = wording_count(item, turn.library)
    edit = [turn.labelled("btn_edit", Act.EDIT, record.id, rev, s, i)]
    if count > 1 and not item.edited:  # a swap would throw away the user's own text
        edit.insert(0, turn.labelled("btn_swap", Act.SWAP, record.id, rev, s, i))
    move = [turn.labelled("btn_up", Act.UP, record.id, rev, s, i),
            turn.labelled("btn_down", Act.DOWN, record.id, rev, s, i),
            turn.labelled("btn_delete", Act.DELETE, record.id, rev, s, i)]
    back = [turn.labelled("btn_section_back", Act.SECTION, record.id, rev, s)]
    newer = newer_item(turn, record, plan, s, i)
    take = [turn.labelled("btn_take_newer", Act.TAKE_NEWER, record.id, rev, s, i)] if newer else []
    text = turn.screen(
        "item", note=note, section=labels.place(plan, s, -1), label=labels.items.get((s, i), ""),
        title=item.title, text=item.text, edited=item.edited, variant=item.variant + 1,
        variants=count,
        newer={"title": newer.wording.title, "text": newer.wording.text,
               "revision": newer.revision} if newer else None,
    )
    return turn.reply(text, [take, edit, move, back])


def add_menu(turn: Turn, record: DraftRecord, s: int) -> Reply:
    plan = load_plan(record)
    _go(turn, Screen.ADD, record, s)
    rev = revision_tag(record)
    offers = addable(plan, turn.library, s)
    listed = [{"title": c.title, "optional": not c.default} for c in offers]
    picks = [
        turn.button(short(clause.title or clause.id, LABEL), Act.ADD, record.id, rev, s, k)
        for k, clause in enumerate(offers)
    ]
    text = turn.screen("add", heading=section_name(turn, plan, s), offers=listed)
    back = [turn.labelled("btn_section_back", Act.SECTION, record.id, rev, s)]
    return turn.reply(text, [*rows(picks, 1), back])


def todo_view(turn: Turn, record: DraftRecord, *, note: str = "") -> Reply:
    plan = load_plan(record)
    _go(turn, Screen.TODO, record)
    labels = Labels.of(plan)
    rev = revision_tag(record)
    entries = todo(plan, turn.library)
    listed = [_todo_line(turn, plan, labels, entry) for entry in entries]
    buttons = [
        _todo_button(turn, record, rev, plan, labels, k, entry)
        for k, entry in enumerate(entries[:MAX_TODO_BUTTONS])
    ]
    text = turn.screen("todo", note=note, entries=listed, more=len(entries) > MAX_TODO_BUTTONS)
    back = [turn.labelled("btn_overview", Act.OPEN, record.id)]
    return turn.reply(text, [*rows(buttons, 1), back])


def _todo_line(turn: Turn, plan: Plan, labels: Labels, entry: TodoEntry) -> dict[str, object]:
    places = [labels.place(plan, s, i) or turn.say("title_place") for s, i in entry.places]
    return {"label": entry.label, "fillable": entry.key is not None,
            "region": entry.key == REGION_KEY, "places": places}


def _todo_button(
    turn: Turn, record: DraftRecord, rev: int, plan: Plan, labels: Labels, k: int,
    entry: TodoEntry,
) -> Button:
    if entry.key is not None:
        return turn.labelled("btn_fill", Act.FILL, record.id, rev, k, label=short(entry.label, 16))
    s, i = entry.places[0]
    if s < 0:
        return turn.labelled("btn_fix_title", Act.TITLE, record.id, rev)
    place = short(labels.place(plan, s, i), 16)
    if i < 0:
        return turn.labelled("btn_fix", Act.SECTION, record.id, rev, s, place=place)
    return turn.labelled("btn_fix", Act.ITEM, record.id, rev, s, i, place=place)


def export_menu(turn: Turn, record: DraftRecord, *, sent: str = "") -> Reply:
    plan = load_plan(record)
    _go(turn, Screen.EXPORT, record)
    formats = [f for f in EXPORT_FORMATS if f != "docx" or turn.deps.word_export is not None]
    buttons = [
        turn.labelled(f"btn_export_{fmt}", Act.EXPORT, record.id, EXPORT_FORMATS.index(fmt))
        for fmt in formats
    ]
    text = turn.screen("export", title=plan.title, sent=sent)
    back = [turn.labelled("btn_overview", Act.OPEN, record.id)]
    return turn.reply(text, [*rows(buttons, 1), back])


def confirm_drop(turn: Turn, record: DraftRecord) -> Reply:
    _go(turn, Screen.DELETE, record)
    text = turn.screen("confirm_drop", draft_name=record.name)
    return turn.reply(text, [[
        turn.labelled("btn_drop_yes", Act.DROP_YES, record.id, revision_tag(record)),
        turn.labelled("btn_cancel", Act.OPEN, record.id),
    ]])
