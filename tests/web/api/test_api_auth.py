"""API tokens: stored hashed, scoped, expiring, revocable; every refusal audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


def _last(action: str):
    from bip.web.core.models import AuditLog

    return AuditLog.objects.filter(action=action).order_by("-seq").first()


def test_the_secret_is_stored_only_as_its_hash(make_token):
    from bip.web.api.models import ApiToken
    from bip.web.api.tokens import digest

    secret = make_token("caseload:read", name="kmd")
    token = ApiToken.objects.get(name="kmd")
    assert token.secret_sha256 == digest(secret) != secret
    stored = [str(v) for v in ApiToken.objects.values_list().get(pk=token.pk)]
    assert not any(secret in v or secret[-20:] in v for v in stored)
    made = _last("apitoken.create")
    assert made.object_id == "kmd" and made.flagged and secret not in made.detail
    assert token.user.username == "api:kmd" and not token.user.has_usable_password()


@pytest.mark.parametrize("header", [None, "Bearer nonsense", "Basic abc"])
def test_no_or_unknown_token_is_401_and_audited(client, header, world):
    headers = {"Authorization": header} if header else {}
    r = client.get("/api/v1/citizens", headers=headers)
    assert r.status_code == 401
    assert r["WWW-Authenticate"].startswith("Bearer")
    (err,) = r.json()["errors"]
    assert err["field"] is None and "token" in err["reason"]
    entry = _last("api.denied")
    assert entry.flagged and "/api/v1/citizens" in entry.detail


def test_expired_and_revoked_tokens_are_refused(api, make_token):
    from bip.web.api.models import ApiToken
    from bip.web.api.tokens import token_revoke

    assert api.get("/citizens").status_code == 200
    token = ApiToken.objects.get(secret_sha256__isnull=False, name__startswith="system")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    r = api.get("/citizens")
    assert r.status_code == 401 and "expired token" in r.json()["errors"][0]["reason"]
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() + dt.timedelta(days=1))
    assert api.get("/citizens").status_code == 200
    token_revoke(actor="cli:test", name=token.name)
    r = api.get("/citizens")
    assert r.status_code == 401 and "revoked token" in r.json()["errors"][0]["reason"]
    assert _last("apitoken.revoke").object_id == token.name


def test_a_deactivated_system_user_is_refused(api):
    from bip.web.api.models import ApiToken

    token = ApiToken.objects.get()
    token.user.is_active = False
    token.user.save()
    assert api.get("/citizens").status_code == 401


@pytest.mark.parametrize(
    ("method", "path", "scope"),
    [
        ("get", "/citizens", "caseload:read"),
        ("post", "/citizens/{cid}/measurements", "measurements:write"),
        ("post", "/citizens/{cid}/transfers", "transfers:write"),
        ("get", "/exports/dataset.zip", "exports:read"),
    ],
)
def test_a_missing_scope_is_403_and_audited(api, world, method, path, scope):
    from bip.web.api.scopes import SCOPES

    others = [s for s in SCOPES if s != scope]
    caller = api.with_scopes(*others)
    url = path.format(cid=world.citizens["A"].citizen_id)
    r = caller.get(url) if method == "get" else caller.post(url, {})
    assert r.status_code == 403, r.content
    assert scope in r.json()["errors"][0]["reason"]
    entry = _last("access.denied")
    assert entry.role == "api" and entry.username.startswith("api:") and scope in entry.detail
    # with the scope the same call is not refused for want of it
    ok = api.with_scopes(scope)
    r = ok.get(url) if method == "get" else ok.post(url, {})
    assert r.status_code != 403


def test_token_requests_are_refused_with_one_line(world):
    from bip.web.api.tokens import TokenError, token_create

    cases = [
        ({"name": "bad name!"}, "a name is"),
        ({"scopes": ["everything"]}, "unknown scope everything"),
        ({"scopes": []}, "at least one scope"),
        ({"days": 0}, "--days must be"),
        ({"jobcenter_id": "nowhere"}, "no jobcentre"),
    ]
    for change, says in cases:
        args = {"name": "ok", "jobcenter_id": "JCA", "scopes": ["caseload:read"], "days": 5}
        with pytest.raises(TokenError, match=says):
            token_create(actor="cli:test", **{**args, **change})
    token_create(actor="cli:test", name="ok", jobcenter_id="JCA", scopes=["caseload:read"])
    with pytest.raises(TokenError, match="exists"):
        token_create(actor="cli:test", name="ok", jobcenter_id="JCA", scopes=["caseload:read"])


def test_the_system_user_reaches_no_web_page(client, make_token):
    from bip.web.api.models import ApiToken

    make_token()
    client.force_login(ApiToken.objects.get().user)
    assert client.get("/caseload/").status_code == 403
    assert client.get("/analyst/").status_code == 403


def test_every_api_operation_needs_a_token_and_data_needs_its_one_scope(client, api, world):
    """The API's counterpart of the web pages' role check, walking the OpenAPI schema: no
    operation answers without a token, and each but the questionnaire answers to exactly one
    scope (the others get 403)."""
    from bip.web.api.scopes import SCOPES

    schema = client.get("/api/v1/openapi.json").json()
    callers = {s: api.with_scopes(s) for s in SCOPES}
    ids = {"citizen_id": world.citizens["A"].citizen_id, "measurement_id": "MA1"}
    checked = 0
    for path, ops in schema["paths"].items():
        url = path.removeprefix("/api/v1").format(**ids)
        for method in ops:

            def call(c, url=url, method=method):
                if c is None:
                    return getattr(client, method)(
                        f"/api/v1{url}", {}, content_type="application/json"
                    )
                return c.get(url) if method == "get" else getattr(c, method)(url, {})

            assert call(None).status_code == 401, (method, path)
            allowed = [s for s, c in callers.items() if call(c).status_code != 403]
            expected = list(SCOPES) if path.endswith("/questionnaire") else allowed[:1]
            assert len(expected) >= 1 and allowed == expected, (method, path, allowed)
            checked += 1
    assert checked == 11


def test_a_flood_of_bad_tokens_is_limited_and_not_audited_beyond_the_limit(client, world, settings):
    from bip.web.core.models import AuditLog

    settings.BIP_API_DENIED_PER_MINUTE = 3
    answers = [
        client.get("/api/v1/citizens", headers={"Authorization": "Bearer wrong"}).status_code
        for _ in range(6)
    ]
    assert answers == [401, 401, 401, 429, 429, 429]
    assert AuditLog.objects.filter(action="api.denied").count() == 3
    r = client.get("/api/v1/citizens")
    assert r.status_code == 429 and int(r["Retry-After"]) > 0
    assert r.json()["errors"][0]["reason"].startswith("too many refused calls")
