"""The new security screens in Chromium, Danish and English, desktop and 390 px: the kiosk,
the exit form, password change, CPR check-digit question, pending approvals, flagged audit.

Screenshots in ``test-artifacts/web/security-*.png``.
"""

from __future__ import annotations

import datetime as dt

import pytest

from bip.instrument import B_ITEMS
from bip.web.core.audit import audit
from tests.web.conftest import ARTIFACTS
from tests.web.twofactor import browser_second_factor

pytestmark = pytest.mark.browser

SIZES = {"desktop": {"width": 1280, "height": 900}, "390": {"width": 390, "height": 844}}
LOCALES = {"da": "da-DK", "en": "en-GB"}


def _login(page, base, username, password):
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("button.primary")
    browser_second_factor(page, username)  # administrators and analysts: the code from the app


def _no_sideways_scroll(page, name):
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] + 1, (name, width)


@pytest.mark.parametrize("lang", LOCALES)
@pytest.mark.parametrize("size", SIZES)
def test_kiosk_screens(browser, live_server, world, lang, size):
    page = browser.new_page(viewport=SIZES[size], locale=LOCALES[lang])
    page.set_extra_http_headers({"Accept-Language": lang})
    _login(page, live_server.url, "caseworkerA", world.password)
    page.goto(f"{live_server.url}/citizen/{world.citizens['A'].citizen_id}/measure/citizen/")
    page.screenshot(path=str(ARTIFACTS / f"security-kiosk-start-{lang}-{size}.png"))
    with page.expect_navigation():
        page.click("button.primary.big")
    assert page.url.endswith("/kiosk/")
    assert page.locator("nav").count() == 0  # no menu
    page.screenshot(path=str(ARTIFACTS / f"security-kiosk-{lang}-{size}.png"))
    _no_sideways_scroll(page, "kiosk")
    page.goto(f"{live_server.url}/caseload/")  # anything else: back to the questions
    assert page.url.endswith("/kiosk/")
    for i, item in enumerate(B_ITEMS):
        page.check(f"input[name={item}][value='{1 + i % 5}']")
    page.check("input[name=B10_status][value=not_searching]")
    with page.expect_navigation():
        page.click("button.primary.big")
    assert page.url.endswith("/kiosk/done/")
    page.fill("#id_password", "wrong password")
    with page.expect_navigation():
        page.click("section.kiosk-exit button.primary")
    page.screenshot(path=str(ARTIFACTS / f"security-kiosk-done-{lang}-{size}.png"), full_page=True)
    _no_sideways_scroll(page, "kiosk done")
    text = page.content()
    assert ("Det er ikke din adgangskode" if lang == "da" else "That is not your password") in text
    page.fill("#id_password", world.password)
    with page.expect_navigation():
        page.click("section.kiosk-exit button.primary")
    assert "/edit/caseworker/" in page.url


@pytest.mark.parametrize("lang", LOCALES)
@pytest.mark.parametrize("size", SIZES)
def test_find_password_and_admin_screens(browser, live_server, world, lang, size):
    page = browser.new_page(viewport=SIZES[size], locale=LOCALES[lang])
    page.set_extra_http_headers({"Accept-Language": lang})
    _login(page, live_server.url, "caseworkerA", world.password)
    page.goto(f"{live_server.url}/find/")
    page.fill("#id_cpr", "010170-1019")  # fails modulus 11
    with page.expect_navigation():
        page.click("section button.primary")
    assert page.locator("input[name=confirmed]").count() == 1
    page.screenshot(path=str(ARTIFACTS / f"security-find-checkdigit-{lang}-{size}.png"))
    page.goto(f"{live_server.url}/password/")
    page.screenshot(path=str(ARTIFACTS / f"security-password-{lang}-{size}.png"), full_page=True)

    admin = browser.new_page(viewport=SIZES[size], locale=LOCALES[lang])
    admin.set_extra_http_headers({"Accept-Language": lang})
    _login(admin, live_server.url, "adminA", world.password)
    admin.goto(f"{live_server.url}/administration/users/")
    admin.fill("#id_username", f"ny-{lang}-{size}")
    admin.fill("#id_full_name", "Ny Kollega")
    admin.select_option("#id_role", "manager")
    admin.select_option("#id_jobcenter", label="Jobcenter A")
    admin.fill("#id_password", "a long passphrase 2024!")
    with admin.expect_navigation():
        admin.click("form.stack button.primary")
    admin.screenshot(path=str(ARTIFACTS / f"security-users-{lang}-{size}.png"), full_page=True)
    audit("caseworkerA", "caseworker", "citizen.find", "citizen", "x" * 64,
          "absent; enrolled at another jobcentre", flagged=True)  # fmt: skip
    admin.goto(f"{live_server.url}/administration/audit/?flagged=on")
    admin.screenshot(path=str(ARTIFACTS / f"security-audit-{lang}-{size}.png"), full_page=True)
    assert admin.locator("tr.flagged").count() >= 2
    assert dt.date.today().isoformat() in admin.content()
