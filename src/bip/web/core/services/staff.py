"""Logins, jobcentres, passwords: the administrator's writes, with separation of duties.

A login created by an administrator is inactive until a *second* administrator approves it,
and its owner must replace the initial password at the first login; so no single
administrator can make a login, log in as it and read citizens' data. Creating, approving,
deactivating and reactivating logins are audited and flagged for the audit view.
"""

from __future__ import annotations

import uuid

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from bip.web.core.audit import audit
from bip.web.core.models import Caseworker, Jobcenter, Profile, Role


class StaffError(Exception):
    """A refused administrator action; ``field`` names the form field it concerns (or None)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@transaction.atomic
def jobcenter_create(*, user, jobcenter_id: str, name: str = "") -> Jobcenter:
    """A new jobcentre."""
    jc = Jobcenter.objects.create(jobcenter_id=jobcenter_id, name=name)
    audit(user, None, "jobcenter.create", "jobcenter", jc.jobcenter_id, name[:200])
    return jc


def user_create(
    *,
    created_by,
    username: str,
    password: str,
    role: str,
    full_name: str = "",
    jobcenter: Jobcenter | None = None,
    caseworker_id: str = "",
    approved: bool = False,
):
    """Create a login with a role; pending a second administrator's approval unless
    ``approved`` (the command line's first administrators, see ``bip create-admin``).

    A caseworker login is linked to the caseworker id given (which must be free and of the
    same jobcentre) or to a new one. Raises :class:`StaffError`; then nothing is written.
    """
    with transaction.atomic():
        first, _sep, last = full_name.partition(" ")
        new = get_user_model().objects.create_user(
            username, password=password, first_name=first, last_name=last, is_active=approved
        )
        Profile.objects.create(
            user=new,
            role=role,
            jobcenter=jobcenter,
            created_by=created_by,
            pending_approval=not approved,
            must_change_password=not approved,
        )
        if role == Role.CASEWORKER:
            cw, _created = Caseworker.objects.get_or_create(
                caseworker_id=caseworker_id or f"cw-{uuid.uuid4().hex[:12]}",
                defaults={"jobcenter": jobcenter},
            )
            if cw.jobcenter_id != getattr(jobcenter, "pk", None) or cw.user_id:
                transaction.set_rollback(True)
                raise StaffError(
                    _("That caseworker id belongs to another jobcentre or login."), "caseworker_id"
                )
            cw.user = new
            cw.save(update_fields=["user"])
        where = f" at {jobcenter.jobcenter_id}" if jobcenter else ""
        state = "active" if approved else "awaiting a second administrator's approval"
        audit(
            created_by,
            "admin" if created_by is not None else "cli",
            "user.create",
            "user",
            username,
            f"{role}{where}; {state}",
            flagged=True,
        )
    return new


def user_approve(*, user, username: str):
    """Approve a pending login; refused (and audited, flagged) for the administrator who
    created it."""
    target = get_user_model().objects.select_related("profile").get(username=username)
    profile = target.profile
    if not profile.pending_approval:
        raise StaffError(_("That login is not waiting for approval."))
    if profile.created_by_id == user.pk:
        audit(user, None, "user.approve", "user", username, "refused: own creation", flagged=True)
        raise StaffError(_("A second administrator must approve the logins you create."))
    with transaction.atomic():
        profile.pending_approval, profile.approved_by = False, user
        profile.save(update_fields=["pending_approval", "approved_by"])
        target.is_active = True
        target.save(update_fields=["is_active"])
        audit(user, None, "user.approve", "user", username, profile.role, flagged=True)
    return target


@transaction.atomic
def user_set_active(*, user, username: str, active: bool | None = None):
    """Deactivate or reactivate a login (never deleted: the audit log names them); with
    ``active`` None, the opposite of its state when the row is locked."""
    target = (
        # "of": the profile is an outer join, which PostgreSQL cannot lock
        get_user_model()
        .objects.select_for_update(of=("self",))
        .select_related("profile")
        .get(username=username)
    )
    if active is None:
        active = not target.is_active
    if target == user:
        raise StaffError(_("You cannot deactivate yourself."))
    if getattr(getattr(target, "profile", None), "pending_approval", False):
        raise StaffError(_("That login is waiting for approval."))
    target.is_active = active
    target.save(update_fields=["is_active"])
    action = "user.activate" if active else "user.deactivate"
    audit(user, None, action, "user", username, flagged=active)
    return target


@transaction.atomic
def password_changed(*, user) -> None:
    """After the owner set a new password: clear the first-login demand, audit it."""
    profile = getattr(user, "profile", None)
    first = bool(profile and profile.must_change_password)
    if profile is not None and first:
        profile.must_change_password = False
        profile.save(update_fields=["must_change_password"])
    audit(user, None, "password.change", "user", user.username, "first login" if first else "")
