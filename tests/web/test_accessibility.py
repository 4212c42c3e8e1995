"""Accessibility: axe-core (WCAG 2.1 AA and best practice) on the pages, Danish and English,
desktop and 390 px wide. Every page listed here has 0 violations of any impact."""

from __future__ import annotations

import pytest

from tests.web.axe import describe, violations

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_login_page_has_no_violations(browser, live_server, axe_js, lang, viewport):
    # bypass_csp: the page's own CSP forbids the injected axe script (the page is unchanged)
    page = browser.new_page(viewport=VIEWPORTS[viewport], locale=f"{lang}-DK", bypass_csp=True)
    page.set_extra_http_headers({"Accept-Language": lang})
    page.goto(f"{live_server.url}/login/")
    found = violations(page)
    assert found == [], describe(found)


def test_axe_finds_a_planted_violation(browser, axe_js):
    """The check can fail: an image without a text alternative is reported."""
    page = browser.new_page()
    page.set_content(
        '<html lang="en"><head><title>t</title></head><body><main><img src="x.png"></main></body></html>'
    )
    assert "image-alt" in {v["id"] for v in violations(page)}
