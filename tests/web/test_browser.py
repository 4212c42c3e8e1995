"""Browser tests: Playwright driving Debian's chromium (never a downloaded browser).

Screenshots go to ``test-artifacts/web/``; they were looked at while writing these tests.
"""

from __future__ import annotations

import pytest

from bip.instrument import B_ITEMS, S_ITEMS
from tests.web.conftest import ARTIFACTS
from tests.web.twofactor import browser_second_factor

pytestmark = pytest.mark.browser


def _login(page, base, username, password):
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("button.primary")
    browser_second_factor(page, username)  # administrators and analysts: the code from the app


def test_caseworker_finds_citizen_records_measurement_sees_chart(browser, live_server, world):
    from bip.web.core.models import Measurement

    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="da-DK")
    _login(page, live_server.url, "caseworkerA", world.password)
    assert "/caseload/" in page.url
    page.screenshot(path=str(ARTIFACTS / "01-caseload.png"), full_page=True)

    page.fill("#id_cpr", "010170-1018")
    with page.expect_navigation():
        page.click("form.find button")
    assert world.citizens["A"].citizen_id in page.url
    before = page.locator("#chart-averages circle").count()
    page.screenshot(path=str(ARTIFACTS / "02-citizen-before.png"), full_page=True)

    with page.expect_navigation():
        page.click("text=Ny måling")
    for i, item in enumerate(B_ITEMS):
        page.check(f"input[name={item}][value='{2 + i % 4}']")
    page.check("input[name=B10_status][value=searching]")
    page.check("input[name=B10_channels][value=internet]")
    page.fill("input[name=B11]", "140")
    page.screenshot(path=str(ARTIFACTS / "03-measurement-form.png"), full_page=True)
    page.click("text=Næste: sagsbehandlerens del")
    assert page.locator("#step-1").is_hidden() and page.locator("#step-2").is_visible()
    for n in (5, 13, 9):
        page.check(f"input[name=S1][value='{n}']")
    for i, item in enumerate(S_ITEMS):
        page.check(f"input[name={item}][value='{1 + (i + 2) % 5}']")
    page.screenshot(path=str(ARTIFACTS / "03b-measurement-form-step-2.png"), full_page=True)
    with page.expect_navigation():
        page.click("button[name=save]")
    assert world.citizens["A"].citizen_id in page.url
    assert "Målingen er gemt" in page.content()
    after = page.locator("#chart-averages circle").count()
    assert after > before
    page.screenshot(path=str(ARTIFACTS / "04-citizen-after.png"), full_page=True)
    m = Measurement.objects.filter(citizen=world.citizens["A"]).order_by("-id").first()
    assert m.B1 == 2 and m.S2 == 3 and m.combination == "1001" and m.B11 == 140.0


def _start_kiosk(page, base, world):
    """The caseworker hands the tablet over from the citizen page."""
    page.goto(f"{base}/citizen/{world.citizens['A'].citizen_id}/")
    with page.expect_navigation():
        page.click("text=Borgerens spørgeskema på tabletten")
    assert page.url.endswith("/kiosk/")


def test_citizen_questionnaire_keyboard_only(browser, live_server, world):
    from bip.web.core.models import Measurement

    page = browser.new_page(viewport={"width": 1024, "height": 768}, locale="da-DK")
    _login(page, live_server.url, "caseworkerA", world.password)
    _start_kiosk(page, live_server.url, world)
    page.screenshot(path=str(ARTIFACTS / "05-tablet-questionnaire.png"))

    def focused():
        return page.evaluate(
            "() => [document.activeElement.name || '', document.activeElement.value || '']"
        )

    for _ in range(40):  # Tab from the top of the page to the first question
        page.keyboard.press("Tab")
        if focused()[0] == "B1":
            break
    assert focused()[0] == "B1"
    want = {item: 1 + i % 5 for i, item in enumerate(B_ITEMS)}
    want["B6"] = "dk"  # "Ved ikke": six arrow presses from 1
    for item in B_ITEMS:
        assert focused()[0] == item
        page.keyboard.press("Space")
        steps = 5 if want[item] == "dk" else want[item] - 1
        for _ in range(steps):
            page.keyboard.press("ArrowRight")
        page.keyboard.press("Tab")
    assert focused()[0] == "B10_status"
    page.keyboard.press("Space")  # searching
    page.keyboard.press("Tab")
    assert focused() == ["B10_channels", "newspapers"]
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # internet
    for _ in range(5):
        page.keyboard.press("Tab")
    assert focused()[0] == "B11"
    page.keyboard.type("125")
    page.screenshot(path=str(ARTIFACTS / "06-tablet-keyboard-filled.png"), full_page=True)
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/done/" in page.url
    page.screenshot(path=str(ARTIFACTS / "07-tablet-done.png"))
    m = Measurement.objects.filter(citizen=world.citizens["A"]).order_by("-id").first()
    assert [getattr(m, b) for b in B_ITEMS] == [
        None if want[b] == "dk" else want[b] for b in B_ITEMS
    ]
    assert m.nonanswers == {"B6": "dont_know"}
    assert (
        m.B10_status == "searching"
        and m.B10_internet == 1
        and m.B10_newspapers == 0
        and m.B11 == 125.0
    )
    assert not m.has_caseworker_part


def test_validation_errors_visible(browser, live_server, world):
    page = browser.new_page(viewport={"width": 1024, "height": 768}, locale="da-DK")
    _login(page, live_server.url, "caseworkerA", world.password)
    _start_kiosk(page, live_server.url, world)
    with page.expect_navigation():
        page.click("button.primary.big")
    assert page.locator("fieldset.invalid").count() == len(B_ITEMS) + 1
    page.screenshot(path=str(ARTIFACTS / "08-tablet-errors.png"))


def test_manager_dashboard_and_admin_pages_render(browser, live_server, world, full_values):
    import datetime as dt

    from bip.web.core import selectors, services
    from bip.web.core.forms import MeasurementForm

    # a few repeat measurements so the dashboard has progression cells
    form = MeasurementForm(
        full_values(dt.date(2024, 4, 8), b=4, s=4),
        instrument=selectors.instrument(),
        parts={"citizen", "caseworker"},
    )
    assert form.is_valid()
    services.measurement_create(
        citizen=world.citizens["A"],
        caseworker_id=world.caseworkers["A"].pk,
        values=form.values(),
        version=1,
        idempotency_key=None,
        user=None,
    )
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="da-DK")
    _login(page, live_server.url, "managerA", world.password)
    assert "/dashboard/" in page.url
    assert "Aktivitetssammensætning" in page.content()
    page.screenshot(path=str(ARTIFACTS / "09-manager-dashboard.png"), full_page=True)
    page.goto(f"{live_server.url}/citizen/{world.citizens['A'].citizen_id}/")
    assert "403" in page.content()
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="da-DK")
    _login(page, live_server.url, "adminA", world.password)
    page.goto(f"{live_server.url}/administration/audit/")
    assert "managerA" in page.content()
    page.screenshot(path=str(ARTIFACTS / "10-admin-audit.png"), full_page=True)
