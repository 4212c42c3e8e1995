"""A6/A7 on the synthetic cohort (bip.synth) against its planted truth (truth.json).

One scale-1 cohort is generated, turned into a panel by bip.panel.build_panel and analysed by
A5-A7 (tests/analysis/a567_sim.a567_results); the estimates are compared with the generator's parameters.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from a567_sim import a567_results

from bip.dataset import open_dataset
from bip.panel import build_panel
from bip.synth import generate_cohort


@pytest.fixture(scope="module")
def synth(tmp_path_factory):
    out = generate_cohort(
        tmp_path_factory.mktemp("a567") / "cohort", scale=1, seed=0, fmt="parquet"
    )
    truth = json.loads((out / "truth.json").read_text())
    panel = build_panel(open_dataset(out))
    return a567_results(panel, seed=0, n_boot=2000), truth, panel


def _effects(res, truth):
    eff = pd.DataFrame(res["caseworker_effectiveness"]["effects"]).set_index("caseworker_id")
    true = pd.Series(truth["caseworker_effects"]).reindex(eff.index)
    return eff, true - true.mean()  # estimates are centred over the same caseworkers


def test_caseworker_effects_correlate_and_shrinkage_lowers_error(synth):
    res, truth = synth[:2]
    eff, true = _effects(res, truth)
    corr_raw = float(np.corrcoef(eff["effect"], true)[0, 1])
    # At scale 1 the estimated spread of true effects can be 0 (seed 0: it is): then every
    # shrunken effect is 0, which has no correlation, and predicting 0 must still beat the raw effects.
    if res["caseworker_effectiveness"]["true_effect_sd"] == 0:
        assert (eff["effect_shrunk"] == 0).all()
        corr_shr = float("nan")
    else:
        corr_shr = float(np.corrcoef(eff["effect_shrunk"], true)[0, 1])
    rmse_raw = float(np.sqrt(((eff["effect"] - true) ** 2).mean()))
    rmse_shr = float(np.sqrt(((eff["effect_shrunk"] - true) ** 2).mean()))
    print(
        f"\ncorr(estimated, planted) raw={corr_raw:.3f} shrunk={corr_shr:.3f}; "
        f"RMSE raw={rmse_raw:.4f} shrunk={rmse_shr:.4f}; n_caseworkers={len(eff)}"
    )
    assert corr_raw > 0.1
    assert rmse_shr < rmse_raw


def test_noise_model_agrees_with_split_halves(synth):
    """The model-free split-half reliability and the noise model's mean reliability agree
    (within the split-half correlation's own sampling error, ~0.2 with ~120 caseworkers)."""
    b = synth[0]["a6_caseworkers"]["beyond"]
    sb = b["split_sample"]["spearman_brown"]
    print(f"\nSpearman-Brown {sb:.3f}, mean EB reliability {b['mean_reliability']:.3f}")
    assert abs(sb - b["mean_reliability"]) < 0.3


def test_planted_sd_inside_the_interval(synth):
    res, truth = synth[:2]
    lo, hi = res["a6_caseworkers"]["beyond"]["inference"]["true_effect_sd_ci"]
    est = res["caseworker_effectiveness"]["true_effect_sd"]
    print(
        f"\nnoise-corrected SD {est:.4f} [{lo:.4f}, {hi:.4f}] vs planted "
        f"{truth['caseworker_effect_sd']:.4f}"
    )
    assert lo <= truth["caseworker_effect_sd"] <= hi


@pytest.mark.slow
def test_true_effect_sd_within_35_percent_of_planted(tmp_path_factory):
    """Noise-corrected SD of caseworker effects vs the planted total caseworker contribution
    (truth.json, own effect + belief) of the same caseworkers (those A6 estimates).

    Not decidable on one scale-1 cohort (reliability ~0.1: the estimate ranged 0-0.049 over
    seeds 0-4 against ~0.030 planted). Measured per cohort: scale 4 seeds 0/1 0.044/0.029 vs
    0.030/0.031 planted, scale 10 seed 0 0.023 vs 0.030, i.e. a sampling SD of ~20 % at scale
    4; pooling the variances of two scale-4 cohorts brings it to ~15 %.
    """
    from bip.analysis import a6_caseworkers

    est2, true2 = [], []
    for seed in (0, 1):
        out = generate_cohort(
            tmp_path_factory.mktemp(f"a6sd{seed}") / "c", scale=4, seed=seed, fmt="parquet"
        )
        truth = json.loads((out / "truth.json").read_text())
        a6 = a6_caseworkers.run(build_panel(open_dataset(out)), n_draws=0)
        assert a6.beyond is not None and a6.beyond.true_effect_sd is not None
        ids = [e.caseworker_id for e in a6.effects]
        est2.append(a6.beyond.true_effect_sd**2)
        true2.append(pd.Series(truth["caseworker_effects"]).reindex(ids).var(ddof=1))
    est, true = float(np.sqrt(np.mean(est2))), float(np.sqrt(np.mean(true2)))
    print(f"\npooled noise-corrected SD {est:.4f} vs planted {true:.4f} (same caseworkers)")
    assert est == pytest.approx(true, rel=0.35)


def test_loo_belief_classification_matches_the_planted_type(synth):
    """A7's leave-one-out classification recovers the planted belief type for almost every
    measurement (the type is a strong, stable tendency in the caseworker's S12 answers)."""
    from bip.analysis.a7_belief import leave_out_classification

    panel, truth = synth[2], synth[1]
    loo = leave_out_classification(panel)
    typ = panel["caseworker_id"].astype(str).isin(set(truth["caseworker_high_belief"]))
    ok = loo["high"].notna()
    agree = float((loo["high"][ok] == typ[ok].astype(float)).mean())
    print(f"\nLOO classification agrees with the planted type on {agree:.3f} of measurements")
    assert agree > 0.95


def test_change_effect_interval_covers_planted(synth):
    res, truth = synth[:2]
    ch = res["caseworker_change"]
    print(
        f"\nchange {ch['relative_effect_per_change']:.3f} [{ch['ci_low']:.3f}, {ch['ci_high']:.3f}]"
        f" planted {truth['change_effect']}; share with change {ch['share_with_change']:.3f}"
    )
    assert ch["ci_low"] < truth["change_effect"] < ch["ci_high"]
    assert 0.25 < ch["share_with_change"] < 0.55  # seeds: 40 %


def test_belief_effect_interval_covers_planted(synth):
    res, truth = synth[:2]
    b = res["belief"]
    print(
        f"\nbelief {b['relative_effect_high_vs_low']:.3f} [{b['ci_low']:.3f}, {b['ci_high']:.3f}]"
        f" planted {truth['belief_effect']}"
    )
    assert b["ci_low"] < truth["belief_effect"] < b["ci_high"]
    rates = [b["outcome_rate_by_S12"][k] for k in "12345"]
    assert rates == sorted(rates)  # the outcome rises with the caseworker's belief


def test_results_are_json_ready_and_read_back_through_their_models(synth):
    from bip.results import A5JobChance, A6Caseworkers, A7ChangeBelief

    json.dumps(synth[0], allow_nan=False)
    for key, model in (
        ("a5_job_chance", A5JobChance),
        ("a6_caseworkers", A6Caseworkers),
        ("a7_change_belief", A7ChangeBelief),
    ):
        back = model.model_validate_json(json.dumps(synth[0][key]))
        assert back.model_dump(mode="json") == synth[0][key]
