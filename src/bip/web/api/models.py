"""API tokens: one per connected system, scoped to one jobcentre and a set of scopes.

Only the SHA-256 of the token's secret is stored: the secret itself is shown once, when the
administrator creates the token (``bip api-token create``), and cannot be read back.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from bip.web.api.scopes import API_ROLE, SCOPES
from bip.web.core.models import Jobcenter

__all__ = ["API_ROLE", "SCOPES", "ApiToken"]


class ApiToken(models.Model):
    """A connected system's credential. ``user`` is the system's own login-less user (name
    ``api:<name>``), so every write and audit entry names the system like a person's login."""

    name = models.CharField(max_length=60, unique=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_token"
    )
    jobcenter = models.ForeignKey(Jobcenter, on_delete=models.PROTECT, related_name="+")
    scopes = models.JSONField(default=list)
    prefix = models.CharField(max_length=12)  # shown in lists, to tell tokens apart
    secret_sha256 = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=150)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def state(self, now=None) -> str:
        """ "active", "expired" or "revoked"."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= (now or timezone.now()):
            return "expired"
        return "active"
