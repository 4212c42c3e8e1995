"""Django settings for the BIP measurement tool. Production-safe by default.

Everything secret or site-specific comes from the environment:

- ``BIP_SECRET_KEY`` (required unless ``BIP_DEBUG=1``), ``BIP_HMAC_KEY`` / ``BIP_HMAC_KEY_FILE``
- ``DATABASE_URL`` (default: SQLite file ``bip.sqlite3`` in ``BIP_DATA_DIR``; ``postgres://``
  uses psycopg 3)
- ``BIP_DATA_DIR`` (default ``./bip-data``), ``BIP_ALLOWED_HOSTS`` (comma-separated),
  ``BIP_HTTPS=1`` when served behind HTTPS (Secure cookies, HSTS, redirect).
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def _flag(name: str, default: str = "0") -> bool:
    return os.environ.get(name, default).strip().lower() in ("1", "true", "yes", "on")


DATA_DIR = Path(os.environ.get("BIP_DATA_DIR", "bip-data")).resolve()
DEBUG = _flag("BIP_DEBUG")
HTTPS = _flag("BIP_HTTPS")

SECRET_KEY = os.environ.get("BIP_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("set BIP_SECRET_KEY (bip serve --demo generates one for you)")
    SECRET_KEY = "insecure-debug-only-key"

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("BIP_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "bip.web.core.apps.CoreConfig",
    "bip.web.insight",
    "ninja",  # the API's docs page serves its script and styles from here, not from a CDN
    "bip.web.api.apps.ApiConfig",
    "bip.web.lifecycle.apps.LifecycleConfig",
    # two-factor login (TOTP, recovery codes) and single sign-on (bip/web/signin/)
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "bip.web.signin.apps.SigninConfig",
]

MIDDLEWARE = [
    "bip.web.core.middleware.ServerTiming",
    "django.middleware.security.SecurityMiddleware",
    "bip.web.core.middleware.ContentSecurityPolicy",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # idle timeout, absolute lifetime, first-login password change (core/session.py)
    "bip.web.core.session.SessionTimeout",
    # administrators and analysts logged in with a password must have passed the second factor
    "bip.web.signin.middleware.SecondFactorRequired",
    # a session on the citizen's kiosk screen reaches the kiosk pages only (core/kiosk.py)
    "bip.web.core.kiosk.KioskMiddleware",
]

ROOT_URLCONF = "bip.web.urls"
WSGI_APPLICATION = "bip.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "bip.web.core.access.role_context",
                "bip.web.signin.context.signin",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'bip.sqlite3'}",
        conn_max_age=int(os.environ.get("BIP_CONN_MAX_AGE", "60")),
    )
}
# One transaction per request: a write and its audit entry are committed together or not at all.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# on PostgreSQL the test database is test_<database>, so parallel test runs against different
# databases of one server never share one
DATABASES["default"].setdefault("TEST", {})["NAME"] = os.environ.get("BIP_TEST_DB_NAME") or (
    f"test_{DATABASES['default']['NAME']}"
    if DATABASES["default"]["ENGINE"].endswith("postgresql")
    else None
)
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Django's ModelBackend, with the role and caseworker link loaded in the same query as the user.
AUTHENTICATION_BACKENDS = ["bip.web.core.auth.Backend"]

# Two-factor login (bip/web/signin/twofactor.py): these roles need a TOTP code (or a recovery
# code) after the password. Logins through single sign-on leave the second factor to the
# identity provider.
BIP_SECOND_FACTOR_ROLES = ("admin", "analyst")
OTP_TOTP_ISSUER = os.environ.get("BIP_TOTP_ISSUER", "BIP")
BIP_RECOVERY_CODES = 10
# Wrong codes count towards the login lock of the user name (core/throttle.py: 5 per 15 minutes,
# audited); django-otp's own per-device back-off on top would only delay the right code.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0

# Single sign-on with OpenID Connect (bip/web/signin/oidc.py, README "Single sign-on"): on when
# BIP_OIDC_ISSUER is set. Endpoints come from the issuer's discovery document.
BIP_OIDC_ISSUER = os.environ.get("BIP_OIDC_ISSUER", "").rstrip("/")
if BIP_OIDC_ISSUER:
    AUTHENTICATION_BACKENDS.append("bip.web.signin.oidc.Backend")
OIDC_RP_CLIENT_ID = os.environ.get("BIP_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("BIP_OIDC_CLIENT_SECRET", "")
OIDC_RP_SCOPES = os.environ.get("BIP_OIDC_SCOPES", "openid profile email")
OIDC_RP_SIGN_ALGO = os.environ.get("BIP_OIDC_SIGN_ALGO", "RS256")
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_callback"
LOGIN_REDIRECT_URL_FAILURE = "/login/?sso=failed"
# Logging out of BIP ends the provider's session too (RP-initiated logout): the ID token is kept
# in the session as the logout's id_token_hint, and the provider sends the browser back to
# BIP_OIDC_LOGOUT_REDIRECT (default: this site's login page), which must be registered at the
# provider as a post-logout redirect URI.
OIDC_STORE_ID_TOKEN = True
OIDC_OP_LOGOUT_URL_METHOD = "bip.web.signin.oidc.provider_logout_url"
BIP_OIDC_LOGOUT_REDIRECT = os.environ.get("BIP_OIDC_LOGOUT_REDIRECT", "")
# The claims mapped to a login (bip/web/signin/claims.py): user name, name, role, jobcentre.
BIP_OIDC_USERNAME_CLAIM = os.environ.get("BIP_OIDC_USERNAME_CLAIM", "preferred_username")
BIP_OIDC_ROLE_CLAIM = os.environ.get("BIP_OIDC_ROLE_CLAIM", "roles")
# claim value=role, comma-separated; a login whose values map to no role, or to two, is refused
BIP_OIDC_ROLE_MAP = os.environ.get(
    "BIP_OIDC_ROLE_MAP",
    "bip-caseworker=caseworker,bip-manager=manager,bip-analyst=analyst,bip-admin=admin",
)
BIP_OIDC_JOBCENTRE_CLAIM = os.environ.get("BIP_OIDC_JOBCENTRE_CLAIM", "jobcentre")
# claim value=jobcentre id, comma-separated; empty: the claim's value is the jobcentre id
BIP_OIDC_JOBCENTRE_MAP = os.environ.get("BIP_OIDC_JOBCENTRE_MAP", "")
# the button on the login page
BIP_OIDC_LABEL = os.environ.get("BIP_OIDC_LABEL", "")

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Login throttling (core/throttle.py): this many failed logins for a user name lock it this long.
BIP_LOGIN_MAX_FAILURES = int(os.environ.get("BIP_LOGIN_MAX_FAILURES", "5"))
BIP_LOGIN_LOCK_SECONDS = int(os.environ.get("BIP_LOGIN_LOCK_SECONDS", "900"))
# CPR look-ups per caseworker and hour (core/services/citizens.py)
BIP_CPR_LOOKUPS_PER_HOUR = int(os.environ.get("BIP_CPR_LOOKUPS_PER_HOUR", "30"))
# API calls refused for want of a valid token, audited per client address and minute; beyond
# this they are answered 429 and not audited (bip/web/api/api.py)
BIP_API_DENIED_PER_MINUTE = int(os.environ.get("BIP_API_DENIED_PER_MINUTE", "60"))
# A session unused this long ends (core/session.py); SESSION_COOKIE_AGE is the absolute lifetime.
BIP_SESSION_IDLE_SECONDS = 60 * int(os.environ.get("BIP_SESSION_IDLE_MINUTES", "30"))
# Shared by all server processes (bip serve --workers): a cache in the database, not in memory.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "bip_cache"}
}

LANGUAGE_CODE = "da"
LANGUAGES = [("da", "Dansk"), ("en", "English")]
# core/locale holds the Danish catalogue and its compiled .mo, committed (scripts/i18n.sh)
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = os.environ.get("BIP_STATIC_ROOT") or None  # only needed for collectstatic
WHITENOISE_USE_FINDERS = True  # serve app static files without a collectstatic step
# files browsers ask for at the site's root (/favicon.ico), served by WhiteNoise
WHITENOISE_ROOT = str(Path(__file__).resolve().parent / "core" / "root")

# Security headers and cookies (checked by tests/web/test_security.py).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 3600  # absolute: 8 hours after the login (core/session.py)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
if _flag("BIP_BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
BIP_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

# Django's request log names the path of every 4xx/5xx answer; paths hold citizen pseudonyms,
# so they are logged as route patterns (bip/web/logfilter.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_paths": {"()": "bip.web.logfilter.RedactPaths"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    # a filter on the logger itself changes the record before any handler (or test) sees it
    "loggers": {
        name: {"filters": ["redact_paths"]}
        for name in ("django.request", "django.server", "django.security")
    },
    "root": {"handlers": ["console"], "level": os.environ.get("BIP_LOG_LEVEL", "WARNING")},
}
