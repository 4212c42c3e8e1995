"""Single sign-on in a real browser: Chromium from BIP's login page through the provider's
login and consent pages (oidc-provider under Node) back to the caseworker's caseload; the
login page with its single sign-on button is axe-clean in Danish and English."""

from __future__ import annotations

import pytest

from tests.web.axe import describe, violations
from tests.web.sso.conftest import configure, start_provider

pytestmark = pytest.mark.browser


@pytest.fixture
def browser_sso(live_server, tmp_path, settings):
    from bip.web.signin import oidc

    for provider in start_provider(tmp_path, [f"{live_server.url}/oidc/callback/"]):
        configure(settings, provider)
        settings.BIP_OIDC_LABEL = "Jobcenter-login"
        yield provider
        oidc._discovered.clear()


@pytest.mark.parametrize("lang,button", [("da", "Log ind med"), ("en", "Log in with")])
def test_caseworker_signs_in_through_the_provider(
    browser, live_server, axe_js, world, browser_sso, lang, button
):
    page = browser.new_page(locale=f"{lang}-DK", bypass_csp=True)
    page.set_extra_http_headers({"Accept-Language": lang})
    page.goto(f"{live_server.url}/caseload/")  # sent to log in, and back here after
    link = page.get_by_role("link", name=f"{button} Jobcenter-login")
    found = violations(page)
    assert found == [], describe(found)
    link.click()
    page.wait_for_url(f"{browser_sso.issuer}/**")
    page.fill("input[name=login]", "sub-ann")
    page.fill("input[name=password]", "any password")
    page.click("button[type=submit]")
    page.click("button[type=submit]")  # the provider's consent page
    page.wait_for_url(f"{live_server.url}/caseload/")
    assert "Ann Hansen" in page.locator("header .who").inner_text()
    page.close()
