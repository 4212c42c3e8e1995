"""From an identity provider's claims to a BIP login: user name, name, role and jobcentre.

The mapping is configured in settings (from the environment, README "Single sign-on"):

- ``BIP_OIDC_USERNAME_CLAIM`` (default ``preferred_username``): the user name shown and audited;
- ``BIP_OIDC_ROLE_CLAIM`` (default ``roles``): a string or a list of strings, mapped to BIP roles
  by ``BIP_OIDC_ROLE_MAP`` (``value=role,value=role``); exactly one role must result;
- ``BIP_OIDC_JOBCENTRE_CLAIM`` (default ``jobcentre``): for caseworkers and managers, mapped
  by ``BIP_OIDC_JOBCENTRE_MAP`` (``value=JC101,...``) or, when that is empty, taken as the
  jobcentre id itself; the jobcentre must exist in BIP.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from bip.web.core.models import Jobcenter, Role

NEEDS_JOBCENTRE = (Role.CASEWORKER, Role.MANAGER)


class ClaimError(Exception):
    """The claims do not make a BIP login; the message says why (audited, shown in general)."""


@dataclass(frozen=True)
class Mapped:
    username: str
    first_name: str
    last_name: str
    email: str
    role: str
    jobcenter: Jobcenter | None


def parse_map(text: str, what: str) -> dict[str, str]:
    """``"a=b, c=d"`` as a dict; a malformed entry is a configuration error naming the setting."""
    out: dict[str, str] = {}
    for part in text.split(","):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        if not sep or not key.strip() or not value.strip():
            from django.core.exceptions import ImproperlyConfigured

            raise ImproperlyConfigured(f"{what}: entry {part.strip()!r} is not value=target")
        out[key.strip()] = value.strip()
    return out


def _values(claim) -> list[str]:
    if claim is None:
        return []
    if isinstance(claim, str):
        return [claim]
    if isinstance(claim, list | tuple):
        return [str(v) for v in claim if isinstance(v, str | int)]
    return []


def role_map() -> dict[str, str]:
    """``BIP_OIDC_ROLE_MAP`` checked: every target is a BIP role."""
    mapping = parse_map(settings.BIP_OIDC_ROLE_MAP, "BIP_OIDC_ROLE_MAP")
    bad = {r for r in mapping.values() if r not in Role.values}
    if bad:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            f"BIP_OIDC_ROLE_MAP: unknown role {sorted(bad)[0]!r} (roles: {', '.join(Role.values)})"
        )
    return mapping


def check_config() -> None:
    """Refuse to start with a malformed mapping (called when the app is ready)."""
    if not settings.OIDC_RP_CLIENT_ID:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("BIP_OIDC_ISSUER is set: set BIP_OIDC_CLIENT_ID too")
    role_map()
    parse_map(settings.BIP_OIDC_JOBCENTRE_MAP, "BIP_OIDC_JOBCENTRE_MAP")


def role_from(claims: dict) -> str:
    name = settings.BIP_OIDC_ROLE_CLAIM
    mapping = role_map()
    roles = {mapping[v] for v in _values(claims.get(name)) if v in mapping}
    if not roles:
        raise ClaimError(f"claim {name!r} maps to no BIP role")
    if len(roles) > 1:
        raise ClaimError(f"claim {name!r} maps to several roles: {', '.join(sorted(roles))}")
    return roles.pop()


def jobcenter_from(claims: dict, role: str) -> Jobcenter | None:
    if role not in NEEDS_JOBCENTRE:
        return None
    name = settings.BIP_OIDC_JOBCENTRE_CLAIM
    values = _values(claims.get(name))
    if len(values) != 1:
        raise ClaimError(f"claim {name!r} must name one jobcentre for the role {role}")
    mapping = parse_map(settings.BIP_OIDC_JOBCENTRE_MAP, "BIP_OIDC_JOBCENTRE_MAP")
    jobcenter_id = mapping.get(values[0], values[0]) if mapping else values[0]
    if mapping and values[0] not in mapping:
        raise ClaimError(f"claim {name!r}: {values[0][:64]!r} is not in BIP_OIDC_JOBCENTRE_MAP")
    jc = Jobcenter.objects.filter(jobcenter_id=jobcenter_id).first()
    if jc is None:
        raise ClaimError(f"claim {name!r}: no jobcentre {jobcenter_id[:64]!r} in BIP")
    return jc


def map_claims(claims: dict) -> Mapped:
    """The login the claims describe; raises :class:`ClaimError` when they describe none."""
    name = settings.BIP_OIDC_USERNAME_CLAIM
    username = claims.get(name)
    if not isinstance(username, str) or not username.strip():
        raise ClaimError(f"claim {name!r} is missing")
    username = username.strip()
    if len(username) > 150:
        raise ClaimError(f"claim {name!r} is longer than 150 characters")
    role = role_from(claims)
    jc = jobcenter_from(claims, role)
    first = claims.get("given_name") or ""
    last = claims.get("family_name") or ""
    if not (first or last) and isinstance(claims.get("name"), str):
        first, _sep, last = claims["name"].partition(" ")
    email = claims.get("email") if isinstance(claims.get("email"), str) else ""
    return Mapped(username, str(first)[:150], str(last)[:150], email or "", role, jc)
