"""A7's designs on the synthetic cohort (bip.synth) against its planted truth (truth.json).

Two scale-1 cohorts: the default generator (random caseworker changes, a permanent change
effect) and dynamic selection (``Mechanisms.dynamic_selection``: citizens with worse
unobserved prospects change caseworker more often, leave the series at their first job, and
the change effect fades). The sources' design is biased where the mechanism says; the new
designs recover the planted truth where the design holds and flag it where it does not.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from bip.analysis import a7_change_belief
from bip.dataset import open_dataset
from bip.panel import build_panel
from bip.synth import Mechanisms, generate_cohort
from bip.synth.measurements import change_multiplier


def _cohort(tmp_path_factory, name: str, mech: Mechanisms):
    out = generate_cohort(
        tmp_path_factory.mktemp(name) / "c", scale=1, seed=0, fmt="parquet", mechanisms=mech
    )
    panel = build_panel(open_dataset(out))
    truth = json.loads((out / "truth.json").read_text())
    return a7_change_belief.run(panel).model_dump(mode="json"), truth, panel


@pytest.fixture(scope="module")
def default(tmp_path_factory):
    return _cohort(tmp_path_factory, "a7def", Mechanisms())


@pytest.fixture(scope="module")
def dynamic(tmp_path_factory):
    return _cohort(tmp_path_factory, "a7dyn", Mechanisms(dynamic_selection=True))


def _ci(d: dict) -> str:
    return f"{d['relative_effect']:.3f} [{d['ci_low']:.3f}, {d['ci_high']:.3f}]"


def test_default_change_effect_with_duration_covers_planted(default):
    r, truth, _ = default
    ch = r["change_effect"]
    print(f"\nchange with duration {_ci(ch)}, without {_ci(ch['without_duration'])}")
    assert ch["ci_low"] < truth["change_effect"] < ch["ci_high"]
    assert ch["duration_controls"]


def test_default_event_study_passes_its_design_test_and_covers_planted(default):
    r, truth, _ = default
    es = r["event_study"]
    lt = es["leads_joint_test"]
    print(f"\nleads F={lt['f_stat']:.3f} p={lt['p_value']:.3f}")
    for c in es["coefficients"]:
        print(c["bin"], c["n"], c["coef"], c["ci_low"], c["ci_high"], c["relative_effect"])
    assert lt["p_value"] > 0.01  # random changes: no pre-trend
    lag0 = next(c for c in es["coefficients"] if c["bin"] == "lag_0")
    # Planted: a change multiplies the chance by 1 + change_effect; in probability units
    # against the reference bin's rate.
    planted = truth["change_effect"] * es["reference_outcome_rate"]
    assert lag0["ci_low"] < planted < lag0["ci_high"]


def test_default_belief_effect_covers_planted_at_every_minimum(default):
    r, truth, _ = default
    be = r["belief_effect"]
    print(
        f"\nbelief {_ci(be)} (sources' model {_ci(be['sources_model'])}) planted {truth['belief_effect']}"
    )
    assert be["ci_low"] < truth["belief_effect"] < be["ci_high"]
    assert be["n_clusters"] == min(be["n_caseworkers"], be["n_citizens"])
    mins = [row["min_other_citizens"] for row in be["sensitivity"]]
    assert be["min_other_citizens"] in mins
    for row in be["sensitivity"]:
        print(row["min_other_citizens"], _ci(row), row["n_caseworkers"])
        assert row["ci_low"] <= row["relative_effect"] <= row["ci_high"]
        assert row["ci_low"] < truth["belief_effect"] < row["ci_high"]


def _planted_mean_change_effect(panel: pd.DataFrame) -> float:
    """Planted relative effect averaged over the change model's post-change measurements:
    change_multiplier(weeks since the latest change) - 1 (dynamic selection)."""
    s = panel[panel["is_repeat"] & panel["job_or_education_52w"].notna()]
    s = s[s["n_cw_changes"] > 0]
    day = pd.to_datetime(panel["measured_on"])
    last = day.where(panel["cw_changed"]).groupby(panel["citizen_id"]).ffill()
    weeks = ((day - last).dt.days / 7.0).loc[s.index].to_numpy()
    return float((change_multiplier(weeks) - 1).mean())


def test_dynamic_selection_biases_the_sources_design_as_planted(dynamic):
    """Citizens with worse prospects change more often: the across-citizen model (the
    sources', no duration) overstates the harm of a change."""
    r, truth, panel = dynamic
    assert truth["dynamic_selection"]["direction_naive_bias"]["change_effect"] == "more negative"
    planted = _planted_mean_change_effect(panel)
    old = r["change_effect"]["without_duration"]
    print(
        f"\nsources' design {_ci(old)}; with duration {_ci(r['change_effect'])}; planted mean {planted:.3f}"
    )
    assert old["ci_high"] < planted


def test_dynamic_selection_is_flagged_by_the_event_study_leads(dynamic):
    """Leaving at the first job means a citizen still in the series at the change had no job
    in any window that closed before it: the leads' outcome is 0 and the design test rejects.
    The forecast-bias test has too little caseworker signal at scale 1 to be estimated or
    reports its interval."""
    r = dynamic[0]
    es = r["event_study"]
    lt = es["leads_joint_test"]
    print(
        f"\nleads F={lt['f_stat']:.2f} p={lt['p_value']:.2g}; reference rate {es['reference_outcome_rate']}"
    )
    assert es["reference_outcome_rate"] == 0.0
    assert lt["p_value"] < 0.001
    fb = r["forecast_bias"]
    if fb["status"] == "ok":
        assert fb["ci_low"] <= fb["coef"] <= fb["ci_high"]


def test_default_forecast_bias_is_reported_with_its_interval(default):
    """One scale-1 cohort has too little caseworker signal for the test to be decisive (the
    shrinkage factor rests on a noisy variance of true effects): the few-seed coverage is the
    slow test below, the decisive check the simulation in test_a7_designs.py."""
    fb = default[0]["forecast_bias"]
    print(f"\nforecast coef {fb['coef']:.2f} [{fb['ci_low']:.2f}, {fb['ci_high']:.2f}]")
    assert fb["status"] == "ok"
    assert fb["ci_low"] <= fb["coef"] <= fb["ci_high"]
    assert fb["n_citizens"] > 100 and fb["true_effect_sd"] > 0


@pytest.mark.slow
def test_forecast_bias_intervals_cover_one_over_seeds(tmp_path_factory):
    """Default generator (caseworkers drawn at random within the jobcentre), scale 1, seeds
    0-4: measured 4 of 5 intervals cover 1 (seed 0: 12.2 [4.1, 20.3], where even the slope on
    the planted effects is 2.7 +- 0.5)."""
    from bip.analysis.a7_forecast import forecast_bias

    hits = 0
    for seed in range(5):
        out = generate_cohort(
            tmp_path_factory.mktemp(f"cfr{seed}") / "c", scale=1, seed=seed, fmt="parquet"
        )
        fb = forecast_bias(build_panel(open_dataset(out)))
        print(seed, fb.get("coef"), fb.get("ci_low"), fb.get("ci_high"))
        hits += fb["status"] == "ok" and fb["ci_low"] < 1 < fb["ci_high"]
    assert hits >= 4


def test_a7_results_read_back_through_their_model(default):
    from bip.results import A7ChangeBelief

    json.dumps(default[0], allow_nan=False)
    back = A7ChangeBelief.model_validate_json(json.dumps(default[0]))
    assert back.model_dump(mode="json") == default[0]
    assert np.isfinite(default[0]["belief_effect"]["relative_effect"])
