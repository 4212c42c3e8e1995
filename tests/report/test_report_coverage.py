"""The data section says how far the outcome registers reach and how many outcomes that removes."""

from __future__ import annotations

import pytest

from bip.report.blocks import Para
from bip.report.sections import data
from bip.report.sections.base import Ctx
from bip.results import OutcomeCoverage


def _paras(results, coverage, lang="en", audience="analyst") -> list[str]:
    r = results.model_copy(
        update={"dataset": results.dataset.model_copy(update={"outcome_coverage": coverage})}
    )
    # the first paragraph is the cohort's size; the coverage follows it
    return [b.text for b in data.build(r, Ctx(lang, audience)) if isinstance(b, Para)][1:]


def _cov(n52: int, n13: int, month="2015-12", week="2015-W40") -> OutcomeCoverage:
    return OutcomeCoverage.model_validate(
        {
            "employment_months_last": month,
            "benefit_weeks_last": week,
            "censored": {"job_or_education_52w": n52, "job_13w": n13},
        }
    )


def test_full_registers_say_so(small_results):
    cov = small_results.dataset.outcome_coverage
    assert cov is not None and cov.censored == {"job_or_education_52w": 0, "job_13w": 0}
    assert (cov.employment_months_last, cov.benefit_weeks_last) == ("2017-12", "2017-W52")
    text = _paras(small_results, cov)[0]
    assert "up to and including December 2017 (employment) and week 52 of 2017" in text
    assert "No outcome window reaches past the registers' end." in text
    da = _paras(small_results, cov, "da")[0]
    assert "til og med december 2017 (beskæftigelse) og uge 52 i 2017 (DREAM-uger)" in da


@pytest.mark.parametrize(
    ("n52", "n13", "want_en", "want_da"),
    [
        (
            1234,
            1,
            ("1,234 measurements are left out", "leaves 1 measurement out"),
            ("1.234 målinger er udeladt", "udelader 1 måling af"),
        ),
        (
            1,
            0,
            ("1 measurement is left out", "leaves 0 measurements out"),
            ("1 måling er udeladt", "udelader 0 målinger af"),
        ),
    ],
)
def test_the_counts_removed_with_plural_forms(small_results, n52, n13, want_en, want_da):
    en = _paras(small_results, _cov(n52, n13))[0]
    assert "December 2015 (employment) and week 40 of 2015 (DREAM weeks)" in en
    assert all(w in en for w in want_en), en
    da = _paras(small_results, _cov(n52, n13), "da")[0]
    assert all(w in da for w in want_da), da


def test_small_counts_are_hidden_from_managers(small_results):
    text = _paras(small_results, _cov(3, 40), audience="manager")[0]
    assert "<5 measurement" in text and "40 measurements" in text


def test_absent_registers_and_older_results(small_results):
    no_emp = _paras(small_results, _cov(0, 0, month=None, week=None))[0]
    assert no_emp.startswith("The dataset has no employment months")
    no_weeks = _paras(small_results, _cov(0, 7, week=None), "da")[0]
    assert no_weeks.startswith("Datasættet har ingen DREAM-uger")
    assert "udelader 7 målinger" in no_weeks and "52 uger, fordi" not in no_weeks
    # results.json written before coverage was recorded: no sentence, nothing invented
    assert _paras(small_results, None) == []
