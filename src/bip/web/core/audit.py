"""Write audit entries: every read and write of a citizen's data (who, role, what, when)."""

from __future__ import annotations

from bip.web.core.models import AuditLog


def audit(
    user, role: str | None, action: str, object_type: str, object_id: str = "", detail: str = ""
) -> None:
    """Append one entry. ``detail`` must never hold a CPR number (callers pass pseudonyms only)."""
    AuditLog.objects.create(
        username=getattr(user, "username", "") or "-",
        role=role or "-",
        action=action,
        object_type=object_type,
        object_id=str(object_id)[:64],
        detail=detail[:300],
    )
