"""A new wording too long for one item: offered to be split into items at its paragraphs.

An item holds at most ``MAX_ITEM_TEXT`` characters, the number the question states and the
refusal repeats. A longer text with several paragraphs, none of them too long, is not refused:
the bot keeps its paragraphs with the question (``Pending.parts``) and offers 按段落拆成N条 (the
item takes the first paragraph, the others follow it as the user's own items) or 取消. A text
typed instead is a new answer to the question.
"""

from __future__ import annotations

from bot.compose.refine import MAX_ITEM_TEXT, clean_text, paragraphs, split_item
from bot.dialogue import usage
from bot.dialogue.actions import Action
from bot.dialogue.codes.common import Common
from bot.dialogue.codes.draft import InputAct
from bot.dialogue.draft import _written as written
from bot.dialogue.draft._common import check_position, load_plan, save
from bot.dialogue.draft._items import item_view
from bot.dialogue.draft._overview import overview
from bot.dialogue.state.draft import InputKind, Pending
from bot.dialogue.turn import Rejected, Turn, revision_tag
from bot.dialogue.types import Reply
from bot.dialogue.usage import UsageEvent
from bot.errors import InputError
from bot.store.models import DraftRecord

MAX_PARTS = 30  # paragraphs one text may become
SPLITS = frozenset({InputKind.EDIT, InputKind.OWN_ITEM})  # texts of items


def offer(turn: Turn, record: DraftRecord, pending: Pending, text: str) -> Reply | None:
    """``None`` when the text fits one item; else the offer to split it, or the refusal of a
    text that cannot be split (one paragraph too long, too many of them)."""
    length = len(clean_text(text).strip())
    if pending.kind not in SPLITS or length <= MAX_ITEM_TEXT:
        return None
    parts = paragraphs(text)
    longest = max((len(part) for part in parts), default=0)
    if len(parts) < 2 or longest > MAX_ITEM_TEXT or len(parts) > MAX_PARTS:
        raise InputError("edit_too_long", limit=MAX_ITEM_TEXT, length=length,
                         parts=len(parts), longest=longest, max_parts=MAX_PARTS)
    turn.session.pending = pending.model_copy(update={"parts": parts, "text": ""})
    return screen(turn, record)


def screen(turn: Turn, record: DraftRecord) -> Reply:
    """The offer as it stands (also what the current screen shows while it waits)."""
    pending = turn.session.pending
    assert pending is not None and pending.parts
    text = turn.screen(
        "split_offer", limit=MAX_ITEM_TEXT, length=sum(len(part) for part in pending.parts),
        count=len(pending.parts), lengths=[len(part) for part in pending.parts],
        firsts=[part[:20] for part in pending.parts],
    )
    split = turn.labelled("btn_split", InputAct.SPLIT, record.id, revision_tag(record),
                          count=len(pending.parts))
    cancel = turn.labelled("btn_cancel", Common.CANCEL)
    return turn.reply(text, [[split, cancel]], asks_text=True)


def on_press(turn: Turn, action: Action) -> list[Reply]:
    """按段落拆成N条: applied to the draft as the user saw it, else the offer again."""
    pending = turn.session.pending
    if pending is None or not pending.parts or pending.draft_id != action.draft:
        raise Rejected("button_invalid")
    record = turn.draft(action.draft)
    if revision_tag(record) != action.ints[0] or record.revision != pending.revision:
        turn.session.pending = None  # saved by someone meanwhile: nothing is split blindly
        return [overview(turn, record, note=turn.say("split_stale"))]
    plan = load_plan(record)
    if pending.kind is InputKind.OWN_ITEM:  # the user's own items, a paragraph each
        s = written.section_of(plan, pending)
        if s is None:
            raise Rejected("button_invalid")
        turn.session.pending = None
        return [written.add_items(turn, record, plan, s, pending.parts)]
    check_position(plan, pending.section, pending.item)
    split_item(plan, pending.section, pending.item, pending.parts)
    record = save(turn, record, plan)
    turn.session.pending = None
    usage.record(turn, UsageEvent.EDITED,
                 plan.sections[pending.section].items[pending.item].clause_id)
    note = turn.say("split_done", count=len(pending.parts))
    return [item_view(turn, record, pending.section, pending.item, note=note)]
