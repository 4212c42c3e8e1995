"""Each citizen's newest measurement (its date and JOSH code), kept on the citizen row.

The caseload sorts, filters and counts a whole jobcentre by the newest measurement; reading it
from ``Citizen.last_measured_on`` / ``Citizen.last_josh`` makes that a scan of the citizen rows
instead of an aggregate over every measurement (docs/web.md, "The caseload").

Whatever writes measurements keeps the two fields right by calling :func:`refresh_newest` for
the citizens it touched, in the same transaction: ``Measurement.save()`` does it through the
``post_save`` receiver below (the measurement services, the demo, a test fixture); the paths
that bypass ``save()`` call it themselves: a correction (``QuerySet.update``), the dataset
import (``bulk_create``). Erasure and retention delete the citizen row with its measurements.
A new path that deletes single measurements must call it too; ``tests/web/test_newest.py``
compares the stored fields with a fresh aggregate after every path.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import (
    Case,
    CharField,
    F,
    OuterRef,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.db.models.signals import post_save
from django.dispatch import receiver

from bip.instrument import GROUPS, NO_ACTIVITY_OPTION, S1_GROUP, combination_code

# citizens refreshed per UPDATE: well under SQLite's limit of bound parameters
BATCH = 900


def josh_bits():
    """The JOSH code of a measurement row as a database expression: a number 0-31.

    Bit ``8 >> i`` is set when an option of group ``GROUPS[i]`` is ticked, bit 16 when "no
    activities" is; :data:`JOSH_OF_BITS` turns it into the code.
    """
    terms = []
    for i, group in enumerate(GROUPS):
        ticks = [Coalesce(F(f"S1_{n}"), 0) for n, g in S1_GROUP.items() if g == group]
        terms.append((Greatest(*ticks) if len(ticks) > 1 else ticks[0]) * (8 >> i))
    terms.append(Coalesce(F(f"S1_{NO_ACTIVITY_OPTION}"), 0) * 16)
    return sum(terms[1:], terms[0])


def _josh_table() -> dict[int, str | None]:
    """Every value of :func:`josh_bits` -> its code, through ``combination_code`` itself."""
    first = {g: min(n for n, grp in S1_GROUP.items() if grp == g) for g in GROUPS}
    table = {}
    for bits in range(32):
        ticked = [first[g] for i, g in enumerate(GROUPS) if bits & (8 >> i)]
        table[bits] = combination_code(ticked + ([NO_ACTIVITY_OPTION] if bits & 16 else []))
    return table


JOSH_OF_BITS = _josh_table()


def josh_code():
    """The JOSH code of a measurement row as a database expression (NULL when unknown)."""
    return Case(
        *(When(bits=b, then=Value(code)) for b, code in JOSH_OF_BITS.items() if code),
        default=None,
        output_field=CharField(),
    )


def refresh_newest(citizen_pks: Iterable[int]) -> None:
    """Set ``last_measured_on`` / ``last_josh`` of the citizens ``citizen_pks`` from their
    measurements (newest by date, then id; NULL for a citizen without any).

    One UPDATE per :data:`BATCH` citizens, each field a correlated subquery on the
    (citizen, measured_on) index. Call it inside the transaction that changed the measurements,
    after locking the citizen rows where two writers could race (the measurement services do).
    """
    from bip.web.core.models import Citizen, Measurement

    newest = (
        Measurement.objects.filter(citizen=OuterRef("pk"))
        .order_by("-measured_on", "-id")
        .annotate(bits=josh_bits())
        .annotate(code=josh_code())
    )
    pks = sorted(set(citizen_pks))
    for i in range(0, len(pks), BATCH):
        Citizen.objects.filter(pk__in=pks[i : i + BATCH]).update(
            last_measured_on=Subquery(newest.values("measured_on")[:1]),
            last_josh=Subquery(newest.values("code")[:1]),
        )


@receiver(post_save, sender="core.Measurement", dispatch_uid="bip-newest-measurement")
def _measurement_saved(sender, instance, **kwargs) -> None:
    refresh_newest([instance.citizen_id])
