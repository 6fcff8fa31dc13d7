"""Compact button data: ``<nonce>:<action>[:<draft id>][:<int>…]``, at most 64 bytes.

Numbers are base 36. Each action has a fixed shape (whether it names a draft, how many numbers),
checked when the data comes back: anything else decodes to ``None`` and is refused as forged.

>>> data = encode(5, Act.ITEM, "42-abcdefgh", 3, 0, 2)
>>> data
'5:it:42-abcdefgh:3:0:2'
>>> decode(data)
Action(nonce=5, act=<Act.ITEM: 'it'>, draft='42-abcdefgh', ints=(3, 0, 2))
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.dialogue.types import MAX_BUTTON_DATA
from bot.store.models import owner_of

SEP = ":"
_MAX_DIGITS = 7  # base-36 digits of one number (78 billion)
_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"


class Act(StrEnum):
    # interview
    REGION_PICK = "rp"  # candidate index
    REGION_LEVEL = "rl"  # level index
    REGION_SIMILAR = "ri"  # index among the known regions offered for an unknown name
    YEAR = "yr"  # year
    YEAR_OTHER = "yo"
    KIND = "kd"  # kind index
    TOPIC = "tt"  # topic index
    TOPIC_PAGE = "tg"  # page
    TOPIC_ALL = "ta"
    TOPICS_DONE = "tf"
    SKIP = "sk"
    SKIP_ALL = "sa"
    KEEP = "kp"
    STYLE = "st"  # style index
    CHANGE = "ch"  # review entry index
    GENERATE = "gn"
    BACK = "bk"
    CANCEL = "cx"
    # drafts and a draft (revision = the draft's revision the screen showed)
    LIST = "ls"  # page
    NEW = "nw"
    RESUME = "rs"
    OPEN = "op"  # draft
    SECTION = "sc"  # draft, revision, section
    ITEM = "it"  # draft, revision, section, item
    SWAP = "sw"  # draft, revision, section, item
    EDIT = "ed"  # draft, revision, section, item
    UP = "up"  # draft, revision, section, item
    DOWN = "dn"  # draft, revision, section, item
    DELETE = "de"  # draft, revision, section, item
    UNDO = "ud"  # draft, revision
    HEADING = "hd"  # draft, revision, section: next wording of the heading
    ADD_MENU = "am"  # draft, revision, section
    ADD = "ad"  # draft, revision, section, offer index
    PREVIEW = "pv"  # draft
    TODO = "td"  # draft, revision
    FILL = "fl"  # draft, revision, entry index
    EXPORT_MENU = "xm"  # draft
    EXPORT = "xf"  # draft, format index
    RENAME = "rn"  # draft, revision
    TITLE = "ti"  # draft, revision
    COPY = "cp"  # draft
    DROP = "dr"  # draft: ask to confirm
    DROP_YES = "dy"  # draft, revision
    # sharing (link = a link's id, see bot.store.shares; expiry = index of an expiry choice)
    SHARE = "sh"  # draft, expiry: who has access, the links
    SHARE_NEW = "sn"  # draft, kind index, expiry
    SHARE_LINK = "sl"  # draft, link
    SHARE_EXPIRY = "se"  # draft, link, expiry
    SHARE_REVOKE = "sr"  # draft, link
    SHARE_REMOVE = "su"  # draft, user tag (user id modulo 36**7)
    VIEW_OPEN = "vo"  # draft: the read-only view of a view link
    VIEW_PREVIEW = "vp"  # draft
    VIEW_EXPORT = "vx"  # draft, format index
    POST = "po"  # draft: post it into the group chat the button is in
    KEEP_MINE = "km"  # draft, revision: apply the user's text over a newer revision
    DISCARD = "dc"  # draft: drop the user's text
    TAKE_NEWER = "nt"  # draft, revision, section, item: the newer wording (draft/_wordings)
    # /clause (bot/dialogue/clauses/): index = a result's index on the page the session holds
    CLAUSE_PAGE = "qg"  # page of the results
    CLAUSE_FULL = "qv"  # index: the clause's full text
    CLAUSE_INSERT = "qi"  # index: where to insert it (a section of the open draft, or a draft)
    CLAUSE_DRAFT = "qd"  # draft, index: the sections of that draft
    CLAUSE_SECTION = "qs"  # draft, revision, index, section: insert it there
    # admins (bot/dialogue/admin/): nothing but an action code and small numbers; the
    # preview waiting for 确认 lives in the session
    ADMIN_MENU = "aa"  # menu entry index
    ADMIN_TOPIC = "at"  # topic index (new clause)
    ADMIN_TOPIC_PAGE = "ag"  # page of the topic buttons
    ADMIN_KIND = "ak"  # clause kind index
    ADMIN_LEVEL = "al"  # level index: on/off
    ADMIN_ANY_YEAR = "ay"  # years: no limit
    ADMIN_NEXT = "an"  # scope done: preview
    ADMIN_PICK = "ap"  # index among the clauses found
    ADMIN_CONFIRM = "ac"  # apply the previewed change
    ADMIN_DISCARD = "ax"  # drop the previewed change
    ADMIN_HISTORY = "ah"  # page of the revision history
    ADMIN_ROLLBACK = "ar"  # revision number to go back to
    ADMIN_REMOVE = "au"  # admin's user tag (user id modulo 36**7)


# action → (names a draft, how many numbers)
_SHAPES: dict[Act, tuple[bool, int]] = {
    Act.REGION_PICK: (False, 1), Act.REGION_LEVEL: (False, 1), Act.REGION_SIMILAR: (False, 1),
    Act.YEAR: (False, 1),
    Act.KIND: (False, 1), Act.TOPIC: (False, 1), Act.TOPIC_PAGE: (False, 1),
    Act.STYLE: (False, 1), Act.CHANGE: (False, 1), Act.LIST: (False, 1),
    Act.OPEN: (True, 0), Act.PREVIEW: (True, 0), Act.EXPORT_MENU: (True, 0),
    Act.COPY: (True, 0), Act.DROP: (True, 0),
    Act.UNDO: (True, 1), Act.TODO: (True, 1), Act.RENAME: (True, 1), Act.TITLE: (True, 1),
    Act.DROP_YES: (True, 1), Act.EXPORT: (True, 1),
    Act.SECTION: (True, 2), Act.HEADING: (True, 2), Act.ADD_MENU: (True, 2), Act.FILL: (True, 2),
    Act.ITEM: (True, 3), Act.SWAP: (True, 3), Act.EDIT: (True, 3), Act.UP: (True, 3),
    Act.DOWN: (True, 3), Act.DELETE: (True, 3), Act.ADD: (True, 3),
    Act.SHARE: (True, 1), Act.SHARE_NEW: (True, 2), Act.SHARE_LINK: (True, 1),
    Act.SHARE_EXPIRY: (True, 2), Act.SHARE_REVOKE: (True, 1), Act.SHARE_REMOVE: (True, 1),
    Act.VIEW_OPEN: (True, 0), Act.VIEW_PREVIEW: (True, 0), Act.VIEW_EXPORT: (True, 1),
    Act.POST: (True, 0), Act.KEEP_MINE: (True, 1), Act.DISCARD: (True, 0),
    Act.TAKE_NEWER: (True, 3),
    Act.CLAUSE_PAGE: (False, 1), Act.CLAUSE_FULL: (False, 1), Act.CLAUSE_INSERT: (False, 1),
    Act.CLAUSE_DRAFT: (True, 1), Act.CLAUSE_SECTION: (True, 3),
    Act.ADMIN_MENU: (False, 1), Act.ADMIN_TOPIC: (False, 1), Act.ADMIN_TOPIC_PAGE: (False, 1),
    Act.ADMIN_KIND: (False, 1), Act.ADMIN_LEVEL: (False, 1), Act.ADMIN_PICK: (False, 1),
    Act.ADMIN_HISTORY: (False, 1), Act.ADMIN_ROLLBACK: (False, 1), Act.ADMIN_REMOVE: (False, 1),
}
_ACTS = {act.value: act for act in Act}


@dataclass(frozen=True)
class Action:
    nonce: int
    act: Act
    draft: str
    ints: tuple[int, ...]


def encode(nonce: int, act: Act, *args: str | int) -> str:
    """The data of a button; asserts the action's shape and the 64-byte limit."""
    with_draft, count = _SHAPES.get(act, (False, 0))
    drafts = [a for a in args if isinstance(a, str)]
    numbers = [a for a in args if isinstance(a, int)]
    assert len(drafts) == int(with_draft) and len(numbers) == count, (act, args)
    assert all(n >= 0 for n in numbers), args
    parts = [_b36(nonce), act.value, *drafts, *(_b36(n) for n in numbers)]
    data = SEP.join(parts)
    assert len(data.encode()) <= MAX_BUTTON_DATA, data
    return data


def decode(data: str) -> Action | None:
    """The action in button data, or ``None`` if the data is not a well-formed action."""
    if len(data.encode()) > MAX_BUTTON_DATA:
        return None
    parts = data.split(SEP)
    if len(parts) < 2 or parts[1] not in _ACTS:
        return None
    act = _ACTS[parts[1]]
    with_draft, count = _SHAPES.get(act, (False, 0))
    rest = parts[2:]
    if len(rest) != int(with_draft) + count:
        return None
    draft = rest.pop(0) if with_draft else ""
    if with_draft and owner_of(draft) is None:
        return None
    numbers = [_int(p) for p in [parts[0], *rest]]
    if any(n is None for n in numbers):
        return None
    nonce, *ints = (n for n in numbers if n is not None)
    return Action(nonce, act, draft, tuple(ints))


def _b36(number: int) -> str:
    digits = ""
    while True:
        number, rest = divmod(number, 36)
        digits = _ALPHABET[rest] + digits
        if number == 0:
            return digits


def _int(text: str) -> int | None:
    if not 0 < len(text) <= _MAX_DIGITS or any(c not in _ALPHABET for c in text):
        return None
    return int(text, 36)
