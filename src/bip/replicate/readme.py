"""The README of a replication package: what each file is and what it reproduces."""

from __future__ import annotations

import pandas as pd

from bip.results import Results

_BODY = """\
# Replication package

Made by BIP {version} (`bip replicate`) from the results of {generated}
(dataset fingerprint `{fingerprint}`). The panel has {rows} measurements of {citizens}
citizens and {cols} variables.

## Files

| file | what it is |
|---|---|
| `panel.csv` | the analysis panel, one row per measurement (read by `replicate.R`); empty cell = missing |
| `panel.dta` | the same panel for Stata (format 118, variable labels in {lang_name}, value labels for 1-5 scales and 0/1 flags) |
| `panel.parquet` | the same panel as Parquet (types kept: dates, nullable integers) |
| `codebook.csv`, `codebook.md` | every variable: type, Danish and English label, derivation, values, missing codes |
| `bip_estimates.csv` | BIP's numbers for the models below, one per row: `model, item, term, stat, value` |
| `results.json` | all of BIP's results of this run (schema `bip-results/2`) |
| `replicate.R` | re-estimates the models in base R + `sandwich` + `lmtest`; prints the tables, writes `r_estimates.csv` and compares it with `bip_estimates.csv` |
| `regression_tables.md`, `regression_tables.tex`, `regression_tables.docx` | the models as published tables: coefficients over clustered SEs, fixed-effect and control rows, N, clusters, R² (no stars: p-values unadjusted for the many comparisons) |
| `replicate.do` | the same in Stata with built-in commands (`regress`, `areg`); writes `stata_estimates.csv` |

Run `Rscript replicate.R` (or `do replicate.do` in Stata) in this folder.

## What is reproduced

| `model` in the CSVs | analysis | published counterpart |
|---|---|---|
| `a1_weeks` | A1: per item, progression on an intercept and weeks since the previous measurement | 003 Tabel 1 and Figur 1-2 (progression between measurements) |
| `a4_naive` | A4: per item, the standardised progression on the 16 JOSH combination dummies, no intercept (each coefficient is the combination's mean, an effect size d) | 003 Figur 3-24 |
| `a4_adjusted` | A4: the same plus the previous level and the background controls, all demeaned over the model's sample; rows with a missing control left out | 003 Figur 3-24 (adjusted for who gets which activities) |
| `a5_job` | A5: linear probability model of job or education within 52 weeks on every indicator's level and progression plus register background (missing: mean + indicator) | 000, 001, 002: which indicators predict a job |
| `a6_fe` | A6: the same outcome on background and B1-B9 with caseworker fixed effects (caseworkers with a caseworker part for at least {min_citizens} citizens); effects = fixed effects minus their mean; quartiles; policy experiment (everyone as effective as the top quartile) with its delta-method standard error | 004 Tabel 1, Figur 2-19 (R² without/with fixed effects, quartiles, the policy experiment) |

Standard errors are cluster-robust by citizen (CR1: G/(G-1)·(N-1)/(N-K)), intervals and
p-values from Student's t with G-1 degrees of freedom, G the number of citizens in the
model's sample; in R `sandwich::vcovCL(fit, cluster = ~citizen, type = "HC1")` with
`lmtest::coeftest(..., df = G - 1)`, in Stata `vce(cluster)`.

Not reproduced: BIP's own extension of A6 (each effect's noise, empirical-Bayes shrinkage,
split-half reliability, the model-based intervals and tests), which has no counterpart in the published
reports; the Stata do-file gives the policy experiment's point estimates only. Stata's R² of
a model without a constant (A4) is uncentred, so the do-file does not report it; BIP's is
centred.
"""


def readme(results: Results, panel: pd.DataFrame, lang: str = "en") -> str:
    """README.md of the package built from ``results`` and ``panel``."""
    from bip.analysis import a6_caseworkers

    m = results.meta
    return _BODY.format(
        version=m.bip_version,
        generated=m.generated_at,
        fingerprint=m.dataset_fingerprint,
        rows=len(panel),
        citizens=panel["citizen_id"].nunique(),
        cols=panel.shape[1],
        lang_name="Danish" if lang == "da" else "English",
        min_citizens=a6_caseworkers.MIN_CITIZENS_PER_CASEWORKER,
    )
