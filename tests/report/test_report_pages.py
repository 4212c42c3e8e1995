"""Look at every page of the PDF: nothing empty, clipped or overlapping (needs Chromium)."""

from __future__ import annotations

import re

import pytest

from bip.report.render import render_report

EDITIONS = [("da", "manager"), ("en", "analyst")]


@pytest.fixture(scope="module", params=EDITIONS, ids=lambda e: "-".join(e))
def pdf_pages(request, chromium, small_results, tmp_path_factory):
    """The PDF of an edition of the small cohort's report, inspected page by page (``chromium``:
    tests/conftest.py, skipped locally without Chromium, a failure in CI)."""
    from pages import inspect_pdf

    lang, audience = request.param
    out = tmp_path_factory.mktemp(f"pdf-{lang}")
    written = render_report(small_results, out, lang=lang, audience=audience, pdf=True)
    assert written["pdf"].stat().st_size > 10_000
    return written, inspect_pdf(written["pdf"], out)


def test_no_page_is_blank_and_nothing_is_clipped_or_overlapping(pdf_pages):
    _, pages = pdf_pages
    assert len(pages) >= 20
    for p in pages:
        assert p.ink > 0.001, f"page {p.page} is (nearly) blank"
        assert not p.outside, f"page {p.page}: objects outside the printable area {p.outside[:5]}"
        assert not p.overlaps, f"page {p.page}: overlapping text {p.overlaps[:5]}"


def test_every_figure_draws_data(pdf_pages):
    written, _ = pdf_pages
    doc = written["html"].read_text(encoding="utf-8")
    figs = re.findall(r'<figure id="([^"]+)">(.*?)</figure>', doc, flags=re.S)
    assert len(figs) == 34
    for fid, body in figs:
        svg = body[body.index("<svg") :]
        # data marks: markers are <use> of a defined path, bars/histograms are patches
        marks = len(re.findall(r"<use ", svg)) + len(re.findall(r'id="[^"]*patch_\d+"', svg))
        assert marks >= 4, f"{fid} draws no data"
        assert 'viewBox="0 0 ' in svg


def test_pdf_skipped_with_a_reason_when_chromium_is_missing(
    small_results, tmp_path, monkeypatch, caplog
):
    monkeypatch.setenv("BIP_CHROMIUM", str(tmp_path / "no-such-chromium"))
    written = render_report(small_results, tmp_path, pdf=True)
    assert written["html"].exists() and "pdf" not in written
    assert "Chromium not found" in caplog.text
    assert not list(tmp_path.glob("*.tmp")) and not list(tmp_path.glob(".*.tmp"))
