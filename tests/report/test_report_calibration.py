"""The report shows the run's calibration summary: the same counts as `bip calibrate`."""

from __future__ import annotations

import re

from bip.calibration.compare import FAIL, INCONSISTENT, INFO, MISSING, OK
from bip.report.numbers import fmt


def _section(html: str) -> str:
    m = re.search(r'id="sec-calibration".*?(?=<section|\Z)', html, re.S)
    assert m, "no calibration section"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", m.group(0)))


def test_report_section_carries_the_summary_counts(rendered, small_calibration):
    s = small_calibration
    assert s.count(INCONSISTENT) >= 1  # the sources' known contradictions are always listed
    for (lang, _aud), html in rendered.items():
        text = _section(html)
        ok, n = fmt(s.count(OK), "int", lang), fmt(len(s.rows), "int", lang)
        assert f"{ok} " in text and f" {n} " in text, text[:600]
        for k in (s.count(FAIL), s.count(INCONSISTENT), s.count(INFO) + s.count(MISSING)):
            assert f" {k} " in text, (k, text[:600])
        listed = [r for r in s.rows if r.status in (FAIL, INCONSISTENT)]
        assert text.count(
            "kilden er selvmodsigende" if lang == "da" else "source inconsistent"
        ) == (sum(r.status == INCONSISTENT for r in listed))


def test_no_calibration_no_section(small_results):
    from bip.report.render import report_html

    assert 'id="sec-calibration"' not in report_html(small_results, lang="da")


def test_pipeline_writes_the_summary_the_report_shows(tmp_path):
    from bip import pipeline
    from bip.calibration import CALIBRATION_FILE, calibrate, read_calibration
    from bip.synth import generate_cohort

    cohort = generate_cohort(tmp_path / "cohort", scale=0.1, seed=2, fmt="parquet")
    done = pipeline.run(cohort, tmp_path / "res", pipeline.RunOptions(pdf=False, calibrate=True))
    stored = read_calibration(tmp_path / "res" / CALIBRATION_FILE)
    again = calibrate(cohort, tmp_path / "res" / "results.json")  # what `bip calibrate` prints
    assert done.calibration is not None and stored is not None
    assert stored.line() == done.calibration.line() == again.line()
    assert [(r.figure, r.status) for r in stored.rows] == [(r.figure, r.status) for r in again.rows]
    html = (tmp_path / "res" / "report.html").read_text(encoding="utf-8")
    assert 'id="sec-calibration"' in html
    assert f" {stored.count(FAIL)} " in _section(html)
