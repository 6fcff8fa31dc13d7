"""A typed text about a draft that changed since the bot asked for it: never applied silently.

The user pressed 编辑 on revision N; a collaborator saved N+1; then the user's text arrives. The
text is kept in the session and the user sees what the draft holds now, who changed it, and two
buttons: 仍用我的版本 (apply the text over the current revision, checked again on the press) and
放弃. A text typed instead replaces the kept one and is applied at once (the user has now seen
the current content). If the draft changes again before the press, the screen is shown again
with the newer content: no update is lost, neither the collaborator's nor the user's.
"""

from __future__ import annotations

from bot.compose.plan import Plan
from bot.compose.refine import MAX_ITEM_TEXT, MAX_NAME, checked_text
from bot.compose.targets import normalise_target
from bot.dialogue.actions import Action
from bot.dialogue.codes.draft import InputAct
from bot.dialogue.draft import _asked as asked
from bot.dialogue.draft import _split as split
from bot.dialogue.draft import _written as written
from bot.dialogue.draft._common import Labels, load_plan
from bot.dialogue.draft._items import item_view, section_view
from bot.dialogue.draft._overview import overview
from bot.dialogue.state.draft import InputKind, Pending
from bot.dialogue.turn import Rejected, Turn, revision_tag
from bot.dialogue.types import Reply
from bot.errors import ConflictError, InputError
from bot.store.models import DraftRecord

ACTS = frozenset({InputAct.KEEP_MINE, InputAct.DISCARD, InputAct.SPLIT})
ITEM_KINDS = frozenset({InputKind.EDIT, InputKind.LEAD})  # about one item, found by its text
EDITOR = "editor"  # DraftRecord.meta key: who saved the draft last (``asked.save``)


def on_input(turn: Turn, text: str) -> list[Reply]:
    """The text the bot asked for: applied if the draft is as the user saw it, else the
    conflict screen."""
    pending = turn.session.pending
    assert pending is not None
    try:
        record = turn.draft(pending.draft_id)
    except Rejected:
        return asked.on_input(turn, text)  # the draft is gone: it says so
    if record.revision != pending.revision and _rebased(turn, record, pending):
        pending = turn.session.pending
        assert pending is not None
    if record.revision == pending.revision:
        try:
            return asked.on_input(turn, text)
        except ConflictError:  # saved by someone else between our read and our write
            record = turn.draft(pending.draft_id)
    return [_conflict(turn, record, text)]


def _rebased(turn: Turn, record: DraftRecord, pending: Pending) -> bool:
    """A text that adds (an item, a section) and replaces nothing goes on the draft as it is
    now, where what it is for is still there: the collaborator's change stays, and so does it."""
    if pending.kind not in written.ADDITIVE:
        return False
    found = _locate(load_plan(record), pending)
    if found is None:
        return False
    turn.session.pending = pending.model_copy(
        update={"revision": record.revision, "section": found[0]})
    return True


def on_button(turn: Turn, action: Action) -> list[Reply]:
    """仍用我的版本 / 放弃 on the conflict screen; 按段落拆成N条 on the offer to split."""
    if action.act is InputAct.SPLIT:
        return split.on_press(turn, action)
    pending = turn.session.pending
    if pending is None or not pending.text or pending.draft_id != action.draft:
        raise Rejected("button_invalid")
    record = turn.draft(action.draft)
    if action.act is InputAct.DISCARD:
        turn.session.pending = None
        return [_current(turn, record, pending, turn.say("discarded"))]
    stale = revision_tag(record) != action.ints[0] or record.revision != pending.revision
    if stale:
        return [_conflict(turn, record, pending.text, note=turn.say("conflict_again"))]
    if _locate(load_plan(record), pending) is None:
        return [prompt(turn)]
    turn.session.pending = pending.model_copy(update={"text": ""})
    try:
        return asked.on_input(turn, pending.text)
    except ConflictError:
        turn.session.pending = pending
        record = turn.draft(pending.draft_id)
        return [_conflict(turn, record, pending.text, note=turn.say("conflict_again"))]


