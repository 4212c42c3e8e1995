"""Erasure on a citizen's request: a caseworker records the request, a second user of the
same jobcentre (caseworker or manager, never the one who asked) confirms it, and only then is
the citizen erased whole (as retention erases: answers, caseworker periods, pseudonym).

Every step is audited and flagged. The confirmation's audit entry and the request keep that
an erasure happened and who decided it, not the pseudonym.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from bip.web.core.access import citizens_for, profile_of
from bip.web.core.audit import audit
from bip.web.core.models import Citizen, Role
from bip.web.core.services.retention import Erasable, erase_citizens
from bip.web.lifecycle.models import ErasureRequest


class ErasureRefused(PermissionError):
    """The user may not take this step (one line, for the page)."""


@transaction.atomic
def erasure_request(*, user, citizen: Citizen, reason: str = "") -> ErasureRequest:
    """Record a citizen's request to be erased (a caseworker of their jobcentre)."""
    if not citizens_for(user).filter(pk=citizen.pk).exists():
        raise ErasureRefused("only a caseworker of the citizen's jobcentre records a request")
    if ErasureRequest.objects.filter(
        citizen_id=citizen.citizen_id, state=ErasureRequest.PENDING
    ).exists():
        raise ErasureRefused("an erasure request for this citizen is waiting already")
    req = ErasureRequest.objects.create(
        citizen_id=citizen.citizen_id,
        jobcenter_id=citizen.jobcenter_id,
        reason=reason[:200],
        requested_by=user,
    )
    detail = f"request #{req.pk}, awaiting a second user's confirmation"
    audit(user, None, "citizen.erase_request", "citizen", citizen.citizen_id, detail, flagged=True)
    return req


def _decider(user, req: ErasureRequest) -> None:
    p = profile_of(user)
    if (
        p is None
        or p.role not in (Role.CASEWORKER, Role.MANAGER)
        or p.jobcenter_id != req.jobcenter_id
    ):
        raise ErasureRefused("only a caseworker or manager of the jobcentre decides a request")
    if req.requested_by_id == user.pk:
        raise ErasureRefused("a second user confirms: not the one who recorded the request")


@transaction.atomic
def erasure_confirm(*, user, request_id: int) -> list[Erasable]:
    """Confirm request ``request_id`` and erase the citizen, all or nothing."""
    req = ErasureRequest.objects.select_for_update().filter(pk=request_id).first()
    if req is None or req.state != ErasureRequest.PENDING:
        raise ErasureRefused(f"no waiting erasure request #{request_id}")
    _decider(user, req)
    ids = list(Citizen.objects.filter(citizen_id=req.citizen_id).values_list("pk", flat=True))
    done = erase_citizens(ids)
    req.state, req.decided_by, req.decided_at = ErasureRequest.DONE, user, timezone.now()
    req.citizen_id = ""  # the request keeps that it happened, not whom it concerned
    req.save()
    n = done[0] if done else Erasable(str(req.jobcenter_id), 0, 0, 0)
    detail = (
        f"request #{req.pk} by {req.requested_by.username}: {n.citizens} citizen, "
        f"{n.measurements} measurements, {n.assignments} caseworker periods erased"
    )
    audit(user, None, "citizen.erase", "erasure", str(req.pk), detail, flagged=True)
    return done


@transaction.atomic
def erasure_withdraw(*, user, request_id: int) -> ErasureRequest:
    """Withdraw a waiting request (the one who recorded it, or a second user); nothing erased."""
    req = ErasureRequest.objects.select_for_update().filter(pk=request_id).first()
    if req is None or req.state != ErasureRequest.PENDING:
        raise ErasureRefused(f"no waiting erasure request #{request_id}")
    if req.requested_by_id != user.pk:
        _decider(user, req)
    req.state, req.decided_by, req.decided_at = ErasureRequest.WITHDRAWN, user, timezone.now()
    req.save()
    audit(user, None, "citizen.erase_withdraw", "erasure", str(req.pk), "", flagged=True)
    return req
