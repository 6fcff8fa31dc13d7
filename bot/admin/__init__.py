"""Who may curate the library (owners and admins) and the append-only audit log of what they did.

    admins = AdminRegistry.open(settings, audit)
    admins.require_admin(user_id)            # PermissionDenied("not_admin") for anyone else
"""

from bot.admin.audit import AuditEntry, AuditLog
from bot.admin.roles import Actor, AdminInfo, AdminRegistry, Operator, actor_id, actor_label

__all__ = [
    "Actor",
    "AdminInfo",
    "AdminRegistry",
    "AuditEntry",
    "AuditLog",
    "Operator",
    "actor_id",
    "actor_label",
]
