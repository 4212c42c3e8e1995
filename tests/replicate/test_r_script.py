"""The R script of the replication package re-estimates BIP's A1, A4, A5 and A6 models from
the exported panel with base R, sandwich and lmtest: every number equals results.json to 1e-6.

Skipped with the reason when Rscript (with sandwich and lmtest) is missing, except under
CI=true, where scripts/setup.sh installs Debian's R and its absence fails.
"""

from __future__ import annotations

import shutil
import subprocess

import pandas as pd
import pytest

from bip.replicate import bip_estimates, compare
from bip.results import load_results
from tests.conftest import need

TOL = 1e-6


def _read(path) -> pd.DataFrame:
    return pd.read_csv(
        path, dtype={"item": str, "term": str}, keep_default_na=False, na_values=[""]
    )


@pytest.fixture(scope="module")
def r_estimates(request, tmp_path_factory) -> pd.DataFrame:
    rscript = shutil.which("Rscript")
    need(rscript is not None, "Rscript is not installed (apt-get install r-base-core)")
    ok = (
        subprocess.run(
            [rscript, "-e", "library(sandwich); library(lmtest)"], capture_output=True
        ).returncode
        == 0
    )
    need(
        ok, "R packages sandwich/lmtest are missing (apt-get install r-cran-sandwich r-cran-lmtest)"
    )
    package = request.getfixturevalue("package")  # built only once R is known to be there
    work = tmp_path_factory.mktemp("r-run")
    for name in ("panel.csv", "replicate.R", "bip_estimates.csv"):
        shutil.copy(package / name, work / name)
    run = subprocess.run(
        [rscript, "replicate.R", "r_estimates.csv"],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert "largest difference" in run.stdout
    return _read(work / "r_estimates.csv")


def test_r_equals_bip_to_1e6(r_estimates, results_dir):
    ours = bip_estimates(load_results(results_dir))
    m = compare(ours, r_estimates)
    # every model is there, with the numbers that matter
    for model in ("a1_weeks", "a4_naive", "a4_adjusted", "a5_job", "a6_fe"):
        assert (m["model"] == model).sum() > 10, model
    one_side = m[m["_merge"] != "both"]
    assert one_side.empty, one_side[["model", "item", "term", "stat", "_merge"]].head(20)
    worst = m.loc[m["diff"].abs().idxmax()]
    assert m["diff"].abs().max() < TOL, worst.to_dict()


def test_r_policy_experiment_and_effects_present(r_estimates, results_dir):
    res = load_results(results_dir).a6_caseworkers
    r = r_estimates[r_estimates["model"] == "a6_fe"]
    inc = r[(r["item"] == "policy") & (r["stat"] == "increase")]["value"].item()
    assert inc == pytest.approx(res.policy_experiment.increase, abs=TOL)
    effects = r[r["stat"] == "effect"]
    assert len(effects) == res.n_caseworkers == len(res.effects)


def test_bip_estimates_file_is_results(package, results_dir):
    """The package's bip_estimates.csv holds results.json's numbers (what R compares to)."""
    res = load_results(results_dir)
    f = _read(package / "bip_estimates.csv")
    row = f[(f["model"] == "a1_weeks") & (f["item"] == "B1") & (f["term"] == "weeks")]
    slope = row[row["stat"] == "estimate"]["value"].item()
    assert slope == res.a1_progression.weeks_regression["B1"].slope_per_week
    adj = f[(f["model"] == "a4_adjusted") & (f["item"] == "B_avg") & (f["term"] == "1000")]
    assert adj[adj["stat"] == "se"]["value"].item() == pytest.approx(
        res.a4_combination_effects.adjusted["B_avg"].codes["1000"].se, rel=1e-15
    )
