"""Curation: admins change the clause library from the chat or the command line.

    from bot.curation import LibraryService, load_effective_library
    service = LibraryService.open(settings)        # the effective library + every admin action
    library = load_effective_library(settings)     # read only: shipped snippets/ + revisions

=================  ==========================================================================
module             what it holds
=================  ==========================================================================
_service           ``LibraryService``: the current library, previews, apply, history, export
_changes           a change being prepared from what an admin typed or uploaded; previews
_preview           checking a change against the whole library; rendered samples
_pending           previews waiting for 确认 (``<data_dir>/library/pending/``)
_revisions         the revision log (``<data_dir>/library/revisions/``), the effective library
_overlay           the admins' changes as an overlay over the shipped library; summaries
_candidate         base + overlay → a library, with the loader's checks and render checks
_template_policy   what a template typed or uploaded by an admin may contain
_upload            reading an uploaded topic file, limits first
_dump              the library written back as topic files (``planbot snippets export``)
_stats             usage counters for /admin_stats (``<data_dir>/stats/``)
_roles             owners, admins (``<data_dir>/admins.json``) and the command-line operator
_audit             the append-only audit log (``<data_dir>/audit/``)
=================  ==========================================================================

Everything others use is exported here; the modules are the package's own.
"""

from bot.curation._audit import AuditEntry, AuditLog, Clock, utc_now
from bot.curation._changes import CHAT_SOURCE, ChangePreview, ChangeRejected, NewClause, Sample
from bot.curation._overlay import ChangeSummary, library_dump
from bot.curation._preview import sample_region
from bot.curation._revisions import (
    RevisionAction,
    RevisionInfo,
    RevisionLog,
    load_effective_library,
)
from bot.curation._roles import Actor, AdminInfo, AdminRegistry, Operator, actor_id, actor_label
from bot.curation._service import ADMIN_ACTIONS, LibraryService
from bot.curation._stats import AdminStats, Count, UsageEvent, UsageStats

__all__ = [
    "ADMIN_ACTIONS",
    "CHAT_SOURCE",
    "Actor",
    "AdminInfo",
    "AdminRegistry",
    "AdminStats",
    "AuditEntry",
    "AuditLog",
    "ChangePreview",
    "ChangeRejected",
    "ChangeSummary",
    "Clock",
    "Count",
    "LibraryService",
    "NewClause",
    "Operator",
    "RevisionAction",
    "RevisionInfo",
    "RevisionLog",
    "Sample",
    "UsageEvent",
    "UsageStats",
    "actor_id",
    "actor_label",
    "library_dump",
    "load_effective_library",
    "sample_region",
    "utc_now",
]