def prompt(turn: Turn) -> Reply:
    """What the user is asked now: the conflict screen if a text is kept, else the question."""
    pending = turn.session.pending
    assert pending is not None
    if pending.parts:
        return split.screen(turn, turn.draft(pending.draft_id))
    if not pending.text:
        return asked.prompt(turn)
    record = turn.draft(pending.draft_id)
    plan = load_plan(record)
    found = _locate(plan, pending)
    current = _current_value(turn, record, plan, pending, found)
    editor = record.meta.get(EDITOR)
    editor_id = editor.get("id") if isinstance(editor, dict) else None
    editor_name = editor.get("name", "") if isinstance(editor, dict) else ""
    names = turn.deps.store.shares.names(record.id)
    unchanged = found is not None and pending.base == asked.current_value(
        record, plan, pending.kind, pending.key, *found)
    text = turn.screen(
        "conflict", kind=pending.kind.value, gone=found is None, current=current,
        unchanged=unchanged,
        mine=pending.text, editor=editor_name or names.get(editor_id or 0, ""),
        editor_self=editor_id == turn.user_id,
    )
    buttons = [turn.labelled("btn_discard", InputAct.DISCARD, record.id)]
    if found is not None:
        keep = turn.labelled("btn_keep_mine", InputAct.KEEP_MINE, record.id, revision_tag(record))
        buttons.insert(0, keep)
    return turn.reply(text, [buttons])


def _conflict(turn: Turn, record: DraftRecord, text: str, *, note: str = "") -> Reply:
    """Keep the user's text with the draft's current revision; show the conflict screen."""
    pending = turn.session.pending
    assert pending is not None
    _check(turn, pending, text)
    plan = load_plan(record)
    found = _locate(plan, pending)
    update: dict[str, object] = {"revision": record.revision, "text": text}
    if found is not None and pending.kind in ITEM_KINDS:
        update |= {"section": found[0], "item": found[1]}  # ``base`` stays: what the user saw
    turn.session.pending = pending.model_copy(update=update)
    screen = prompt(turn)
    if note:
        screen = screen.model_copy(update={"text": f"{note}\n\n{screen.text}"})
    return screen


def _check(turn: Turn, pending: Pending, text: str) -> None:
    """The text must be one that could be applied (else the usual error, nothing kept)."""
    if pending.kind is InputKind.EDIT:
        checked_text(text, MAX_ITEM_TEXT, "edit")
    elif pending.kind in written.KINDS:
        written.check(pending, text)
    elif pending.kind is InputKind.RENAME:
        checked_text(text, MAX_NAME, "name", one_line=True)
    elif pending.kind is InputKind.TITLE:
        checked_text(text, asked.MAX_TITLE, "title", one_line=True)
    elif pending.kind is InputKind.REGION:
        checked_text(text, MAX_NAME, "region", one_line=True)
    else:
        spec = turn.library.vars.get(pending.key)
        if spec is None:
            raise InputError("unknown_target", key=pending.key)
        normalise_target(pending.key, spec, text)


def _locate(plan: Plan, pending: Pending) -> tuple[int, int] | None:
    """Where the edited item is now: its old text, else the same place; ``None`` if gone.

    A section's heading or a new item of a section: that section, by its id. Other kinds of
    input are about the whole draft, which is always there.
    """
    if pending.kind in written.BY_SECTION:
        s = written.section_of(plan, pending)
        return None if s is None else (s, 0)
    if pending.kind not in ITEM_KINDS:
        return (0, 0)
    s = pending.section
    if s >= len(plan.sections):
        return None
    items = plan.sections[s].items
    lead = pending.kind is InputKind.LEAD
    same = [i for i, item in enumerate(items)
            if pending.base and (item.title if lead else item.text) == pending.base]
    if len(same) == 1:
        return s, same[0]
    return (s, pending.item) if pending.item < len(items) else None


def _current_value(
    turn: Turn, record: DraftRecord, plan: Plan, pending: Pending, found: tuple[int, int] | None
) -> str:
    if pending.kind in ITEM_KINDS:
        if found is None:
            return ""
        s, i = found
        item = plan.sections[s].items[i]
        place = Labels.of(plan).place(plan, s, i)
        return "\n".join(part for part in (place + item.title, item.text) if part)
    if pending.kind in written.BY_SECTION:
        return "" if found is None else Labels.of(plan).place(plan, found[0], -1)
    return asked.current_value(record, plan, pending.kind, pending.key)


def _current(turn: Turn, record: DraftRecord, pending: Pending, note: str) -> Reply:
    """After 放弃: the item (or the draft) as it is now."""
    plan = load_plan(record)
    found = _locate(plan, pending)
    if pending.kind in ITEM_KINDS and found is not None:
        return item_view(turn, record, *found, note=note)
    if pending.kind in written.BY_SECTION and found is not None:
        return section_view(turn, record, found[0], note=note)
    return overview(turn, record, note=note)
