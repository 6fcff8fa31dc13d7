"""Who may do what: every admin action refuses non-admins, and nothing happens when it does."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.curation import ADMIN_ACTIONS, AdminRegistry, LibraryService, NewClause
from bot.errors import InputError, PermissionDenied
from bot.library.models import ClauseKind
from tests.admin_support import ADMIN, OWNER, STRANGER, dump, files_under, make_service

UPLOAD = Path(__file__).resolve().parent.parent / "snippets" / "preschool.yaml"
NEW = NewClause(topic="preschool", kind=ClauseKind.TASK, title="测试条款", text="{{ scope }}测试。")

# Every admin action, with arguments that would succeed for an admin.
CALLS: dict[str, Callable[[LibraryService, int, dict[str, Any]], object]] = {
    "list_admins": lambda s, a, _: s.list_admins(a),
    "add_admin": lambda s, a, _: s.add_admin(a, 99),
    "remove_admin": lambda s, a, _: s.remove_admin(a, ADMIN),
    "preview_upload": lambda s, a, _: s.preview_upload(a, "preschool.yaml", UPLOAD.read_bytes()),
    "preview_new_clause": lambda s, a, _: s.preview_new_clause(a, NEW),
    "preview_edit": lambda s, a, _: s.preview_edit(a, "preschool.supply", text="{{ scope }}新。"),
    "preview_retire": lambda s, a, _: s.preview_retire(a, "preschool.supply"),
    "preview_restore": lambda s, a, _: s.preview_restore(a, "preschool.added_1"),
    "preview_rollback": lambda s, a, _: s.preview_rollback(a, 0),
    "apply": lambda s, a, ctx: s.apply(a, ctx["token"]),
    "discard": lambda s, a, ctx: s.discard(a, ctx["token"]),
    "add_clause": lambda s, a, _: s.add_clause(a, NEW),
    "edit_clause_text": lambda s, a, _: s.edit_clause_text(a, "preschool.supply", "{{ scope }}。"),
    "retire_clause": lambda s, a, _: s.retire_clause(a, "preschool.supply"),
    "restore_clause": lambda s, a, _: s.restore_clause(a, "preschool.added_1"),
    "rollback": lambda s, a, _: s.rollback(a, 0),
    "history": lambda s, a, _: s.history(a),
    "render_preview": lambda s, a, _: s.render_preview(a, "preschool.supply"),
    "topic_file": lambda s, a, _: s.topic_file(a, "preschool"),
    "stats_summary": lambda s, a, _: s.stats_summary(a),
    "export": lambda s, a, ctx: s.export(a, ctx["export_dir"]),
}
READ_ONLY = {"library", "base", "revision", "generation", "subscribe", "refresh", "is_admin",
             "is_owner", "newer_wordings", "open"}


def test_every_public_method_is_either_an_admin_action_or_harmless() -> None:
    public = {name for name, _ in inspect.getmembers(LibraryService) if not name.startswith("_")}
    assert set(ADMIN_ACTIONS) == set(CALLS)
    assert public - READ_ONLY == set(ADMIN_ACTIONS)


@pytest.fixture
def setup(tmp_path: Path) -> tuple[LibraryService, dict[str, Any]]:
    """Owner 1, admin 2, a retired added clause (revision 2) and a pending preview of 1's."""
    service = make_service(tmp_path / "data")
    service.add_admin(OWNER, ADMIN)
    service.add_clause(OWNER, NEW)
    service.retire_clause(ADMIN, "preschool.added_1")
    preview = service.preview_retire(OWNER, "preschool.supply")
    assert preview.token is not None
    return service, {"token": preview.token, "export_dir": tmp_path / "export"}


@pytest.mark.parametrize("action", ADMIN_ACTIONS)
def test_a_non_admin_is_refused_and_nothing_happens(
    setup: tuple[LibraryService, dict[str, Any]], action: str, tmp_path: Path
) -> None:
    service, ctx = setup
    files, library, revision = files_under(tmp_path), dump(service.library), service.revision
    with pytest.raises(PermissionDenied) as refused:
        CALLS[action](service, STRANGER, ctx)
    assert refused.value.message_id == "not_admin"
    assert files_under(tmp_path) == files  # no revision, pending, audit, admin or export file
    assert dump(service.library) == library and service.revision == revision


@pytest.mark.parametrize("action", ADMIN_ACTIONS)
def test_an_admin_may(setup: tuple[LibraryService, dict[str, Any]], action: str) -> None:
    service, ctx = setup
    caller = OWNER if action in {"add_admin", "remove_admin", "apply", "discard"} else ADMIN
    CALLS[action](service, caller, ctx)


@pytest.mark.parametrize("action", ["add_admin", "remove_admin"])
def test_only_owners_manage_admins(
    setup: tuple[LibraryService, dict[str, Any]], action: str
) -> None:
    service, ctx = setup
    with pytest.raises(PermissionDenied) as refused:
        CALLS[action](service, ADMIN, ctx)
    assert refused.value.message_id == "not_owner"
    assert [a.user_id for a in service.list_admins(OWNER)] == [OWNER, ADMIN]


def test_the_list_is_checked_at_the_moment_of_each_action(tmp_path: Path) -> None:
    service = make_service(tmp_path)
    other_process = make_service(tmp_path)  # another process sharing the data directory
    service.add_admin(OWNER, ADMIN)
    other_process.history(ADMIN)
    service.remove_admin(OWNER, ADMIN)
    with pytest.raises(PermissionDenied):
        other_process.history(ADMIN)
    with pytest.raises(PermissionDenied):
        other_process.retire_clause(ADMIN, "preschool.supply")
    assert other_process.revision == 0


def test_an_owner_cannot_be_removed_and_stays_admin(tmp_path: Path) -> None:
    service = make_service(tmp_path)
    with pytest.raises(InputError) as refused:
        service.remove_admin(OWNER, OWNER)
    assert refused.value.message_id == "admin_owner_fixed"
    assert service.is_admin(OWNER) and service.is_owner(OWNER)
    assert service.add_admin(OWNER, OWNER) is False  # owners need no entry


def test_a_preview_belongs_to_the_admin_who_asked(
    setup: tuple[LibraryService, dict[str, Any]],
) -> None:
    from bot.errors import NotFoundError

    service, ctx = setup
    with pytest.raises(NotFoundError) as refused:
        service.apply(ADMIN, ctx["token"])
    assert refused.value.message_id == "change_expired"
    assert not service.library.clause("preschool.supply").retired  # type: ignore[union-attr]


def test_admins_and_audit_of_membership(tmp_path: Path) -> None:
    service = make_service(tmp_path)
    assert service.add_admin(OWNER, ADMIN) is True
    assert service.add_admin(OWNER, ADMIN) is False
    assert service.is_admin(ADMIN) and not service.is_owner(ADMIN)
    assert service.remove_admin(OWNER, ADMIN) is True
    assert service.remove_admin(OWNER, ADMIN) is False
    assert not service.is_admin(ADMIN)
    entries = service.audit.entries()
    assert [(e.action, e.actor, e.target, e.before, e.after) for e in entries] == [
        ("admin_add", "user:1", "user:2", [], [2]),
        ("admin_remove", "user:1", "user:2", [2], []),
    ]


def test_a_corrupt_admin_file_leaves_only_the_owners(tmp_path: Path) -> None:
    service = make_service(tmp_path)
    service.add_admin(OWNER, ADMIN)
    registry: AdminRegistry = service.admins
    registry.path.write_text("{not json", encoding="utf-8")
    assert not service.is_admin(ADMIN) and service.is_admin(OWNER)
