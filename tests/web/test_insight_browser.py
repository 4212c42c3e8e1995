"""Browser tests of the insight pages: Playwright driving Debian's chromium (never a downloaded one)."""

from __future__ import annotations

import pytest

from tests.web.conftest import ARTIFACTS
from tests.web.insight_fixtures import load_cohort
from tests.web.test_browser import _login

pytestmark = pytest.mark.browser


@pytest.fixture
def loaded(transactional_db, cohort_dir, insight_dir):
    return load_cohort(cohort_dir)


def test_manager_sees_only_own_jobcentre_and_suppressed_cells(browser, live_server, loaded):
    from bip.web.core.models import Caseworker, Jobcenter

    own, other = (Jobcenter.objects.get(jobcenter_id=j) for j in loaded.jc[:2])
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="da-DK")
    _login(page, live_server.url, "manager0", loaded.password)
    assert "/dashboard/" in page.url
    assert page.locator("h1").inner_text().startswith(str(own))
    assert page.locator("select[name=jobcenter]").count() == 0  # no other jobcentre to choose
    assert str(other) not in page.content()
    page.screenshot(path=str(ARTIFACTS / "20-insight-manager-dashboard.png"), full_page=True)
    page.goto(f"{live_server.url}/dashboard/?jobcenter={other.jobcenter_id}")
    assert "404" in page.content() and str(other) not in page.locator("main").inner_text()

    # a one-caseworker team: its cells rest on few citizens and must show "< 5", not numbers
    cw = Caseworker.objects.filter(jobcenter=own).order_by("caseworker_id").first()
    page.goto(f"{live_server.url}/teams/")
    page.fill("#id_name", "Lille team")
    page.check(f"input[name=caseworkers][value='{cw.caseworker_id}']")
    with page.expect_navigation():
        page.click("button.primary")
    page.goto(f"{live_server.url}/dashboard/")
    page.select_option("select[name=team]", label="Lille team")
    with page.expect_navigation():
        page.click("form.filters button")
    assert "team=" in page.url
    small = [
        code
        for code, cell in page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('#mix tr[data-code]')]
        .map(r => [r.dataset.code, r.children[2].innerText.trim()]))""").items()
        if cell == "< 5"
    ]
    assert small, "a one-caseworker team must have small cells"
    for code in small:
        row = page.locator(f"#mix tr[data-code='{code}']")
        assert row.locator("td").nth(1).inner_text().strip() == "< 5"
        assert "%" not in row.locator("td").nth(1).inner_text()
    assert page.locator("svg text.suppressed").count() >= 1
    page.screenshot(path=str(ARTIFACTS / "21-insight-team-suppressed.png"), full_page=True)


def test_analyst_runs_analysis_and_downloads_report(browser, live_server, loaded, tmp_path):
    page = browser.new_page(
        viewport={"width": 1280, "height": 900}, locale="da-DK", accept_downloads=True
    )
    _login(page, live_server.url, "analyst", loaded.password)
    page.goto(f"{live_server.url}/analyses/")
    with page.expect_navigation():
        page.click("#start-run")
    assert "/analyses/" in page.url
    page.screenshot(path=str(ARTIFACTS / "22-insight-run-progress.png"), full_page=True)
    # the page refreshes itself every 2 s while the run works (no JavaScript of ours)
    page.wait_for_selector(
        "#run-status[data-status=done], #run-status[data-status=failed]", timeout=240_000
    )
    assert page.locator("#run-status").get_attribute("data-status") == "done", page.locator(
        "#run-log"
    ).inner_text()
    page.screenshot(path=str(ARTIFACTS / "23-insight-run-done.png"), full_page=True)
    with page.expect_download() as dl:
        page.click("#downloads a:text-is('report.html')")
    path = tmp_path / "report.html"
    dl.value.save_as(path)
    text = path.read_text(encoding="utf-8")
    assert text.lstrip().lower().startswith("<!doctype html") and "<script src=" not in text
    with page.expect_download() as dl:
        page.click("#downloads a:text-is('results.json')")
    dl.value.save_as(tmp_path / "results.json")
    assert '"bip-results/2"' in (tmp_path / "results.json").read_text()
    # the effectiveness page now reads this run: the caution is always there
    page.goto(f"{live_server.url}/effectiveness/")
    assert page.locator("#caution").is_visible() and page.locator("#no-run").count() == 0
    page.screenshot(path=str(ARTIFACTS / "25-insight-effectiveness.png"), full_page=True)


def test_admin_bad_register_file_shows_line_errors_nothing_stored(
    browser, live_server, loaded, cohort_dir, insight_dir, tmp_path
):
    from bip.web.insight.models import RegisterUpload
    from tests.web.insight_fixtures import register_copy

    src = register_copy(cohort_dir, tmp_path / "reg")
    lines = src.read_text().splitlines()
    parts = lines[3].split(",")
    lines[3] = ",".join([parts[0], "januar", parts[2]])  # line 4 of the file
    src.write_text("\n".join(lines) + "\n")
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="da-DK")
    _login(page, live_server.url, "admin", loaded.password)
    page.goto(f"{live_server.url}/administration/registers/")
    page.select_option("#id_table", "employment_months")
    page.set_input_files("#id_file", str(src))
    with page.expect_navigation():
        page.click("button.primary")
    box = page.locator("#upload-problems")
    assert box.is_visible()
    cells = [[c.strip() for c in r.split("\t")] for r in box.locator("tbody tr").all_inner_texts()]
    assert ["employment_months.csv", "4", "month"] in [c[:3] for c in cells], cells
    page.screenshot(path=str(ARTIFACTS / "24-insight-register-errors.png"), full_page=True)
    assert RegisterUpload.objects.count() == 0
    stored = insight_dir / "registers"
    assert not stored.exists() or not [p for p in stored.rglob("*") if p.is_file()]
