"""Newer wordings: an admin changed a clause that a draft uses; the draft's text stays as it is.

A draft remembers the library revision it was made at (``meta["library_revision"]``). Its
overview counts the items whose clause has changed since (``LibraryService.newer_wordings``)
and whose text differs from the clause's current wording rendered for the draft (so an item
swapped or added since, or a change rolled back, is not counted); the item screen shows the new
wording and 换成新措辞 takes it. When no item is left behind, the draft's revision moves on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.compose.assemble import Composer
from bot.compose.plan import Item, Plan
from bot.compose.refine import clause_of, composer_for
from bot.dialogue.turn import Turn
from bot.errors import PlanbotError
from bot.library.models import Clause
from bot.store.models import DraftRecord

REVISION_KEY = "library_revision"  # DraftRecord.meta: the library revision the draft is at


@dataclass(frozen=True)
class Newer:
    section: int
    item: int
    revision: int  # the library revision that changed the clause last
    wording: Item  # the clause's current wording, rendered for the draft


def stamp(turn: Turn) -> dict[str, Any]:
    """The meta of a new draft: the library revision it is made at."""
    service = turn.deps.curation
    return {REVISION_KEY: service.revision} if service is not None else {}


def carried(record: DraftRecord) -> dict[str, Any]:
    """The meta a copy of ``record`` made for someone else starts with: the library revision its
    wordings are at (so the copy learns of newer ones too), nothing of the owner's dialogue."""
    revision = record.meta.get(REVISION_KEY)
    return {REVISION_KEY: revision} if isinstance(revision, int) else {}


def newer_items(turn: Turn, record: DraftRecord, plan: Plan) -> list[Newer]:
    """Items of the draft whose clause has a newer wording, in reading order."""
    service = turn.deps.curation
    since = record.meta.get(REVISION_KEY)
    if service is None or not isinstance(since, int):
        return []
    changed = service.newer_wordings(since)
    if not changed:
        return []
    composer: Composer | None = None
    found: list[Newer] = []
    for s, section in enumerate(plan.sections):
        for i, item in enumerate(section.items):
            revision = changed.get(item.clause_id or "")
            clause = clause_of(item, turn.library) if revision is not None else None
            if revision is None or clause is None:
                continue
            composer = composer or composer_for(plan, turn.library)
            wording = _rendered(composer, clause, item)
            if wording is not None:
                found.append(Newer(s, i, revision, wording))
    return found


def _rendered(composer: Composer, clause: Clause, item: Item) -> Item | None:
    """The clause's wording now, for the item's variant; None if it reads as the item does."""
    try:
        wording = composer.render_item(clause, item.variant)
    except PlanbotError:  # pragma: no cover - the library renders for every plan
        return None
    return wording if (wording.title, wording.text) != (item.title, item.text) else None


def newer_item(turn: Turn, record: DraftRecord, plan: Plan, s: int, i: int) -> Newer | None:
    return next((n for n in newer_items(turn, record, plan) if (n.section, n.item) == (s, i)),
                None)


def taken_meta(turn: Turn, record: DraftRecord, plan: Plan) -> dict[str, Any]:
    """After an item took its new wording: the draft is at the current revision if no other
    item is left behind."""
    service = turn.deps.curation
    if service is None or newer_items(turn, record, plan):
        return {}
    return {REVISION_KEY: service.revision}
