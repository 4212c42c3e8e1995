"""Single sign-on with OpenID Connect, on mozilla-django-oidc (authorization code flow + PKCE).

What BIP adds to the library:

- the provider's endpoints from its discovery document (``BIP_OIDC_ISSUER`` is enough);
- the ID token's ``iss`` and ``aud`` checked (the library checks signature, expiry and nonce);
- logins found by (issuer, subject) in :class:`~bip.web.signin.models.SsoIdentity`, never by
  user name or e-mail, and made or updated from the claims at every login (``claims.py``):
  role and jobcentre follow the provider, a caseworker gets a caseworker id;
- every failure audited as a failed login (``login.failed``, with the reason), the login and
  logout by the same signals as a password login (``core/signals.py``);
- logging out of BIP ends the provider's session too (RP-initiated logout), so the next login
  on that browser asks the provider for the credentials again.
"""

from __future__ import annotations

import threading
import uuid
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, resolve_url
from django.views import View
from mozilla_django_oidc import auth as oidc_auth
from mozilla_django_oidc import views as oidc_views
from mozilla_django_oidc.utils import import_from_settings

from bip.web.core import kiosk
from bip.web.core.audit import audit
from bip.web.core.models import Caseworker, Profile
from bip.web.signin.claims import ClaimError, map_claims
from bip.web.signin.models import SsoIdentity

BACKEND = "bip.web.signin.oidc.Backend"
_ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}
_discovered: dict[str, dict] = {}
_lock = threading.Lock()


def enabled() -> bool:
    """Single sign-on is configured (an issuer is set)."""
    return bool(getattr(settings, "BIP_OIDC_ISSUER", ""))


def discovery(issuer: str) -> dict:
    """The provider's ``/.well-known/openid-configuration``, fetched once per process."""
    with _lock:
        if issuer not in _discovered:
            url = issuer.rstrip("/") + "/.well-known/openid-configuration"
            try:
                r = requests.get(url, timeout=10)
                r.raise_for_status()
                doc = r.json()
            except (requests.RequestException, ValueError) as exc:
                raise ImproperlyConfigured(
                    f"BIP_OIDC_ISSUER: cannot read {url}: {exc.__class__.__name__}"
                ) from exc
            if doc.get("issuer", "").rstrip("/") != issuer.rstrip("/"):
                raise ImproperlyConfigured(f"BIP_OIDC_ISSUER: {url} names another issuer")
            _discovered[issuer] = doc
        return _discovered[issuer]


def oidc_setting(attr: str, *default):
    """A mozilla-django-oidc setting; the endpoints, unless set, from discovery."""
    if attr in _ENDPOINTS and not getattr(settings, attr, None):
        return discovery(settings.BIP_OIDC_ISSUER)[_ENDPOINTS[attr]]
    return import_from_settings(attr, *default)


def _address(request) -> str:
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


def audit_failure(request, who: str, reason: str) -> None:
    """A refused single sign-on, in the audit log as a failed login."""
    audit(
        who or "-",
        "-",
        "login.failed",
        "user",
        who or "",
        f"address {_address(request)}; single sign-on: {reason}"[:500],
    )


