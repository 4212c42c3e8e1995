"""The star (radar) chart and the citizen's printable summary."""

from __future__ import annotations

import math
import re

import pytest
from django.urls import reverse

from bip.web.core.radar import radar_chart
from tests.web.conftest import ARTIFACTS
from tests.web.test_pages_browser import add_history

TOPICS = [(f"S{i}", f"topic {i}") for i in range(2, 13)]


def _points(svg: str) -> list[tuple[float, float, str]]:
    return [
        (float(x), float(y), t)
        for x, y, t in re.findall(
            r'<circle cx="([\d.]+)" cy="([\d.]+)" r="3"[^>]*><title>([^<]+)<', svg
        )
    ]


def test_radar_points_lie_on_their_spokes_at_their_values():
    """Geometry checked from the drawn points alone: the centre is where the 1s are, a value v
    lies (v - 1) / 4 of the way to the rim, and spoke k points at angle 2πk/11 from the top."""
    ones = [1.0] * 11
    fives = [5.0] * 11
    mixed = [1 + (k % 5) for k in range(11)]
    svg = radar_chart(TOPICS, [("a", ones), ("b", fives), ("c", mixed)], title="t")
    pts = _points(svg)
    centre = pts[0][:2]
    assert all(
        math.isclose(x, centre[0], abs_tol=0.11) and math.isclose(y, centre[1], abs_tol=0.11)
        for x, y, _ in pts[:11]
    )
    rim = [math.dist(p[:2], centre) for p in pts[11:22]]
    r = rim[0]
    assert all(math.isclose(d, r, abs_tol=0.2) for d in rim)
    for k, (x, y, title) in enumerate(pts[22:33]):
        v = mixed[k]
        assert math.isclose(math.dist((x, y), centre), r * (v - 1) / 4, abs_tol=0.2)
        if v > 1:
            angle = math.atan2(x - centre[0], -(y - centre[1])) % (2 * math.pi)
            assert math.isclose(angle, 2 * math.pi * k / 11, abs_tol=0.01)
        assert title.startswith(f"c S{k + 2}:")
    # 5 rings + one polygon per reading; the description names every value
    assert svg.count("<polygon") == 5 + 3
    assert "<desc>" in svg and "S12 5" in svg


def test_a_missing_answer_is_skipped_not_drawn_at_the_centre():
    vals = [3.0] * 11
    vals[4] = None
    svg = radar_chart(TOPICS, [("x", vals)], title="t")
    titles = [t for *_xy, t in _points(svg)]
    assert len(titles) == 10 and not any(t.startswith("x S6:") for t in titles)


def test_citizen_page_has_both_stars_with_tables(login, world):
    add_history(world)
    c = login("caseworker")
    html = c.get(reverse("citizen", args=[world.citizens["A"].citizen_id])).content.decode()
    stars = html.split('id="stars"')[1].split("<h2>")[0]
    assert stars.count('class="chart radar"') == 2
    assert stars.count("<table") == 2 and "S12" in stars and "B9" in stars


@pytest.mark.parametrize("lang,words", [("da", "Din udvikling"), ("en", "Your progression")])
def test_summary_page_in_each_language_and_scoped(login, world, client, lang, words):
    add_history(world)
    cid = world.citizens["A"].citizen_id
    c = login("caseworker")
    r = c.get(reverse("citizen_summary", args=[cid]), HTTP_ACCEPT_LANGUAGE=lang)
    html = r.content.decode()
    assert r.status_code == 200 and words in html and html.count('class="chart radar"') == 2
    change = {"da": ("højere", "lavere"), "en": ("higher", "lower")}[lang]
    assert all(w in html for w in change)
    client.force_login(world.users[("caseworker", "B")])
    assert client.get(reverse("citizen_summary", args=[cid])).status_code == 404


@pytest.mark.browser
def test_summary_pdf_is_one_page_and_nothing_is_clipped(login, world, chromium, tmp_path):
    import pypdfium2

    add_history(world)
    c = login("caseworker")
    c.post(reverse("citizen", args=[world.citizens["A"].citizen_id]), {"name": "Åse Bønne"})
    r = c.get(reverse("citizen_summary", args=[world.citizens["A"].citizen_id]) + "?format=pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)  # this test may run before any browser test
    (ARTIFACTS / "summary-da.pdf").write_bytes(r.content)
    pdf = pypdfium2.PdfDocument(r.content)
    assert len(pdf) == 1
    text = pdf[0].get_textpage().get_text_range()
    assert "Din udvikling" in text and "Åse Bønne" in text
    assert "Sagsbehandlerens vurdering" in text and "Borgerens egen vurdering" in text
