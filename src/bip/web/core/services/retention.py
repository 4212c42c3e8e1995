"""Retention: erase the citizens with no contact for a set period (the data's lifecycle).

A citizen's last contact is the newest of their enrolment, their measurements and their
caseworker periods. A citizen whose last contact is older than the period is erased whole:
their measurements (the answers), their caseworker periods and the citizen row, which holds
the pseudonym that links them to the CPR number and to register data. The tool stores no
citizen names. The audit log keeps, per jobcentre, that an erasure happened and how many
rows it removed, never a pseudonym (its older entries, append-only, keep theirs: see
docs/privacy.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max, QuerySet
from django.db.models.functions import Coalesce, Greatest

from bip.web.core.audit import audit
from bip.web.core.models import Assignment, Citizen, Measurement


@dataclass(frozen=True)
class Erasable:
    """What retention would erase (or erased) at one jobcentre."""

    jobcenter_id: str
    citizens: int
    measurements: int
    assignments: int


def cutoff_for(months: int, today: dt.date | None = None) -> dt.date:
    """The day before which a last contact is too old: ``months`` months before ``today``."""
    today = today or dt.date.today()
    y, m = divmod(today.month - 1 - months, 12)
    year, month = today.year + y, m + 1
    for day in (today.day, 30, 29, 28):  # 31 March minus one month is 28/29 February
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def expired_citizens(cutoff: dt.date) -> QuerySet[Citizen]:
    """Citizens whose last contact (enrolment, measurement, caseworker period) is before
    ``cutoff``. A citizen without any date (imported without an enrolment date, never
    measured) has no known last contact and is kept."""
    old = dt.date(1900, 1, 1)
    last = Greatest(
        Coalesce("enrolled_on", old),
        Coalesce(Max("measurements__measured_on"), old),
        Coalesce(Max("assignments__started_on"), old),
    )
    return Citizen.objects.annotate(last_contact=last).filter(
        last_contact__lt=cutoff, last_contact__gt=old
    )


def retention_plan(*, cutoff: dt.date) -> list[Erasable]:
    """Per jobcentre, how many citizens, measurements and caseworker periods retention would
    erase now (changes nothing)."""
    ids = list(expired_citizens(cutoff).values_list("pk", flat=True))
    return _count(ids)


def _count(ids: list[int]) -> list[Erasable]:
    out = []
    by_jc: dict[str, list[int]] = {}
    for pk, jc in Citizen.objects.filter(pk__in=ids).values_list("pk", "jobcenter__jobcenter_id"):
        by_jc.setdefault(jc, []).append(pk)
    for jc in sorted(by_jc):
        pks = by_jc[jc]
        out.append(
            Erasable(
                jc,
                len(pks),
                Measurement.objects.filter(citizen__in=pks).count(),
                Assignment.objects.filter(citizen__in=pks).count(),
            )
        )
    return out


def erase_citizens(ids: list[int]) -> list[Erasable]:
    """Delete the citizens ``ids`` with their measurements and caseworker periods (inside the
    caller's transaction); returns what was deleted, per jobcentre."""
    done = _count(ids)
    Measurement.objects.filter(citizen__in=ids).delete()
    Assignment.objects.filter(citizen__in=ids).delete()
    Citizen.objects.filter(pk__in=ids).delete()
    return done


@transaction.atomic
def retention_apply(*, cutoff: dt.date, actor: str, months: int) -> list[Erasable]:
    """Erase every citizen whose last contact is before ``cutoff``, all or nothing, and write
    one audit entry per jobcentre (counts only). Returns what was erased."""
    ids = list(expired_citizens(cutoff).values_list("pk", flat=True))
    # lock them, then look again: a measurement saved meanwhile is a contact, and keeps them
    list(Citizen.objects.filter(pk__in=ids).select_for_update().values_list("pk", flat=True))
    ids = list(expired_citizens(cutoff).filter(pk__in=ids).values_list("pk", flat=True))
    done = erase_citizens(ids)
    for e in done:
        detail = (
            f"{e.citizens} citizens, {e.measurements} measurements, {e.assignments} caseworker "
            f"periods erased: no contact since before {cutoff} ({months} months)"
        )
        audit(actor, "admin", "retention.erase", "jobcenter", e.jobcenter_id, detail, flagged=True)
    return done