class Backend(oidc_auth.OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend with BIP's claim mapping and identity table."""

    get_settings = staticmethod(oidc_setting)
    # read when a login needs them, not when the backend is made: Django makes one at every
    # request of a logged-in user, which must not depend on the provider being reachable
    OIDC_OP_TOKEN_ENDPOINT = property(lambda self: oidc_setting("OIDC_OP_TOKEN_ENDPOINT"))
    OIDC_OP_USER_ENDPOINT = property(lambda self: oidc_setting("OIDC_OP_USER_ENDPOINT"))
    OIDC_OP_JWKS_ENDPOINT = property(lambda self: oidc_setting("OIDC_OP_JWKS_ENDPOINT"))

    def __init__(self, *args, **kwargs):
        self.UserModel = get_user_model()
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None  # the provider's keys come from its JWKS

    def authenticate(self, request, **kwargs):
        if not enabled() or request is None or "code" not in request.GET:
            return None  # the local login form asks every backend; this one only takes callbacks
        return super().authenticate(request, **kwargs)

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        aud = payload.get("aud")
        auds = aud if isinstance(aud, list) else [aud]
        if str(payload.get("iss", "")).rstrip("/") != settings.BIP_OIDC_ISSUER:
            raise SuspiciousOperation("ID token from another issuer")
        if self.OIDC_RP_CLIENT_ID not in auds:
            raise SuspiciousOperation("ID token for another client")
        return payload

    def get_or_create_user(self, access_token, id_token, payload):
        claims = {**self.get_userinfo(access_token, id_token, payload), **payload}
        request = self.request
        name = claims.get(settings.BIP_OIDC_USERNAME_CLAIM)
        who = name.strip()[:150] if isinstance(name, str) else ""
        try:
            mapped = map_claims(claims)
            user = self._login_for(str(claims["sub"]), mapped)
        except ClaimError as exc:
            request.bip_sso_failure = (who, str(exc))
            return None
        if not user.is_active:
            request.bip_sso_failure = (who, "the login is deactivated in BIP")
            return None
        request.bip_login_method = "single sign-on"
        return user

    @transaction.atomic
    def _login_for(self, subject: str, m) -> object:
        issuer = settings.BIP_OIDC_ISSUER
        User = get_user_model()
        ident = SsoIdentity.objects.select_related("user").filter(issuer=issuer, subject=subject)
        ident = ident.first()
        where = f" at {m.jobcenter.jobcenter_id}" if m.jobcenter else ""
        if ident is None:
            if User.objects.filter(username=m.username).exists():
                raise ClaimError(f"a login named {m.username!r} exists already in BIP")
            user = User.objects.create_user(
                m.username, email=m.email, first_name=m.first_name, last_name=m.last_name
            )
            user.set_unusable_password()  # never a local login: no password to guess
            user.save(update_fields=["password"])
            SsoIdentity.objects.create(issuer=issuer, subject=subject, user=user)
            Profile.objects.create(user=user, role=m.role, jobcenter=m.jobcenter)
            audit(
                user,
                m.role,
                "user.sso_create",
                "user",
                user.username,
                f"{m.role}{where}; from single sign-on",
                flagged=True,
            )
        else:
            user = ident.user
            profile = Profile.objects.get(user=user)
            before = f"{profile.role}{' at ' + profile.jobcenter.jobcenter_id if profile.jobcenter else ''}"
            changed = profile.role != m.role or profile.jobcenter_id != getattr(
                m.jobcenter, "pk", None
            )
            if changed:
                profile.role, profile.jobcenter = m.role, m.jobcenter
                profile.save(update_fields=["role", "jobcenter"])
                audit(
                    user,
                    m.role,
                    "user.sso_update",
                    "user",
                    user.username,
                    f"{before} -> {m.role}{where}; from single sign-on",
                    flagged=True,
                )
            fields = {"email": m.email, "first_name": m.first_name, "last_name": m.last_name}
            if any(getattr(user, k) != v for k, v in fields.items()):
                for k, v in fields.items():
                    setattr(user, k, v)
                user.save(update_fields=list(fields))
        if m.role == "caseworker":
            cw = Caseworker.objects.filter(user=user).first()
            if cw is not None and cw.jobcenter_id != m.jobcenter.pk:
                cw.user = None  # moved jobcentre: the old caseworker id stays with its citizens
                cw.save(update_fields=["user"])
                cw = None
            if cw is None:
                Caseworker.objects.create(
                    caseworker_id=f"cw-{uuid.uuid4().hex[:12]}", jobcenter=m.jobcenter, user=user
                )
        return user

    def get_user(self, user_id):
        users = get_user_model()._default_manager.select_related("profile__jobcenter", "caseworker")
        user = users.filter(pk=user_id).first()
        return user if user is not None and user.is_active else None


class LoginStart(oidc_views.OIDCAuthenticationRequestView):
    """``/oidc/login/``: off to the provider (404 when single sign-on is not configured)."""

    get_settings = staticmethod(oidc_setting)
    OIDC_OP_AUTH_ENDPOINT = property(lambda self: oidc_setting("OIDC_OP_AUTHORIZATION_ENDPOINT"))

    def __init__(self, *args, **kwargs):
        View.__init__(self, *args, **kwargs)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID

    def get_extra_params(self, request):
        # leaving the kiosk: the provider must ask for the credentials again, whatever its session
        return {"prompt": "login", "max_age": "0"} if kiosk.state(request) else {}

    def get(self, request):
        if not enabled():
            raise Http404
        try:
            return super().get(request)
        except ImproperlyConfigured as exc:  # the provider's discovery cannot be read
            audit_failure(request, "", str(exc)[:200])
            return HttpResponseRedirect(settings.LOGIN_REDIRECT_URL_FAILURE)


class Callback(oidc_views.OIDCAuthenticationCallbackView):
    """``/oidc/callback/``: the provider's answer; every refusal is audited."""

    get_settings = staticmethod(oidc_setting)

    def get(self, request):
        if not enabled():
            raise Http404
        self.reason = ""
        if request.GET.get("error"):
            self.reason = f"the provider answered {request.GET['error'][:60]}"
        try:
            return super().get(request)
        except (SuspiciousOperation, requests.RequestException, jwt.PyJWTError, KeyError) as exc:
            self.reason = f"{exc.__class__.__name__}: {str(exc)[:120]}"
            return self.login_failure()

    def login_success(self):
        state = kiosk.state(self.request)
        if state is None:
            return super().login_success()
        # the kiosk's exit: the same person must have logged in at the provider again
        current = self.request.user
        if current.is_authenticated and current.pk == self.user.pk:
            stop = kiosk.stop(self.request) or state
            if stop.get("saved"):
                return redirect("measurement_edit", measurement_id=stop["saved"], part="caseworker")
            return redirect("citizen", citizen_id=stop["citizen"])
        audit_failure(self.request, self.user.username, "kiosk exit by another login")
        return redirect("kiosk")

    def login_failure(self):
        if kiosk.state(self.request) is not None:
            who, reason = getattr(self.request, "bip_sso_failure", ("", ""))
            audit_failure(self.request, who, reason or self.reason or "kiosk exit refused")
            return redirect("kiosk")
        who, reason = getattr(self.request, "bip_sso_failure", ("", ""))
        audit_failure(self.request, who, reason or self.reason or "no login (state, code)")
        return super().login_failure()


def provider_logout_url(request) -> str:
    """Where the browser goes after BIP's logout (``OIDC_OP_LOGOUT_URL_METHOD``): for a session
    logged in by single sign-on, the provider's ``end_session_endpoint`` with the session's ID
    token as ``id_token_hint`` and BIP's login page as ``post_logout_redirect_uri``; else, or
    when the provider offers no such endpoint or cannot be reached, BIP's login page."""
    local = resolve_url(settings.LOGOUT_REDIRECT_URL)
    id_token = request.session.get("oidc_id_token")
    if not enabled() or not id_token or request.session.get(BACKEND_SESSION_KEY) != BACKEND:
        return local
    try:
        end = discovery(settings.BIP_OIDC_ISSUER).get("end_session_endpoint")
    except ImproperlyConfigured:
        end = None  # the provider is down: BIP's session ends all the same
    if not isinstance(end, str) or not end.startswith(("https://", "http://")):
        return local
    params = {
        "id_token_hint": id_token,
        "post_logout_redirect_uri": settings.BIP_OIDC_LOGOUT_REDIRECT
        or request.build_absolute_uri(local),
        "client_id": settings.OIDC_RP_CLIENT_ID,
    }
    return f"{end}{'&' if '?' in end else '?'}{urlencode(params)}"


class Logout(oidc_views.OIDCLogoutView):
    """``/logout/`` (POST) for every login: ends BIP's session (audited by the logout signal)
    and, for a single sign-on session, sends the browser on to end the provider's session."""

    get_settings = staticmethod(oidc_setting)
