"""A5's out-of-sample prediction: folds by citizen, cross-fitted least squares against
statsmodels on each fold's training rows, the AUC and its placement values against a
brute-force pairwise count, the citizen-clustered interval against a bootstrap by citizen,
the calibration table by hand, and planted truth on the synthetic cohort."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from bip.analysis import a5_job_chance
from bip.analysis import a5_prediction as pr
from bip.analysis.estimation import cross_fitted
from bip.dataset import open_dataset
from bip.panel import build_panel
from bip.synth import generate_cohort


def _brute_auc(score, y):
    pos, neg = score[y == 1], score[y == 0]
    d = pos[:, None] - neg[None, :]
    return ((d > 0).sum() + 0.5 * (d == 0).sum()) / d.size


def _brute_placements(score, y):
    pos, neg = score[y == 1], score[y == 0]
    out = np.empty(len(score))
    for i, s in enumerate(score):
        if y[i] == 1:
            out[i] = ((neg < s).sum() + 0.5 * (neg == s).sum()) / len(neg)
        else:
            out[i] = ((pos > s).sum() + 0.5 * (pos == s).sum()) / len(pos)
    return out


def _data(n_cit=300, seed=0):
    rng = np.random.default_rng(seed)
    per = rng.integers(1, 6, n_cit)
    cit = np.repeat(np.arange(n_cit), per)
    u = rng.normal(size=n_cit)[cit]
    x = np.column_stack([rng.normal(size=len(cit)) + u, rng.integers(0, 2, len(cit))])
    p = 1 / (1 + np.exp(-(-0.5 + 0.8 * x[:, 0] + 0.3 * x[:, 1])))
    y = (rng.random(len(cit)) < p).astype(float)
    return y, x, cit


def test_folds_never_split_a_citizen_and_are_balanced():
    cit = np.repeat(np.arange(103), np.arange(103) % 4 + 1)
    f = pr.citizen_folds(cit, 5, seed=3)
    per = pd.Series(f).groupby(cit).nunique()
    assert (per == 1).all()
    sizes = np.bincount(pd.Series(f).groupby(cit).first().to_numpy())
    assert sizes.max() - sizes.min() <= 1 and len(sizes) == 5
    assert np.array_equal(f, pr.citizen_folds(cit, 5, seed=3))  # fixed seed, same folds
    assert not np.array_equal(f, pr.citizen_folds(cit, 5, seed=4))


def test_cross_fitted_equals_statsmodels_on_each_training_set():
    y, x, cit = _data()
    folds = pr.citizen_folds(cit, 5, seed=1)
    got = cross_fitted(y, x, folds)
    for k in range(5):
        test = folds == k
        ref = sm.OLS(y[~test], sm.add_constant(x[~test])).fit()
        np.testing.assert_allclose(got[test], sm.add_constant(x)[test] @ ref.params, atol=1e-10)


def test_cross_fitted_subsets_are_the_models_on_those_columns():
    y, x, cit = _data(seed=3)
    folds = pr.citizen_folds(cit, 5, seed=2)
    full, second = cross_fitted(y, x, folds, subsets=[[0, 1], [1]])
    np.testing.assert_allclose(full, cross_fitted(y, x, folds), atol=1e-12)
    for k in range(5):
        test = folds == k
        ref = sm.OLS(y[~test], sm.add_constant(x[~test, 1])).fit()
        np.testing.assert_allclose(
            second[test], sm.add_constant(x[test, 1]) @ ref.params, atol=1e-10
        )


def test_cross_fitted_drops_a_column_constant_in_training():
    y, x, cit = _data(seed=2)
    folds = pr.citizen_folds(cit, 2, seed=0)
    x = np.column_stack([x, (folds == 0).astype(float)])  # constant within each training set
    got = cross_fitted(y, x, folds)
    for k in range(2):
        test = folds == k
        ref = sm.OLS(y[~test], sm.add_constant(x[~test, :2])).fit()
        np.testing.assert_allclose(got[test], sm.add_constant(x[test, :2]) @ ref.params, atol=1e-9)


def test_auc_and_placements_equal_a_pairwise_count():
    rng = np.random.default_rng(4)
    y = (rng.random(400) < 0.3).astype(float)
    score = np.round(rng.normal(size=400) + y, 1)  # rounded: many ties
    np.testing.assert_allclose(pr.placements(score, y), _brute_placements(score, y), atol=1e-12)
    r = pr.auc(score, y, np.arange(400))
    assert r["auc"] == pytest.approx(_brute_auc(score, y), abs=1e-12)
    assert r["ci_low"] < r["auc"] < r["ci_high"]
    d = pr.auc_difference(score, -score, y, np.arange(400))
    assert d["difference"] == pytest.approx(2 * r["auc"] - 1, abs=1e-12)


def test_clustered_se_matches_a_bootstrap_by_citizen():
    """The DeLong influences summed by citizen against the SD of the brute-force AUC over
    resampled citizens (400 draws: a Monte Carlo error of about 4 % of the SE)."""
    rng = np.random.default_rng(5)
    cit = np.repeat(np.arange(250), rng.integers(1, 8, 250))
    u = rng.normal(size=250)
    # outcome and score share the citizen's u, so a citizen's rows are alike
    y = (u[cit] + rng.normal(size=len(cit)) > 0.5).astype(float)
    score = (u + rng.normal(size=250))[cit]
    se = pr.auc(score, y, cit)["se"]
    rows = pd.Series(np.arange(len(y))).groupby(cit).apply(np.array).to_list()
    rng = np.random.default_rng(1)
    draws = []
    for _ in range(400):
        idx = np.concatenate([rows[c] for c in rng.integers(0, len(rows), len(rows))])
        draws.append(_brute_auc(score[idx], y[idx]))
    assert se == pytest.approx(np.std(draws, ddof=1), rel=0.15)
    # the row-level SE is clearly smaller
    assert pr.auc(score, y, np.arange(len(y)))["se"] < 0.9 * se


def test_calibration_by_hand():
    rng = np.random.default_rng(6)
    pred = rng.random(1000)  # 100 per decile under any rounding rule
    y = (rng.random(1000) < pred).astype(float)
    cit = rng.integers(0, 400, 1000)
    tab = pr.calibration(pred, y, cit)
    dec = pd.qcut(pd.Series(pred).rank(method="first"), 10, labels=False)
    ref = pd.DataFrame({"d": dec, "p": pred, "y": y, "c": cit}).groupby("d")
    assert [r["n"] for r in tab] == ref.size().tolist()
    np.testing.assert_allclose([r["mean_predicted"] for r in tab], ref["p"].mean(), rtol=1e-12)
    np.testing.assert_allclose([r["observed"] for r in tab], ref["y"].mean(), rtol=1e-12)
    assert [r["n_citizens"] for r in tab] == ref["c"].nunique().tolist()


@pytest.fixture(scope="module")
def synth_prediction(tmp_path_factory):
    out = generate_cohort(tmp_path_factory.mktemp("a5p") / "cohort", scale=1, seed=0, fmt="parquet")
    return a5_job_chance.run(build_panel(open_dataset(out)), seed=0).job_model.prediction


def test_indicators_add_to_the_auc_on_the_synthetic_cohort(synth_prediction):
    """Planted truth: the generator's 52-week chance follows the citizen's S12 level (0.02,
    0.05, 0.11, 0.22, 0.75 from level 1 to 5; the answered S12 is that level, a step off for
    lenient caseworkers) and no register variable, so the model with the indicators must
    predict far better than background alone, and out of sample."""
    p = synth_prediction
    assert p is not None and p.status == "ok" and p.n_folds == 5
    assert p.auc_gain_ci_low > 0.1 and p.auc > 0.7
    for est, lo, hi in (
        (p.auc, p.auc_ci_low, p.auc_ci_high),
        (p.auc_background, p.auc_background_ci_low, p.auc_background_ci_high),
        (p.auc_gain, p.auc_gain_ci_low, p.auc_gain_ci_high),
    ):
        assert lo < est < hi
    assert p.auc_gain == pytest.approx(p.auc - p.auc_background, abs=1e-12)
    cal = p.calibration
    assert [b.decile for b in cal] == list(range(1, 11))
    assert [b.observed for b in cal][-1] > 0.3 > [b.observed for b in cal][0]
    # the predictions rank the outcome: observed rates rise from the bottom to the top decile
    assert np.corrcoef([b.mean_predicted for b in cal], [b.observed for b in cal])[0, 1] > 0.9
