"""The measurement form in Chromium: two steps, a whole measurement by keyboard only, the draft
kept through a closed tab and an ended session, the error summary's links."""

from __future__ import annotations

import time

import pytest

from bip.instrument import B_ITEMS, S_ITEMS
from tests.web.conftest import ARTIFACTS

pytestmark = pytest.mark.browser


def _login(page, base, username, password):
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("button.primary")


def _form_url(live_server, world):
    return f"{live_server.url}/citizen/{world.citizens['A'].citizen_id}/measure/both/"


def _wait_saved(page):
    page.wait_for_function(
        "() => document.getElementById('draft-status').textContent.includes('Kladde gemt')"
    )


def _latest(world):
    from bip.web.core.models import Measurement

    return Measurement.objects.filter(citizen=world.citizens["A"]).order_by("-id").first()


def test_whole_measurement_keyboard_only(browser, live_server, world):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="da-DK")
    _login(page, live_server.url, "caseworkerA", world.password)
    page.goto(_form_url(live_server, world))

    def focused():
        return page.evaluate(
            "() => [document.activeElement.name || document.activeElement.id || '',"
            " document.activeElement.value || '']"
        )

    for _ in range(40):  # Tab from the top of the page to the first question
        page.keyboard.press("Tab")
        if focused()[0] == "B1":
            break
    want = {item: 1 + i % 5 for i, item in enumerate(B_ITEMS)}
    for item in B_ITEMS:
        assert focused()[0] == item
        page.keyboard.press("Space")
        for _ in range(want[item] - 1):
            page.keyboard.press("ArrowRight")
        page.keyboard.press("Tab")
    assert focused()[0] == "B10_status"
    page.keyboard.press("Space")  # searching
    for _ in range(7):  # the six channels, then B11
        page.keyboard.press("Tab")
    assert focused()[0] == "B11"
    page.keyboard.type("110")
    page.keyboard.press("Tab")
    assert focused() == ["goto", "2"]
    page.keyboard.press("Enter")  # next step: no page load, the heading of step 2 has the focus
    assert focused()[0] == "h-step-2" and page.locator("#step-1").is_hidden()
    page.keyboard.press("Tab")
    ticks = {5, 13}
    for _ in range(23):
        name, value = focused()
        assert name == "S1"
        if int(value) in ticks:
            page.keyboard.press("Space")
        page.keyboard.press("Tab")
    want_s = {item: 1 + (i + 1) % 5 for i, item in enumerate(S_ITEMS)}
    for item in S_ITEMS:
        assert focused()[0] == item
        page.keyboard.press("Space")
        for _ in range(want_s[item] - 1):
            page.keyboard.press("ArrowRight")
        page.keyboard.press("Tab")
    assert focused() == ["goto", "1"]
    page.keyboard.press("Tab")
    assert focused()[0] == "save"
    page.screenshot(path=str(ARTIFACTS / "form-keyboard-step-2.png"), full_page=True)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Målingen er gemt" in page.content()
    m = _latest(world)
    assert [getattr(m, b) for b in B_ITEMS] == [want[b] for b in B_ITEMS]
    assert [getattr(m, s) for s in S_ITEMS] == [want_s[s] for s in S_ITEMS]
    assert m.ticked == [5, 13] and m.B10_status == "searching" and m.B11 == 110.0


def _expire_session(context) -> None:
    """End the browser's session as the idle timeout does: its last request long ago."""
    from django.contrib.sessions.backends.db import SessionStore

    from bip.web.core.session import SEEN_AT

    key = next(c["value"] for c in context.cookies() if c["name"] == "sessionid")
    store = SessionStore(session_key=key)
    store[SEEN_AT] = time.time() - 24 * 3600
    store.save()


def test_draft_survives_a_closed_tab_and_an_ended_session(browser, live_server, world):
    from bip.web.core.models import MeasurementDraft

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="da-DK")
    page = context.new_page()
    _login(page, live_server.url, "caseworkerA", world.password)
    page.goto(_form_url(live_server, world))
    for i, item in enumerate(B_ITEMS):
        page.check(f"input[name={item}][value='{1 + i % 5}']")
    page.check("input[name=B10_status][value=searching]")
    _wait_saved(page)
    page.close()  # the tab is closed: the answers so far are on the server

    page = context.new_page()
    page.goto(_form_url(live_server, world))
    assert page.locator("#draft-note").is_visible()
    assert page.locator("input[name=B3][value='3']").is_checked()
    page.click("text=Næste: sagsbehandlerens del")
    page.check("input[name=S1][value='5']")
    _wait_saved(page)
    assert MeasurementDraft.objects.get().step == 2

    _expire_session(context)
    for i, item in enumerate(S_ITEMS):  # answered after the session ended
        page.check(f"input[name={item}][value='{1 + i % 5}']")
    page.click("button[name=save]")
    page.wait_for_selector("#session-ended", state="visible")
    page.screenshot(path=str(ARTIFACTS / "form-session-ended.png"), full_page=True)
    with page.expect_navigation():
        page.click("#session-ended a")
    page.fill("#id_username", "caseworkerA")
    page.fill("#id_password", world.password)
    with page.expect_navigation():
        page.click("button.primary")
    assert page.url == _form_url(live_server, world)
    _wait_saved(page)  # the answers kept in the window are saved on the server again
    assert page.locator("input[name=S12][value='1']").is_checked()  # 1 + 10 % 5
    assert page.locator("input[name=B1][value='1']").is_checked()
    with page.expect_navigation():
        page.click("button[name=save]")
    assert "Målingen er gemt" in page.content()
    m = _latest(world)
    assert [getattr(m, b) for b in B_ITEMS] == [1 + i % 5 for i in range(len(B_ITEMS))]
    assert [getattr(m, s) for s in S_ITEMS] == [1 + i % 5 for i in range(len(S_ITEMS))]
    assert m.ticked == [5] and not MeasurementDraft.objects.exists()


def test_error_summary_links_to_each_question(browser, live_server, world):
    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="da-DK")
    _login(page, live_server.url, "caseworkerA", world.password)
    page.goto(_form_url(live_server, world))
    page.check("input[name=B1][value='2']")
    page.click("text=Næste: sagsbehandlerens del")
    with page.expect_navigation():
        page.click("button[name=save]")
    links = page.locator("#error-summary li a")
    # every unanswered question but B1: B2-B9 (8), B10, S1, S2-S12 (11)
    assert links.count() == len(B_ITEMS) - 1 + 1 + 1 + len(S_ITEMS)
    assert page.evaluate("document.activeElement.id") == "error-summary"
    page.screenshot(path=str(ARTIFACTS / "form-error-summary.png"), full_page=True)
    page.click("#error-summary a[href='#item-S7']")
    assert page.evaluate("document.activeElement.name") == "S7"
    assert page.locator("#item-S7").is_visible()
    page.click("#error-summary a[href='#item-B2']")
    assert page.evaluate("document.activeElement.name") == "B2"
