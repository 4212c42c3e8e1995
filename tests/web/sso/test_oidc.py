"""Single sign-on against a real OpenID Connect provider (oidc-provider on loopback, see
conftest.py): roles and jobcentres from claims, refusals, audit, no local second factor."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY, get_user_model
from django.test import Client
from django.urls import reverse

from bip.web.core.models import AuditLog, Caseworker, Profile
from bip.web.signin.models import SsoIdentity
from tests.web.sso.conftest import sign_in


def _user(client):
    return get_user_model().objects.get(pk=client.session[SESSION_KEY])


def test_caseworker_signs_in_with_role_jobcentre_and_caseworker_id(client, world, sso):
    r = sign_in(client, "sub-ann")
    assert r.status_code == 302 and r["Location"] == "/"
    user = _user(client)
    assert user.username == "ann.sso" and user.get_full_name() == "Ann Hansen"
    assert not user.has_usable_password()  # no local password to guess
    assert (user.profile.role, user.profile.jobcenter.jobcenter_id) == ("caseworker", "JCA")
    assert Caseworker.objects.get(user=user).jobcenter.jobcenter_id == "JCA"
    ident = SsoIdentity.objects.get(user=user)
    assert (ident.issuer, ident.subject) == (sso.issuer, "sub-ann")
    assert client.get(reverse("caseload")).status_code == 200
    own, other = world.citizens["A"].citizen_id, world.citizens["B"].citizen_id
    assert client.get(reverse("citizen", args=[own])).status_code == 200  # own jobcentre
    assert client.get(reverse("citizen", args=[other])).status_code == 404
    login = AuditLog.objects.get(action="login", username="ann.sso")
    assert login.detail.endswith("; single sign-on")
    made = AuditLog.objects.get(action="user.sso_create", username="ann.sso")
    assert made.flagged and made.detail == "caseworker at JCA; from single sign-on"
    client.post(reverse("logout"))
    assert AuditLog.objects.filter(action="logout", username="ann.sso").count() == 1


def test_next_login_finds_the_same_login_and_follows_the_providers_role(client, world, sso):
    sign_in(client, "sub-max")
    first = _user(client)
    assert (first.profile.role, first.profile.jobcenter.jobcenter_id) == ("manager", "JCB")
    client.post(reverse("logout"))
    sso.set_claims("sub-max", roles=["bip-caseworker"], jobcentre="JCA")
    again = Client()
    sign_in(again, "sub-max")
    assert _user(again).pk == first.pk
    profile = Profile.objects.get(user=first)
    assert (profile.role, profile.jobcenter.jobcenter_id) == ("caseworker", "JCA")
    change = AuditLog.objects.get(action="user.sso_update", username="max.sso")
    assert change.flagged and change.detail.startswith("manager at JCB -> caseworker at JCA")
    assert again.get(reverse("caseload")).status_code == 200


@pytest.mark.parametrize("sub", ["sub-ana", "sub-adm"])
def test_analyst_and_administrator_need_no_local_second_factor(client, world, sso, sub):
    r = sign_in(client, sub)
    assert r.status_code == 302
    page = "analyst" if sub == "sub-ana" else "admin_users"
    assert client.get(reverse(page)).status_code == 200  # the provider did the second factor
    assert client.get(reverse("caseload")).status_code == 403


@pytest.mark.parametrize(
    "sub,reason",
    [
        ("sub-none", "claim 'roles' maps to no BIP role"),
        ("sub-two", "claim 'roles' maps to several roles: admin, analyst"),
        ("sub-lost", "claim 'jobcentre': no jobcentre 'JCX' in BIP"),
        ("sub-clash", "a login named 'caseworkerA' exists already in BIP"),
    ],
)
def test_refused_claims_log_nobody_in_and_are_audited(client, world, sso, sub, reason):
    r = sign_in(client, sub)
    assert r.status_code == 302 and r["Location"] == "/login/?sso=failed"
    assert SESSION_KEY not in client.session
    assert not SsoIdentity.objects.filter(subject=sub).exists()
    failed = AuditLog.objects.get(action="login.failed")
    assert failed.detail.endswith(f"single sign-on: {reason}")
    page = client.get(r["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Single sign-on did not log you in" in page
    # the local login of the same name is untouched
    assert get_user_model().objects.get(username="caseworkerA").has_usable_password()


def test_deactivated_in_bip_stays_out(client, world, sso):
    sign_in(client, "sub-ann")
    user = _user(client)
    client.post(reverse("logout"))
    user.is_active = False
    user.save()
    c = Client()
    r = sign_in(c, "sub-ann")
    assert r["Location"] == "/login/?sso=failed" and SESSION_KEY not in c.session
    failed = AuditLog.objects.filter(action="login.failed", username="ann.sso").get()
    assert failed.detail.endswith("the login is deactivated in BIP")


def test_a_forged_callback_is_refused_and_audited(client, world, sso):
    client.get("/oidc/login/")  # a state in the session, but a code the provider never issued
    state = next(iter(client.session["oidc_states"]))
    r = client.get(f"/oidc/callback/?code=forged&state={state}")
    assert r.status_code == 302 and r["Location"] == "/login/?sso=failed"
    assert SESSION_KEY not in client.session
    assert "single sign-on: HTTPError" in AuditLog.objects.get(action="login.failed").detail


def test_login_page_offers_single_sign_on_only_when_configured(client, world, settings):
    assert "/oidc/login/" not in client.get(reverse("login")).content.decode()
    assert client.get("/oidc/login/").status_code == 404
    settings.BIP_OIDC_ISSUER = "http://127.0.0.1:9"
    settings.BIP_OIDC_LABEL = "Jobcenter-login"
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'href="/oidc/login/"' in page and "Log in with Jobcenter-login" in page


def test_provider_down_refuses_the_login_but_not_the_pages(client, world, sso, settings):
    """Logged-in users keep working while the provider is unreachable; a new single sign-on
    is refused with the reason audited, not a server error."""
    from bip.web.signin import oidc

    sign_in(client, "sub-ann")
    settings.BIP_OIDC_ISSUER = "http://127.0.0.1:9"  # nothing listens there
    oidc._discovered.clear()
    assert client.get(reverse("caseload")).status_code == 200
    r = Client().get("/oidc/login/")
    assert r.status_code == 302 and r["Location"] == "/login/?sso=failed"
    entry = AuditLog.objects.filter(action="login.failed").order_by("seq").last()
    assert "cannot read http://127.0.0.1:9/.well-known/openid-configuration" in entry.detail


def test_kiosk_of_a_single_sign_on_caseworker_is_left_by_logging_in_again(client, world, sso):
    """No password in BIP: the kiosk's exit sends the caseworker to the provider (asked to
    log in again) and only the same person's login ends kiosk mode."""
    from bip.web.core import kiosk

    sign_in(client, "sub-ann")
    citizen = world.citizens["A"].citizen_id
    assert client.post(reverse("kiosk_start", args=[citizen])).status_code == 302
    exit_page = client.get(reverse("kiosk_exit"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'href="/oidc/login/"' in exit_page and 'type="password"' not in exit_page
    assert "prompt=login" in client.get("/oidc/login/")["Location"]
    # someone else at the provider: still in kiosk mode, audited
    r = sign_in(client, "sub-max")
    assert r["Location"] == reverse("kiosk") and kiosk.KEY in client.session
    assert _user(client).username == "ann.sso"
    refused = AuditLog.objects.filter(action="login.failed", username="max.sso").get()
    assert refused.detail.endswith("kiosk exit by another login")
    # the caseworker herself: back on the citizen's page
    r = sign_in(client, "sub-ann")
    assert r["Location"] == reverse("citizen", args=[citizen])
    assert kiosk.KEY not in client.session and _user(client).username == "ann.sso"
    assert AuditLog.objects.filter(action="kiosk.exit", username="ann.sso").count() == 1


@pytest.mark.parametrize(
    "name,value,message",
    [
        ("BIP_OIDC_ROLE_MAP", "staff=boss", "BIP_OIDC_ROLE_MAP: unknown role 'boss'"),
        (
            "BIP_OIDC_ROLE_MAP",
            "bip-admin",
            "BIP_OIDC_ROLE_MAP: entry 'bip-admin' is not value=target",
        ),
        (
            "BIP_OIDC_JOBCENTRE_MAP",
            "0101",
            "BIP_OIDC_JOBCENTRE_MAP: entry '0101' is not value=target",
        ),
        ("OIDC_RP_CLIENT_ID", "", "set BIP_OIDC_CLIENT_ID too"),
    ],
)
def test_a_malformed_mapping_stops_the_start_with_one_line(settings, name, value, message):
    from django.core.exceptions import ImproperlyConfigured

    from bip.web.signin.claims import check_config

    settings.OIDC_RP_CLIENT_ID = "bip"
    setattr(settings, name, value)
    with pytest.raises(ImproperlyConfigured) as err:
        check_config()
    assert message in str(err.value)


def test_logout_ends_the_providers_session_too(client, world, sso):
    """RP-initiated logout: BIP's logout sends the browser to the provider's end-session
    endpoint with the ID token as hint; the provider's session ends, so the next login on the
    same browser asks for the credentials again (before, the provider logged it straight in)."""
    from urllib.parse import parse_qs, urlsplit

    import httpx

    from tests.web.sso.conftest import follow

    with httpx.Client(timeout=20) as browser:  # the browser: keeps the provider's cookies
        seen: list[str] = []
        sign_in(client, "sub-ann", browser=browser, seen=seen)
        assert seen == ["login"] and client.session.get("oidc_id_token")
        r = client.post(reverse("logout"))
        assert r.status_code == 302 and SESSION_KEY not in client.session
        end = urlsplit(r["Location"])
        assert f"{end.scheme}://{end.netloc}" == sso.issuer
        query = parse_qs(end.query)
        assert query["post_logout_redirect_uri"] == ["http://testserver/login/"]
        assert query["id_token_hint"] and query["client_id"] == ["bip"]
        assert AuditLog.objects.filter(action="logout", username="ann.sso").count() == 1
        back = follow(client, r["Location"], browser=browser)  # the provider's confirmation
        assert back.status_code == 200  # BIP's login page
        again: list[str] = []
        sign_in(Client(), "sub-ann", browser=browser, seen=again)
        assert again == ["login"], "the provider still had a session after BIP's logout"


def test_the_logout_form_may_redirect_to_the_provider(client, world, sso):
    """The pages' CSP lets the logout form's redirect reach the provider (form-action)."""
    from bip.web.core.middleware import _policy

    assert f"form-action 'self' {sso.issuer};" in _policy()
    sign_in(client, "sub-ann")
    csp = client.get(reverse("caseload"))["Content-Security-Policy"]
    assert f"form-action 'self' {sso.issuer};" in csp


def test_a_password_login_logs_out_locally_only(client, world, sso):
    client.post(reverse("login"), {"username": "caseworkerA", "password": world.password})
    assert SESSION_KEY in client.session
    r = client.post(reverse("logout"))
    assert r.status_code == 302 and r["Location"] == reverse("login")
    assert SESSION_KEY not in client.session


def test_logout_with_the_provider_down_still_ends_bips_session(client, world, sso, settings):
    from bip.web.signin import oidc

    sign_in(client, "sub-ann")
    settings.BIP_OIDC_ISSUER = "http://127.0.0.1:9"  # nothing listens there
    oidc._discovered.clear()
    r = client.post(reverse("logout"))
    assert r.status_code == 302 and r["Location"] == reverse("login")
    assert SESSION_KEY not in client.session


def test_a_single_sign_on_login_is_offered_no_password_change(client, world, sso):
    """No "Change password" link for a login without a password in BIP, and the page says
    where the password is kept instead of showing a form that cannot succeed."""
    sign_in(client, "sub-ann")
    page = client.get(reverse("caseload"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert reverse("password_change") not in page and "Change password" not in page
    r = client.get(reverse("password_change"), HTTP_ACCEPT_LANGUAGE="en")
    text = r.content.decode()
    assert r.status_code == 403 and 'type="password"' not in text
    assert "BIP keeps no password for you. Change your password there." in text
    da = client.get(reverse("password_change"), HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert "BIP gemmer ingen adgangskode for dig" in da
    r = client.post(
        reverse("password_change"),
        {
            "old_password": "",
            "new_password1": "a-new-long-pass-1",
            "new_password2": "a-new-long-pass-1",
        },
    )
    assert r.status_code == 403 and not _user(client).has_usable_password()


def test_a_password_login_keeps_its_password_change(client, world, sso):
    client.post(reverse("login"), {"username": "caseworkerA", "password": world.password})
    page = client.get(reverse("caseload"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'href="{reverse("password_change")}"' in page
    assert client.get(reverse("password_change")).status_code == 200
