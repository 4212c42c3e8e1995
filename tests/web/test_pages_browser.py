"""Every page of the caseworker, the manager, the analyst and the administrator in Chromium:
axe-core finds 0 violations of any impact, Danish and English, desktop and 390 px; nothing scrolls
sideways at 390 px; no chart title is cut off. Screenshots in ``test-artifacts/web/pages-*.png``.
"""

from __future__ import annotations

import datetime as dt

import pytest

from bip.instrument import B_ITEMS, S1_OPTIONS, S_ITEMS
from tests.web.axe import describe, violations
from tests.web.conftest import ARTIFACTS
from tests.web.twofactor import browser_second_factor

pytestmark = pytest.mark.browser

SIZES = {"desktop": {"width": 1280, "height": 900}, "390": {"width": 390, "height": 844}}
LOCALES = {"da": "da-DK", "en": "en-GB"}


def add_history(world) -> None:
    """Three more measurements of citizen A, a quarter apart, so the charts have lines."""
    from bip.web.core.models import Measurement

    for k in range(1, 4):
        m = Measurement(
            measurement_id=f"MA{k + 1}",
            citizen=world.citizens["A"],
            caseworker=world.caseworkers["A" if k != 2 else "A2"],
            measured_on=dt.date(2024, 1, 8) + dt.timedelta(weeks=13 * k),
            B10_status="searching",
        )
        for i, item in enumerate((*B_ITEMS, *S_ITEMS)):
            setattr(m, item, 1 + (i + k) % 5)
        for n in S1_OPTIONS:
            setattr(m, f"S1_{n}", int(n in (5, 13)))
        m.save()


def _login(page, base, username, password):
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("button.primary")
    browser_second_factor(page, username)  # administrators and analysts: the code from the app


def _check(page, name: str, lang: str, size: str, problems: list[str]) -> None:
    """axe, sideways scrolling and clipped chart titles on the page now; screenshot it."""
    page.screenshot(path=str(ARTIFACTS / f"pages-{name}-{lang}-{size}.png"), full_page=True)
    found = violations(page)
    if found:
        problems.append(f"{name}: {describe(found)}")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    if width > page.viewport_size["width"] + 1:
        wide = page.evaluate(
            """(w) => [...document.querySelectorAll('main *, header *')]
                .filter(e => e.getBoundingClientRect().right > w + 1
                             && !e.closest('.table-wrap'))
                .slice(0, 4).map(e => e.tagName + '.' + e.className)""",
            page.viewport_size["width"],
        )
        problems.append(f"{name}: page is {width} px wide: {wide}")
    clipped = page.evaluate(
        """() => [...document.querySelectorAll('svg.chart text')].filter(t => {
            const box = t.getBBox(), vb = t.ownerSVGElement.viewBox.baseVal;
            return box.x < -0.5 || box.x + box.width > vb.width + 0.5;
        }).map(t => t.textContent)"""
    )
    if clipped:
        problems.append(f"{name}: chart text outside the chart: {clipped[:5]}")


def _open(browser, live_server, world, user, lang, size):
    page = browser.new_page(viewport=SIZES[size], locale=LOCALES[lang], bypass_csp=True)
    page.set_extra_http_headers({"Accept-Language": lang})
    _login(page, live_server.url, user, world.password)
    return page


