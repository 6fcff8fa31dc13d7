"""/admins, /admin_add, /admin_remove: who is an admin (owners add and remove them)."""

from __future__ import annotations

from bot.curation import AdminInfo, LibraryService
from bot.dialogue.actions import Action, Code
from bot.dialogue.admin._editor import require_admin
from bot.dialogue.admin._views import LABEL, Handler, author
from bot.dialogue.codes.admin import AdminAct
from bot.dialogue.layout import DISPLAY_TZ, short
from bot.dialogue.turn import Turn, rows
from bot.dialogue.types import Reply
from bot.errors import InputError

USER_TAG = 36**7  # an admin's id as a button carries it (see AdminAct.ADMIN_REMOVE)


def admins_view(
    turn: Turn, service: LibraryService, listed: list[AdminInfo], *, note: str = ""
) -> Reply:
    owner = service.is_owner(turn.user_id)
    entries = [{"id": a.user_id, "owner": a.owner, "added_by": author(turn, a.added_by or ""),
                "added_at": a.added_at.astimezone(DISPLAY_TZ).strftime("%Y-%m-%d")
                if a.added_at else "", "me": a.user_id == turn.user_id} for a in listed]
    removes = [turn.labelled("btn_admin_remove", AdminAct.ADMIN_REMOVE, a.user_id % USER_TAG,
                             user_id=short(str(a.user_id), LABEL))
               for a in listed if owner and not a.owner]
    text = turn.screen("admin_admins", note=note, admins=entries, owner=owner)
    return turn.reply(text, rows(removes, 2))


def admins(turn: Turn, *, note: str = "") -> list[Reply]:
    service = require_admin(turn)
    return [admins_view(turn, service, service.list_admins(turn.user_id), note=note)]


def add_admin(turn: Turn) -> list[Reply]:
    service = require_admin(turn)
    user_id = _user_id(turn.event.text)
    added = service.add_admin(turn.user_id, user_id)
    return admins(turn, note=turn.say("admin_added" if added else "admin_unchanged",
                                      user_id=user_id))


def remove_admin(turn: Turn) -> list[Reply]:
    return _remove(turn, _user_id(turn.event.text))


def _remove_pressed(turn: Turn, action: Action) -> list[Reply]:
    service = require_admin(turn)
    tag = action.ints[0]
    found = [a.user_id for a in service.list_admins(turn.user_id)
             if not a.owner and a.user_id % USER_TAG == tag]
    if len(found) != 1:
        return admins(turn, note=turn.say("admin_gone"))
    return _remove(turn, found[0])


def _remove(turn: Turn, user_id: int) -> list[Reply]:
    service = require_admin(turn)
    removed = service.remove_admin(turn.user_id, user_id)
    return admins(turn, note=turn.say("admin_removed" if removed else "admin_unchanged",
                                      user_id=user_id))


def _user_id(text: str) -> int:
    value = text.strip()
    if not value.isdigit() or len(value) > 20:
        raise InputError("admin_user_id_invalid")
    return int(value)


PRESSES: dict[Code, Handler] = {
    AdminAct.ADMIN_REMOVE: _remove_pressed,
}
