"""Creating, revoking and checking API tokens; creation and revocation are audited.

A token reads ``bip_<prefix>_<secret>``. The database keeps the SHA-256 of the whole token:
the token is random (256 bits), so a fast hash is enough and a leaked database yields no
usable token (there is nothing to guess, unlike a password).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from bip.web.api import lookup
from bip.web.api.models import API_ROLE, SCOPES, ApiToken
from bip.web.core.audit import audit
from bip.web.core.models import Jobcenter, Profile

MAX_DAYS = 730  # a token lives at most two years; make a new one before it expires


class TokenError(ValueError):
    """A refused token request (one line for the command line or the page)."""


@dataclass(frozen=True)
class NewToken:
    """A token just made: ``secret`` is the only copy of the token and is shown once."""

    token: ApiToken
    secret: str


def digest(secret: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def token_create(
    *, actor: str, name: str, jobcenter_id: str, scopes: list[str], days: int = 365
) -> NewToken:
    """Make a token for the system ``name`` at one jobcentre with ``scopes``, valid ``days``.

    ``actor`` names who made it (the audit's user). Raises :class:`TokenError`; then
    nothing is written.
    """
    name = name.strip()
    if not name or len(name) > 60 or not all(c.isalnum() or c in "-_." for c in name):
        raise TokenError(f"{name!r}: a name is 1-60 letters, digits, '-', '_' or '.'")
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        what = f"unknown scope {', '.join(unknown)}" if unknown else "give at least one scope"
        raise TokenError(f"{what} (scopes: {', '.join(SCOPES)})")
    if not 1 <= days <= MAX_DAYS:
        raise TokenError(f"--days must be 1-{MAX_DAYS}, not {days}")
    jc = Jobcenter.objects.filter(jobcenter_id=jobcenter_id).first()
    if jc is None:
        raise TokenError(f"no jobcentre {jobcenter_id!r}")
    if ApiToken.objects.filter(name=name).exists():
        raise TokenError(f"a token named {name!r} exists (revoked tokens keep their name)")
    prefix = secrets.token_hex(4)
    secret = f"bip_{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        # a user that cannot log in (no usable password; the role is no login role): the
        # system's writes are attributed to it, as a person's are to their login
        user = get_user_model().objects.create_user(f"api:{name}", password=None)
        Profile.objects.create(user=user, role=API_ROLE, jobcenter=jc)
        token = ApiToken.objects.create(
            name=name,
            user=user,
            jobcenter=jc,
            scopes=sorted(set(scopes)),
            prefix=prefix,
            secret_sha256=digest(secret),
            created_by=actor[:150],
            expires_at=timezone.now() + dt.timedelta(days=days),
        )
        detail = f"at {jc.jobcenter_id}, scopes {' '.join(token.scopes)}, {days} days"
        audit(actor, "admin", "apitoken.create", "apitoken", name, detail, flagged=True)
    return NewToken(token, secret)


def token_revoke(*, actor: str, name: str) -> ApiToken:
    """Revoke the token ``name`` at once (calls with it are refused from now on)."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(name=name).first()
        if token is None:
            raise TokenError(f"no token named {name!r}")
        if token.revoked_at is not None:
            raise TokenError(f"the token {name!r} was revoked already")
        token.revoked_at = timezone.now()
        token.revoked_by = actor[:150]
        token.save(update_fields=["revoked_at", "revoked_by"])
        audit(actor, "admin", "apitoken.revoke", "apitoken", name, "", flagged=True)
    return token


def tokens() -> list[ApiToken]:
    """Every token, by name (never its secret: only the hash is kept)."""
    return list(ApiToken.objects.select_related("jobcenter").order_by("name"))


def check(secret: str) -> tuple[ApiToken | None, str]:
    """The token for ``secret`` if it may be used now, else None and why not (for the audit)."""
    token = lookup.token_by_digest(digest(secret))
    if token is None:
        return None, "unknown token"
    state = token.state()
    if state != "active" or not token.user.is_active:
        return None, f"{state if state != 'active' else 'deactivated'} token {token.name}"
    return token, ""
