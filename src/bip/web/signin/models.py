"""Which identity-provider subject a login belongs to."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class SsoIdentity(models.Model):
    """A login made by single sign-on: the provider's issuer and subject (``iss``, ``sub``).

    Logins are found by these, never by user name or e-mail, so a provider cannot take over a
    local login by sending its user name.
    """

    issuer = models.CharField(max_length=300)
    subject = models.CharField(max_length=255)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_identity"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="sso_issuer_subject")
        ]

    def __str__(self) -> str:
        return f"{self.subject} at {self.issuer}"
