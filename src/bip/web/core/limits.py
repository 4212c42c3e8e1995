"""Counters in the database for login throttling and CPR look-up limits.

A counter row is locked (``SELECT ... FOR UPDATE``) for the rest of the transaction, so of two
parallel requests for the same key the second waits until the first has counted and committed:
no request can slip past a limit however many arrive at once. On SQLite every write transaction
is already one at a time (``BEGIN IMMEDIATE``, see settings).
"""

from __future__ import annotations

import datetime as dt
import math

from django.db import transaction
from django.utils import timezone

from bip.web.core.models import RateCounter


def locked_counter(key: str) -> RateCounter:
    """The counter for ``key``, created if missing, locked until the transaction ends.

    Must be called inside ``transaction.atomic``.
    """
    now = timezone.now()
    # INSERT ... ON CONFLICT DO NOTHING: a parallel creator of the same row is waited for
    RateCounter.objects.bulk_create(
        [RateCounter(key=key, count=0, window_start=now)], ignore_conflicts=True
    )
    return RateCounter.objects.select_for_update().get(key=key)


def seconds_left(until: dt.datetime | None) -> int:
    """Whole seconds until ``until`` (0 if it is past or None)."""
    if until is None:
        return 0
    return max(0, math.ceil((until - timezone.now()).total_seconds()))


@transaction.atomic
def hit(key: str, *, limit: int, window_s: int) -> int:
    """Count one use of ``key`` in a fixed window; returns 0 if allowed, else seconds to wait.

    A refused use is not counted. The window starts with the first use after the last one ended.
    """
    c = locked_counter(key)
    now = timezone.now()
    if now >= c.window_start + dt.timedelta(seconds=window_s):
        c.window_start, c.count = now, 0
    if c.count >= limit:
        return max(1, seconds_left(c.window_start + dt.timedelta(seconds=window_s)))
    c.count += 1
    c.save(update_fields=["count", "window_start"])
    return 0
