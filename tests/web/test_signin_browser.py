"""Two-factor login in the browser: enrolment, recovery codes and the code page, in Danish and
English, desktop and 390 px, each axe-clean (WCAG 2.1 AA and best practice), with the error
state too; an administrator really gets in with the app's code."""

from __future__ import annotations

import pytest

from tests.web.axe import describe, violations
from tests.web.conftest import ARTIFACTS
from tests.web.twofactor import authenticator, code_for, code_for_secret

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
WORDS = {
    "da": ("Opsæt totrinslogin", "Gendannelseskoder", "Andet trin"),
    "en": ("Set up two-factor login", "Recovery codes", "Second factor"),
}


def _password(page, base, world, username):
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", world.password)
    with page.expect_navigation():
        page.click("button.primary")


def _axe(page, problems, name):
    found = violations(page)
    if found:
        problems.append(f"{name}:\n{describe(found)}")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    if width > page.viewport_size["width"]:
        problems.append(f"{name}: scrolls sideways ({width} px)")


@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_enrolment_and_code_pages_are_accessible(
    browser, live_server, axe_js, world, lang, viewport
):
    enrol_h1, codes_h1, code_h1 = WORDS[lang]
    ctx = browser.new_context(viewport=VIEWPORTS[viewport], locale=f"{lang}-DK", bypass_csp=True)
    ctx.set_extra_http_headers({"Accept-Language": lang})
    page = ctx.new_page()
    base, problems = live_server.url, []
    _password(page, base, world, "adminA")
    assert page.url.endswith("/login/code/") and page.locator("h1").inner_text() == enrol_h1
    assert page.locator("figure.qr svg").count() == 1
    _axe(page, problems, "enrolment")
    page.screenshot(path=str(ARTIFACTS / f"signin-enrol-{lang}-{viewport}.png"), full_page=True)
    page.fill("#id_code", "000000")
    with page.expect_navigation():
        page.click("button.primary")
    assert page.locator("#id_code[aria-invalid=true]").count() == 1
    _axe(page, problems, "enrolment, wrong code")
    page.fill("#id_code", code_for_secret(page.locator("#otp-secret").inner_text()))
    with page.expect_navigation():
        page.click("button.primary")
    assert page.locator("h1").inner_text() == codes_h1
    assert page.locator("#recovery-codes li").count() == 10
    _axe(page, problems, "recovery codes")
    with page.expect_navigation():
        page.click("#main a.button.primary")
    assert page.url.endswith("/administration/users/")  # logged in, on the administrator's page
    with page.expect_navigation():
        page.click("form.logout button")
    _password(page, base, world, "adminA")
    assert page.locator("h1").inner_text() == code_h1
    _axe(page, problems, "code")
    page.fill("#id_code", code_for(authenticator(world.users[("admin", "A")])))
    with page.expect_navigation():
        page.click("button.primary")
    assert page.url.endswith("/administration/users/")
    ctx.close()
    assert not problems, "\n".join(problems)