@pytest.mark.parametrize("lang", LOCALES)
@pytest.mark.parametrize("size", SIZES)
def test_caseworker_pages(browser, live_server, world, axe_js, lang, size):
    from bip.web.core import fieldcrypt
    from bip.web.core.models import Citizen

    add_history(world)
    first = ["Anna", "Bo", "Camilla", "Dennis", "Emma", "Frederik", "Gitte", "Hans", "Ida", "Jonas"]
    last = ["Hansen", "Jensen", "Nielsen", "Pedersen", "Andersen", "Kristensen"]
    names = [f"{first[k % 10]} {last[k % 6]}" for k in range(60)]
    Citizen.objects.bulk_create(  # enough for a second page, so the pager is checked too
        Citizen(
            citizen_id=f"{k:03d}" + "e" * 61,
            jobcenter=world.jc["A"],
            caseworker=world.caseworkers["A"],
            name_enc=fieldcrypt.encrypt(names[k]),
            name_index=fieldcrypt.name_index(names[k]),
        )
        for k in range(60)
    )
    page = _open(browser, live_server, world, "caseworkerA", lang, size)
    problems: list[str] = []
    _check(page, "caseload", lang, size, problems)
    assert page.locator("nav.pager a[aria-current=page]").count() == 1
    page.fill("input[name=q]", "00")
    page.select_option("select[name=status]", "never")
    with page.expect_navigation():
        page.click("#caseload-filters button")
    assert page.locator("table.caseload tbody tr").count() == 10  # 000-009
    _check(page, "caseload-filtered", lang, size, problems)
    page.fill("input[name=q]", "jensen")
    page.select_option("select[name=status]", "")
    with page.expect_navigation():
        page.click("#caseload-filters button")
    assert page.locator("table.caseload tbody tr").count() == 10  # every sixth of 60
    assert "Bo Jensen" in page.content()
    page.goto(f"{live_server.url}/citizen/{world.citizens['A'].citizen_id}/")
    page.click("#every-indicator summary")
    _check(page, "citizen", lang, size, problems)
    page.goto(f"{live_server.url}/citizen/{world.citizens['A'].citizen_id}/summary/")
    _check(page, "summary", lang, size, problems)
    page.goto(f"{live_server.url}/find/")
    _check(page, "find", lang, size, problems)
    form = f"{live_server.url}/citizen/{world.citizens['A'].citizen_id}/measure/both/"
    page.goto(form)
    page.check("input[name=B1][value='2']")
    _check(page, "measurement-step-1", lang, size, problems)
    page.click("button[name=goto][value='2']")
    page.wait_for_function("() => document.getElementById('draft-status').textContent !== ''")
    _check(page, "measurement-step-2", lang, size, problems)
    with page.expect_navigation():
        page.click("button[name=save]")
    _check(page, "measurement-errors", lang, size, problems)
    page.goto(form)  # the refused answers are the draft now
    assert page.locator("#draft-note").count() == 1
    _check(page, "measurement-draft", lang, size, problems)
    page.evaluate("document.getElementById('session-ended').hidden = false")
    _check(page, "measurement-session-ended", lang, size, problems)
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("lang", LOCALES)
@pytest.mark.parametrize("size", SIZES)
def test_manager_pages(browser, live_server, world, insight_dir, axe_js, lang, size):
    add_history(world)
    page = _open(browser, live_server, world, "managerA", lang, size)
    problems: list[str] = []
    page.goto(f"{live_server.url}/dashboard/")
    page.click("#overdue-list summary") if page.locator("#overdue-list").count() else None
    _check(page, "dashboard", lang, size, problems)
    page.goto(f"{live_server.url}/effectiveness/")
    _check(page, "effectiveness", lang, size, problems)
    page.goto(f"{live_server.url}/caseload/")
    _check(page, "caseload-manager", lang, size, problems)
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("lang", LOCALES)
@pytest.mark.parametrize("size", SIZES)
def test_analyst_and_admin_pages(browser, live_server, world, insight_dir, axe_js, lang, size):
    from bip.web.insight.models import AnalysisRun, RunStatus

    run = AnalysisRun.objects.create(
        status=RunStatus.DONE,
        step="done",
        steps_done=10,
        log="\n".join(f"12:00:{i:02d} step {i}" for i in range(40)),
        fingerprint="sha256:" + "ab" * 20,
        n_measurements=2,
    )
    run.finished_at = run.created_at
    run.save()
    page = _open(browser, live_server, world, "analystA", lang, size)
    problems: list[str] = []
    page.goto(f"{live_server.url}/analyses/")
    _check(page, "runs", lang, size, problems)
    page.goto(f"{live_server.url}/analyses/{run.pk}/")
    _check(page, "run", lang, size, problems)
    admin = _open(browser, live_server, world, "adminA", lang, size)
    for name, path in (
        ("users", "/administration/users/"),
        ("audit", "/administration/audit/"),
        ("registers", "/administration/registers/"),
    ):
        admin.goto(f"{live_server.url}{path}")
        _check(admin, name, lang, size, problems)
    assert problems == [], "\n".join(problems)


def test_s1_checkboxes_are_the_same_size_whatever_the_label(browser, live_server, world, axe_js):
    page = _open(browser, live_server, world, "caseworkerA", "da", "390")
    page.goto(f"{live_server.url}/citizen/{world.citizens['A'].citizen_id}/measure/caseworker/")
    sizes = page.evaluate(
        """() => [...document.querySelectorAll('input[name=S1]')].map(e => {
            const r = e.getBoundingClientRect(); return [Math.round(r.width), Math.round(r.height)];
        })"""
    )
    assert len(sizes) == 23 and len({tuple(s) for s in sizes}) == 1, sizes
    problems: list[str] = []
    _check(page, "measurement-caseworker", "da", "390", problems)
    assert problems == [], "\n".join(problems)
