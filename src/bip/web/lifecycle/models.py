"""Erasure requests: one user asks, a second user of the jobcentre confirms, then it happens."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from bip.web.core.models import Jobcenter


class ErasureRequest(models.Model):
    """A citizen's request to be erased. ``citizen_id`` is emptied when the erasure is done,
    so the request keeps that it happened, not whom it concerned."""

    PENDING, DONE, WITHDRAWN = "pending", "done", "withdrawn"

    citizen_id = models.CharField(max_length=64, blank=True, db_index=True)
    jobcenter = models.ForeignKey(Jobcenter, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=200, blank=True)
    state = models.CharField(max_length=10, default=PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
