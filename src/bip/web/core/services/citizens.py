"""Finding, enrolling and transferring citizens."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from bip.web.core import limits
from bip.web.core.access import citizens_for, own_caseworker, profile_of
from bip.web.core.audit import audit
from bip.web.core.fieldcrypt import encrypt, name_index
from bip.web.core.models import Assignment, Caseworker, Citizen
from bip.web.identity import citizen_id_for


@dataclass(frozen=True)
class Lookup:
    """The answer to a CPR look-up. ``outcome``: "found" (in the user's jobcentre), "absent"
    (not in the user's jobcentre - whether or not enrolled elsewhere, the same answer),
    "limited" (too many look-ups; ``wait_s`` seconds to wait)."""

    outcome: str
    citizen_id: str = ""
    wait_s: int = 0


class EnrolledElsewhere(Exception):
    """The citizen is enrolled at another jobcentre (said only when enrolling, and audited)."""


def lookup_invalid(*, user, reason: str) -> None:
    """Audit a look-up refused before hashing (not a CPR number, implausible date)."""
    audit(user, None, "citizen.find", "citizen", "", f"invalid: {reason}")


def citizen_lookup(*, user, cpr: str) -> Lookup:
    """Look a CPR number up in the user's jobcentre; the number is hashed and forgotten.

    Limited to ``BIP_CPR_LOOKUPS_PER_HOUR`` per user. Every look-up is audited with its
    outcome; only the audit entry tells whether an absent citizen is enrolled elsewhere
    (flagged, for the administrator). Raises ``KeyMissing`` without a pseudonymisation key.
    """
    wait = limits.hit(f"cpr:{user.pk}", limit=settings.BIP_CPR_LOOKUPS_PER_HOUR, window_s=3600)
    if wait:
        detail = f"refused: rate limit, {wait} s left"
        audit(user, None, "citizen.find", "citizen", "", detail, flagged=True)
        return Lookup("limited", wait_s=wait)
    cid = citizen_id_for(cpr)
    if citizens_for(user).filter(citizen_id=cid).exists():
        audit(user, None, "citizen.find", "citizen", cid, "found")
        return Lookup("found", cid)
    elsewhere = Citizen.objects.filter(citizen_id=cid).exists()
    audit(
        user,
        None,
        "citizen.find",
        "citizen",
        cid,
        "absent; enrolled at another jobcentre" if elsewhere else "absent; not enrolled",
        flagged=elsewhere,
    )
    return Lookup("absent", cid)


def citizen_enrol(*, user, citizen_id: str, name: str = "") -> Citizen:
    """Enrol the looked-up citizen in the user's jobcentre with the user as caseworker.

    A citizen already enrolled here is returned as is; one enrolled at another jobcentre
    raises :class:`EnrolledElsewhere` (audited, flagged) and nothing is written.
    """
    try:
        return _enrol(user, citizen_id, name.strip())
    except EnrolledElsewhere:
        detail = "refused: enrolled at another jobcentre"
        audit(user, None, "citizen.enrol", "citizen", citizen_id, detail, flagged=True)
        raise


@transaction.atomic
def _enrol(user, citizen_id: str, name: str = "") -> Citizen:
    profile = profile_of(user)
    if profile is None or profile.jobcenter_id is None:
        raise PermissionError("only a caseworker of a jobcentre enrols citizens")
    jobcenter_id = profile.jobcenter_id
    me = own_caseworker(user)
    today = dt.date.today()
    citizen, created = Citizen.objects.get_or_create(
        citizen_id=citizen_id,
        defaults={
            "jobcenter_id": jobcenter_id,
            "enrolled_on": today,
            "caseworker": me,
            "name_enc": encrypt(name),
            "name_index": name_index(name),
        },
    )
    if citizen.jobcenter_id != jobcenter_id:
        raise EnrolledElsewhere(citizen_id)
    if created and me:
        citizen.assignments.create(
            caseworker=me, started_on=today, reason="enrolled", created_by=user
        )
    audit(user, None, "citizen.enrol", "citizen", citizen_id, "" if created else "already enrolled")
    return citizen


@transaction.atomic
def citizen_set_name(*, user, citizen: Citizen, name: str) -> Citizen:
    """Record (or clear) the citizen's name, encrypted, with its search index; audited without
    the name itself."""
    name = name.strip()
    citizen.name_enc = encrypt(name)
    citizen.name_index = name_index(name)
    citizen.save(update_fields=["name_enc", "name_index"])
    audit(user, None, "citizen.name", "citizen", citizen.citizen_id, "set" if name else "cleared")
    return citizen


@transaction.atomic
def citizen_transfer(
    *, citizen: Citizen, to: Caseworker, started_on: dt.date, user, reason: str = ""
) -> Assignment:
    """Give ``citizen`` a new caseworker, recorded as a caseworker change and audited."""
    citizen = Citizen.objects.select_for_update().get(pk=citizen.pk)
    a = Assignment.objects.create(
        citizen=citizen,
        caseworker=to,
        previous=citizen.caseworker,
        started_on=started_on,
        reason=reason,
        created_by=user,
    )
    citizen.caseworker = to
    citizen.save(update_fields=["caseworker"])
    audit(
        user,
        None,
        "citizen.transfer",
        "citizen",
        citizen.citizen_id,
        f"{a.previous.caseworker_id if a.previous else '-'} -> {to.caseworker_id} from {started_on}",
    )
    return a


def transfer_refused(*, user, citizen: Citizen, errors) -> None:
    """Audit a rejected (400) transfer form: which fields were wrong."""
    detail = "refused: " + (", ".join(sorted(errors)) or "form")
    audit(user, None, "citizen.transfer", "citizen", citizen.citizen_id, detail)
