"""A realistic results dict (SPEC §6 + the a6 layout of branch a567) for report tests.

Numbers are plausible BIP-like values drawn from a seeded RNG, not real results; the
report must render them, not check them.
"""

from __future__ import annotations

import numpy as np

from bip.instrument import ALL_COMBINATIONS, B_ITEMS, S_ITEMS

ITEMS = (*B_ITEMS, *S_ITEMS, "B_avg", "S_avg")


def make_results(seed: int = 0, *, n_cw: int = 120) -> dict:
    """A full results dict with every SPEC §6 key and all nine analysis sections."""
    rng = np.random.default_rng(seed)
    counts = rng.integers(20, 1700, size=16)
    counts[7] = 3  # a small cell (0111) so suppression has something to hide
    total = int(counts.sum())
    combinations = {
        c: {"n": int(n), "share": float(n / total), "n_citizens": int(max(1, n * 0.7))}
        for c, n in zip(ALL_COMBINATIONS, counts, strict=True)
    }
    progression = {
        it: {
            "mean": float(rng.normal(0.02, 0.03)),
            "n": int(rng.integers(5000, 7000)),
            "share_unchanged": float(rng.uniform(0.3, 0.5)),
            "n_citizens": 2600,
        }
        for it in ITEMS
    }
    ce = {}
    for it in ITEMS:
        ce[it] = {}
        for c, n in zip(ALL_COMBINATIONS, counts, strict=True):
            d = float(rng.normal(0.05 if c[0] == "1" else -0.05, 0.08))
            hw = float(1.96 / np.sqrt(max(n, 2)))
            ce[it][c] = {
                "d": d,
                "ci_low": d - hw,
                "ci_high": d + hw,
                "n": int(n),
                "n_citizens": int(max(1, n * 0.7)),
            }
    effects = []
    for i in range(n_cw):
        e = float(rng.normal(0, 0.09))
        effects.append(
            {
                "caseworker_id": f"cw{i:04d}",
                "effect": e,
                "effect_shrunk": e * 0.45,
                "se": 0.07,
                "n_measurements": int(rng.integers(10, 90)),
                "n_citizens": int(rng.integers(3, 40)),
                "quartile": 1 + i % 4,
            }
        )
    quartiles = [
        {
            "quartile": q,
            "n_caseworkers": n_cw // 4,
            "n_measurements": 1500,
            "n_citizens": 700,
            "outcome_rate": r,
            "mean_effect": m,
            "citizens_per_caseworker": cpc,
        }
        for q, r, m, cpc in (
            (1, 0.08, -0.12, 22.0),
            (2, 0.13, -0.03, 23.0),
            (3, 0.17, 0.04, 27.5),
            (4, 0.22, 0.13, 20.1),
        )
    ]
    pe = {
        "actual": 0.1476,
        "actual_se": 0.0045,
        "counterfactual": 0.2712,
        "counterfactual_se": 0.002,
        "increase": 0.1236,
        "increase_se": 0.004,
        "p_value": 1e-8,
    }
    cwe = {
        "n_measurements": 6000,
        "n_caseworkers": n_cw,
        "n_citizens": 2700,
        "r2_without_fe": 0.15,
        "r2_with_fe": 0.20,
        "quartiles": quartiles,
        "policy_experiment": pe,
        "effects": effects,
        "true_effect_sd": 0.045,
    }
    a6 = {
        **cwe,
        "status": "ok",
        "method": "004",
        "beyond": {
            "true_effect_sd": 0.045,
            "mean_reliability": 0.41,
            "raw_effect_sd": 0.09,
            "quartiles_shrunk": [
                {"quartile": q, "n_caseworkers": n_cw // 4, "mean_effect": m}
                for q, m in ((1, -0.05), (2, -0.01), (3, 0.015), (4, 0.055))
            ],
            "policy_experiment_shrunk": {
                "actual": 0.1476,
                "counterfactual": 0.196,
                "increase": 0.0484,
            },
            "split_sample": {"n_caseworkers": n_cw, "correlation": 0.31, "spearman_brown": 0.47},
            "explanation_da": "De rå effekter er støjfyldte; de krympede er et bedre bud.",
            "explanation_en": "The raw effects are noisy; the shrunken ones are a better guess.",
        },
    }
    s12 = {str(k): v for k, v in zip(range(1, 6), (0.05, 0.09, 0.14, 0.22, 0.35), strict=True)}
    s13 = {
        str(k): {"rate": v, "n": 1000, "n_citizens": 600}
        for k, v in zip(range(1, 6), (0.012, 0.03, 0.05, 0.10, 0.25), strict=True)
    }
    per_jc = [
        {
            "jobcenter_id": f"JC{j:02d}",
            "n_citizens": int(rng.integers(2, 600)),
            "measurements_per_citizen": float(rng.uniform(2, 5)),
            "share_within_13w": float(rng.uniform(0.2, 0.6)),
            "share_unknown_combination": float(rng.uniform(0, 0.1)),
        }
        for j in range(10)
    ]
    return {
        "meta": {
            "schema": "bip-results/1",
            "bip_version": "0.1.0",
            "generated_at": "2026-11-22T02:00:00Z",
            "dataset_path": "demo/dataset",
            "dataset_fingerprint": "ab" * 32,
            "lang": "da",
        },
        "dataset": {
            "jobcenters": 10,
            "caseworkers": 300,
            "citizens": 3700,
            "measurements": 13800,
            "citizen_parts": 13700,
            "caseworker_parts": 13600,
        },
        "progression": progression,
        "mean_weeks_between": 21.7,
        "combinations": combinations,
        "combination_effects": ce,
        "caseworker_effectiveness": cwe,
        "caseworker_change": {
            "share_with_change": 0.41,
            "relative_effect_per_change": -0.2,
            "ci_low": -0.3,
            "ci_high": -0.09,
            "n_citizens": 2900,
        },
        "belief": {
            "outcome_rate_by_S12": s12,
            "job13_rate_by_S12": s13,
            "relative_effect_high_vs_low": 0.3,
            "ci_low": 0.12,
            "ci_high": 0.5,
        },
        "a1_progression": {it: {"share_up": 0.3, "share_down": 0.25} for it in ITEMS}
        | {
            "weeks_regression": {
                "slope_per_week": 0.0004,
                "ci_low": -0.001,
                "ci_high": 0.002,
                "n": 6000,
            }
        },
        "a2_activities": {"combinations": combinations},
        "a3_background": {
            "by_group": [
                {
                    "group": g,
                    "n_citizens": int(rng.integers(2, 2000)),
                    "age_mean": float(rng.uniform(30, 45)),
                    "share_married": float(rng.uniform(0.1, 0.3)),
                }
                for g in "JOSH"
            ]
            + [{"group": "none", "n_citizens": 4, "age_mean": 41.2345, "share_married": 0.2345}]
        },
        "a4_combination_effects": {
            "controlled": {
                it: {
                    c: {
                        **v,
                        "d": v["d"] * 0.7,
                        "ci_low": v["ci_low"] * 0.7,
                        "ci_high": v["ci_high"] * 0.7,
                    }
                    for c, v in per.items()
                }
                for it, per in ce.items()
            }
        },
        "a5_job_chance": a5_like(seed),
        "a6_caseworkers": a6,
        "a7_change_belief": {"share_with_change": 0.41, "n_citizens_repeat": 2900},
        "a8_cohort": {"mean_age": 38.2, "share_married": 0.21, "n_citizens": 3700},
        "a9_data_quality": {"per_jobcenter": per_jc},
    }


def minimal_results() -> dict:
    """Only the dataset counts and A1 progression: everything else is absent."""
    return {
        "dataset": {
            "jobcenters": 2,
            "caseworkers": 12,
            "citizens": 1234,
            "measurements": 4000,
            "citizen_parts": 3900,
            "caseworker_parts": 3800,
        },
        "progression": {
            it: {"mean": 0.01, "n": 1234, "share_unchanged": 0.4, "n_citizens": 600} for it in ITEMS
        },
        "mean_weeks_between": 20.0,
    }


def a5_like(seed: int = 0) -> dict:
    """An A5 section in the layout of bip.analysis.a5_job_chance (rates, model, belief, search)."""
    rng = np.random.default_rng(seed)

    def levels():
        return [
            {
                "level": k,
                "n": 900,
                "n_citizens": 400 if k != 5 else 3,
                "job_or_education_52w": 0.05 * k,
                "n_job_or_education_52w": 900,
                "job_13w": 0.02 * k,
                "n_job_13w": 900,
            }
            for k in range(1, 6)
        ]

    channels = (
        "searching",
        "not_searching",
        "no_answer",
        "newspapers",
        "internet",
        "unsolicited",
        "network",
        "internship",
        "temp_agency",
    )
    row = lambda **kw: {**kw, **{k: float(rng.uniform(0.01, 0.8)) for k in channels}}  # noqa: E731
    return {
        "rates_by_level": {it: levels() for it in ITEMS if not it.endswith("_avg")},
        "job_model": {
            "r2": 0.13,
            "sample": "repeat measurements",
            "terms": [
                {
                    "item": "S12",
                    "term": "level",
                    "coef": 0.098,
                    "ci_low": 0.088,
                    "ci_high": 0.109,
                    "std_coef": 0.12,
                    "p_value": 1e-70,
                    "n": 8666,
                    "rank": 1,
                },
                {
                    "item": "B8",
                    "term": "progression",
                    "coef": 0.011,
                    "ci_low": -0.002,
                    "ci_high": 0.024,
                    "std_coef": 0.01,
                    "p_value": 0.09,
                    "n": 8666,
                    "rank": 2,
                },
            ],
        },
        "belief_distributions": {
            it: [
                {"level": k, "share": 0.2, "n": 2000, "n_citizens": 900, "published_share": 0.21}
                for k in range(1, 6)
            ]
            for it in ("B8", "S12")
        },
        "job_search": {
            "unit": "measurements with a citizen part",
            "overall": row(
                n=9000, n_citizens=3000, published={"searching": 0.3, "not_searching": 0.64}
            ),
            "by_mean_citizen_score": [
                row(band=b, n=3000, n_citizens=1000) for b in ("<2.5", "2.5-3.5", ">3.5")
            ],
            "by_psych_group": [
                row(group=g, n=3000, n_citizens=1000 if g != "severe" else 4)
                for g in ("none", "light", "severe")
            ],
        },
        "answers_by_mental_health": {
            "citizen": [
                {
                    "group": g,
                    "n": 900,
                    "n_citizens": 400,
                    "means": {b: {"mean": 3.1, "n": 800} for b in B_ITEMS},
                }
                for g in ("none", "light", "severe")
            ]
        },
    }
