"""A6 intervals from the empirical-Bayes model (bip.analysis.a6_inference): their coverage in
the model itself, on synthetic cohorts against planted truth, and that every interval holds
its own estimate. The full simulation over 40 seeds is bench/coverage_a6.py."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from bip.analysis import a6_caseworkers
from bip.analysis.a6_effects import policy, quartile_codes
from bip.analysis.a6_inference import _gap, eb_inference, policy_gain
from bip.dataset import open_dataset
from bip.panel import build_panel
from bip.synth import generate_cohort


def test_policy_gain_and_gap_agree_with_the_quartile_codes():
    rng = np.random.default_rng(0)
    for g in (8, 115, 131):
        alpha = rng.normal(size=g)
        n_g = rng.integers(5, 60, g).astype(float)
        q = quartile_codes(alpha)
        want = policy(0.0, alpha, n_g, q)["increase"]
        assert float(policy_gain(alpha, n_g)) == pytest.approx(want, abs=1e-12)
        gap = alpha[q == 4].mean() - alpha[q == 1].mean()
        assert float(_gap(alpha)) == pytest.approx(gap, abs=1e-12)


@pytest.mark.parametrize("sigma", [0.0, 0.01, 0.03])
def test_intervals_cover_in_their_own_model(sigma):
    """Draw effects and estimates from the model with known σ (heterogeneous se as at scale 1)
    and count how often the intervals cover σ and the realised policy gain."""
    rng = np.random.default_rng(1)
    g, reps = 120, 300
    se = rng.uniform(0.05, 0.12, g)
    n_g = rng.integers(20, 80, g).astype(float)
    hit_sd = hit_pol = 0
    for _ in range(reps):
        alpha = rng.normal(0, sigma, g)
        raw = alpha + rng.normal(size=g) * se
        raw = raw - raw.mean()
        out = eb_inference(raw, se, n_g, 400, rng)
        hit_sd += out["true_effect_sd_ci"][0] <= sigma <= out["true_effect_sd_ci"][1]
        truth = float(policy_gain(alpha - alpha.mean(), n_g))
        hit_pol += out["policy_increase_ci"][0] <= truth <= out["policy_increase_ci"][1]
        assert out["true_effect_sd_ci"][0] <= out["true_effect_sd"] <= out["true_effect_sd_ci"][1]
        lo, hi = out["policy_increase_ci"]
        assert lo <= out["policy_increase"] <= hi
    print(f"\nsigma={sigma}: SD covered {hit_sd / reps:.3f}, policy {hit_pol / reps:.3f}")
    assert hit_sd / reps >= 0.92
    assert hit_pol / reps >= 0.92


def _cohort(tmp_path_factory, seed: int, scale: float = 1):
    out = generate_cohort(
        tmp_path_factory.mktemp(f"a6inf{seed}") / "c", scale=scale, seed=seed, fmt="parquet"
    )
    return build_panel(open_dataset(out)), json.loads((out / "truth.json").read_text())


def _planted(a6, truth) -> tuple[float, float]:
    ids = [e.caseworker_id for e in a6.effects]
    true = pd.Series(truth["caseworker_effects"]).reindex(ids).to_numpy(dtype=float)
    true = true - true.mean()
    n_g = np.array([e.n_measurements for e in a6.effects], dtype=float)
    return float(np.std(true, ddof=1)), float(policy_gain(true, n_g))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_interval_holds_its_estimate_on_the_demo_cohort(tmp_path_factory, seed):
    """Demo size (scale 1; the demo's seed is 1): each reported interval holds its estimate,
    and the 004 delta-method interval of the raw increase holds the raw increase."""
    panel, _ = _cohort(tmp_path_factory, seed)
    a6 = a6_caseworkers.run(panel, seed=seed)
    assert a6.beyond is not None and a6.beyond.inference is not None
    inf, pe = a6.beyond.inference, a6.policy_experiment
    assert pe is not None
    for key in ("true_effect_sd", "policy_increase", "policy_counterfactual"):
        lo, hi = getattr(inf, f"{key}_ci")
        est = getattr(inf, key)
        print(f"\nseed {seed} {key}: {est:.4f} [{lo:.4f}, {hi:.4f}]")
        assert lo <= est <= hi, key
    assert inf.true_effect_sd == a6.beyond.true_effect_sd
    assert pe.increase - 1.96 * pe.increase_se <= pe.increase <= pe.increase + 1.96 * pe.increase_se


@pytest.mark.slow
def test_intervals_cover_the_planted_truth_over_seeds(tmp_path_factory):
    """A few seeds of bench/coverage_a6.py: at nominal 95 % at least 5 of 6 intervals cover
    (probability 0.97 at true 95 % coverage)."""
    hit_sd = hit_pol = 0
    seeds = range(6)
    for seed in seeds:
        panel, truth = _cohort(tmp_path_factory, seed)
        a6 = a6_caseworkers.run(panel, seed=seed)
        assert a6.beyond is not None and a6.beyond.inference is not None
        inf = a6.beyond.inference
        sd, pol = _planted(a6, truth)
        hit_sd += inf.true_effect_sd_ci[0] <= sd <= inf.true_effect_sd_ci[1]
        hit_pol += inf.policy_increase_ci[0] <= pol <= inf.policy_increase_ci[1]
        print(
            f"\nseed {seed}: SD {inf.true_effect_sd_ci} planted {sd:.4f}; "
            f"policy {inf.policy_increase_ci} planted {pol:.4f}"
        )
    assert hit_sd >= 5 and hit_pol >= 5, (hit_sd, hit_pol)


def test_results_with_the_withdrawn_citizen_bootstrap_still_read():
    """A results.json written before these intervals holds ``beyond.bootstrap``: dropped on
    reading, so the A6 section validates with no intervals rather than wrong ones."""
    from a567_sim import simulate_panel

    from bip.analysis.a6_caseworkers import run
    from bip.results import A6Caseworkers
    from bip.results.upgrade import without_citizen_bootstrap

    a6 = run(simulate_panel(n_caseworkers=20, n_citizens=300, seed=2)[0], n_draws=50, n_perm=5)
    old = {"a6_caseworkers": a6.model_dump(mode="json")}
    beyond = old["a6_caseworkers"]["beyond"]
    del beyond["inference"]
    beyond["bootstrap"] = {"n_boot": 200, "increase_raw_ci": [0.116, 0.174]}
    new = without_citizen_bootstrap(old)
    assert "bootstrap" in old["a6_caseworkers"]["beyond"]  # the input is left alone
    back = A6Caseworkers.model_validate(new["a6_caseworkers"])
    assert back.beyond is not None and back.beyond.inference is None


@pytest.mark.parametrize("g", [3, 4, 5, 7, 40, 203])
def test_top_quartile_and_gap_by_partition_equal_the_sorted_definition(g):
    """Quartile means from a partition against a full stable sort, with tied values (raw
    effects of small caseworkers tie) and rows of a draws × caseworkers matrix."""
    from bip.analysis import a6_inference

    rng = np.random.default_rng(g)
    values = rng.integers(0, 6, size=(30, g)) / 5.0  # many ties
    s = np.sort(values, axis=-1)
    top, bottom = g // 4, -(-g // 4)
    n_g = rng.integers(1, 9, g).astype(float)
    if top == 0:
        assert np.isnan(a6_inference._gap(values)).all()
        assert np.isnan(a6_inference.policy_gain(values, n_g)).all()
        return
    want_gap = s[:, g - top :].mean(-1) - s[:, :bottom].mean(-1)
    np.testing.assert_allclose(a6_inference._gap(values), want_gap, rtol=0, atol=1e-14)
    want_gain = s[:, g - top :].mean(-1) - values @ (n_g / n_g.sum())
    np.testing.assert_allclose(a6_inference.policy_gain(values, n_g), want_gain, atol=1e-14)
    np.testing.assert_allclose(a6_inference._gap(values[0]), want_gap[0], atol=1e-14)
