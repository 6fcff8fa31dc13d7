"""结转到新年度: the roll-forward stored as a new draft (through the store, like any draft), its
change list in the chat and as a file beside the draft, and the library's close matches offered
as buttons (the press puts the library's wording, rendered for the draft, in the item's place).
"""

from __future__ import annotations

from bot.compose.refine import composer_for
from bot.dialogue.actions import Action
from bot.dialogue.codes.checking import CheckAct
from bot.dialogue.draft import load_plan, overview, save, stamp
from bot.dialogue.layout import LABEL, short
from bot.dialogue.state.draft import Screen, View
from bot.dialogue.turn import Rejected, Turn, revision_tag
from bot.dialogue.types import MAX_TEXT, Button, Document, Reply
from bot.reading import Outline
from bot.roll import RollResult, roll_forward
from bot.roll.words import change_lines, roll_summary
from bot.store.models import DraftRecord

__all__ = ["ROLL_KEY", "roll", "take_variant"]

ROLL_KEY = "roll"  # the draft's meta: where it was rolled from, the changes, the variants
MAX_SHOWN = 30  # changes listed in the chat; all of them in the attached file
MAX_VARIANTS = 8  # buttons for close matches
LINE = 110


def roll(turn: Turn, outline: Outline, name: str, year: int) -> list[Reply]:
    """Roll the document forward into ``year``, store the draft, show the changes and it."""
    search = turn.deps.search.index if turn.deps.search is not None else None
    result = roll_forward(outline, turn.library, year=year, search=search)
    meta = {**stamp(turn), ROLL_KEY: _meta(result, name)}
    plan = result.plan
    record = turn.deps.store.drafts.create(turn.user_id, plan.title,
                                           plan.model_dump(mode="json"), meta)
    turn.session.view = View(screen=Screen.OVERVIEW, draft_id=record.id)
    return [_changes(turn, result, record, outline.title or name), overview(turn, record)]


def _meta(result: RollResult, name: str) -> dict[str, object]:
    return {
        "source": name, "from_year": result.from_year,
        "changes": [c.as_json() for c in result.changes],
        "variants": [{"section": v.section, "item": v.item, "clause": v.clause_id,
                      "title": v.title} for v in result.variants],
    }


def _changes(turn: Turn, result: RollResult, record: DraftRecord, source: str) -> Reply:
    say = turn.say
    shown, left = change_lines(result, say, MAX_SHOWN)
    head = roll_summary(result, say, source, len(shown))
    lines = [head, *(short(line, LINE) for line in shown)] if shown else [head, say("roll_none")]
    whole, _ = change_lines(result, say)
    name = f"{record.name}-{say('roll_changes_name')}.txt"
    if left:
        lines.append(say("roll_more", count=left, filename=name))
    buttons = variant_buttons(turn, record)
    content = "\n".join([head, *whole]).encode("utf-8") + b"\n"
    text = "\n".join(lines)[:MAX_TEXT]
    reply = turn.reply(text, buttons, edit=False)
    return reply.model_copy(update={"documents": [Document(filename=name, content=content)]})


def variant_buttons(turn: Turn, record: DraftRecord) -> list[list[Button]]:
    """One button for each close match not taken yet (the first ``MAX_VARIANTS``)."""
    roll = record.meta.get(ROLL_KEY) or {}
    taken = set(roll.get("taken") or [])
    rev = revision_tag(record)
    offered = [(k, v) for k, v in enumerate(roll.get("variants") or []) if k not in taken]
    return [[turn.labelled("btn_roll_variant", CheckAct.ROLL_VARIANT, record.id, rev, k,
                           title=short(str(v.get("title", "")), LABEL))]
            for k, v in offered[:MAX_VARIANTS]]


def take_variant(turn: Turn, action: Action) -> list[Reply]:
    """The library's close match in place of the rolled item (the draft as the button saw it)."""
    rev, index = action.ints
    record = turn.current(action.draft, rev)
    variants = (record.meta.get(ROLL_KEY) or {}).get("variants") or []
    if not 0 <= index < len(variants):
        raise Rejected("button_invalid")
    chosen = variants[index]
    clause = turn.library.clause(str(chosen.get("clause", "")))
    plan = load_plan(record)
    s, i = int(chosen.get("section", -1)), int(chosen.get("item", -1))
    if clause is None or not (0 <= s < len(plan.sections) and 0 <= i < len(plan.sections[s].items)):
        raise Rejected("button_invalid")
    plan.sections[s].items[i] = composer_for(plan, turn.library).render_item(clause)
    roll = dict(record.meta.get(ROLL_KEY) or {})
    roll["taken"] = sorted({*(roll.get("taken") or []), index})
    saved = save(turn, record, plan, meta={ROLL_KEY: roll})
    turn.session.view = View(screen=Screen.OVERVIEW, draft_id=saved.id)
    replies = [overview(turn, saved, note=turn.say("variant_taken"))]
    more = variant_buttons(turn, saved)
    if more:
        replies.append(turn.reply(turn.say("variants_left", count=len(more)), more, edit=False))
    return replies
