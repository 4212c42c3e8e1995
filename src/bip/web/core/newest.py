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

from django.db.models.signals import post_save
from django.dispatch import receiver

from bip.instrument import S1_OPTIONS, combination_code

# citizens refreshed per query: well under SQLite's limit of bound parameters
BATCH = 900
_S1 = [f"S1_{n}" for n in S1_OPTIONS]


def refresh_newest(citizen_pks: Iterable[int], *, models: tuple | None = None) -> None:
    """Set ``last_measured_on`` / ``last_josh`` of the citizens ``citizen_pks`` from their
    measurements (newest by date, then id; NULL for a citizen without any).

    Per :data:`BATCH` citizens: one query for their measurements' dates and S1 ticks, newest
    first; the code is ``combination_code`` of the newest one's ticks, in Python. (A database
    ``CASE`` over the ticks cost about 1 s of CPU per saved measurement to build: Django inlines
    the tick expression into each branch; ``bench/profile_api_create.py``.) Call it inside the
    transaction that changed the measurements, after locking the citizen rows where two writers
    could race (the measurement services do). ``models`` = (Citizen, Measurement): the
    migration's historical models.
    """
    from bip.web.core import models as current

    Citizen, Measurement = models or (current.Citizen, current.Measurement)
    pks = sorted(set(citizen_pks))
    for i in range(0, len(pks), BATCH):
        batch = pks[i : i + BATCH]
        newest: dict[int, tuple] = {}
        rows = (
            Measurement.objects.filter(citizen__in=batch)
            .order_by("citizen", "-measured_on", "-id")
            .values_list("citizen", "measured_on", *_S1)
        )
        for citizen, day, *ticks in rows.iterator(chunk_size=2000):
            if citizen not in newest:
                code = combination_code(n for n, v in zip(S1_OPTIONS, ticks, strict=True) if v)
                newest[citizen] = (day, code)
        if len(batch) == 1:  # one save: a plain UPDATE, not bulk_update's CASE
            day, code = newest.get(batch[0], (None, None))
            Citizen.objects.filter(pk=batch[0]).update(last_measured_on=day, last_josh=code)
            continue
        citizens = list(Citizen.objects.filter(pk__in=batch).only("pk"))
        for c in citizens:
            c.last_measured_on, c.last_josh = newest.get(c.pk, (None, None))
        Citizen.objects.bulk_update(citizens, ["last_measured_on", "last_josh"], batch_size=BATCH)


@receiver(post_save, sender="core.Measurement", dispatch_uid="bip-newest-measurement")
def _measurement_saved(sender, instance, created, **kwargs) -> None:
    if not created:
        refresh_newest([instance.citizen_id])
        return
    # A new row has the largest id, so it is the newest unless an older-dated one is newer:
    # one conditional UPDATE, no read (this runs in every save of the forms and the API).
    from django.db.models import Q

    from bip.web.core.models import Citizen

    ticks = (n for n in S1_OPTIONS if getattr(instance, f"S1_{n}"))
    day = instance.measured_on
    Citizen.objects.filter(
        Q(last_measured_on__isnull=True) | Q(last_measured_on__lte=day), pk=instance.citizen_id
    ).update(last_measured_on=day, last_josh=combination_code(ticks))
