"""Small simulated analysis panels (docs/panel.md columns A5–A7 read) with planted effects.

Independent of the panel builder and the synthetic cohort, so the estimators can be tested
against known truth on their own.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

B = [f"B{i}" for i in range(1, 10)]
S = [f"S{i}" for i in range(2, 13)]
CHANNELS = ["newspapers", "internet", "unsolicited", "network", "internship", "temp_agency"]
GROUP_OF = {
    1: "O",
    2: "O",
    3: "J",
    4: "S",
    5: "J",
    6: "S",
    7: "J",
    8: "S",
    9: "H",
    10: "H",
    11: "H",
    12: "J",
    13: "J",
    14: "J",
    15: "S",
    16: "H",
    17: "J",
    18: "O",
    19: "J",
    20: "J",
    21: "O",
}


def simulate_panel(
    *,
    n_caseworkers: int = 60,
    n_citizens: int = 1500,
    cw_sd: float = 0.08,
    change_rel: float = 0.0,
    belief_rel: float = 0.0,
    cw_belief_sd: float = 0.0,
    p_change: float = 0.15,
    citizen_sd: float = 0.08,
    base: float = 0.15,
    multiplicative: bool = False,
    seed: int = 0,
) -> tuple[pd.DataFrame, dict]:
    """A panel and its truth.

    Additive model (default): P(y) = base + 0.05·ability + 0.03·female + u_c + cw effect.
    Multiplicative model: P(y) = base·exp(0.3·ability)·(1+change_rel)^n_changes·
    (1+belief_rel)^[caseworker optimistic], so the Poisson regressions' relative effects are
    exactly ``change_rel`` and ``belief_rel``.
    """
    rng = np.random.default_rng(seed)
    cw_ids = np.array([f"W{i:03d}" for i in range(n_caseworkers)])
    cw_eff = rng.normal(0, cw_sd, n_caseworkers)
    cw_eff -= cw_eff.mean()
    cw_opt = rng.normal(0, cw_belief_sd, n_caseworkers)  # shifts S12 answers of the caseworker
    cw_high_true = cw_opt > np.median(cw_opt)
    rows = []
    for c in range(n_citizens):
        ability = rng.normal()
        u = rng.normal(0, citizen_sd)
        female = rng.random() < 0.45
        age = rng.uniform(25, 60)
        psych = rng.choice(["none", "light", "severe"], p=[0.55, 0.3, 0.15])
        has_persons = rng.random() > 0.02
        m = rng.integers(1, 8)
        g = rng.integers(n_caseworkers)
        day = pd.Timestamp("2013-01-01") + pd.Timedelta(days=int(rng.integers(0, 600)))
        changes = 0
        prev_b = prev_s = None
        for j in range(m):
            if j > 0 and rng.random() < p_change:
                g = (g + 1 + rng.integers(n_caseworkers - 1)) % n_caseworkers
                changes += 1
            lvl = ability + rng.normal(0, 0.7, 9)
            b = np.clip(np.round(3 + lvl), 1, 5).astype(float)
            b[rng.random(9) < 0.05] = np.nan
            s = np.clip(np.round(3 + ability + rng.normal(0, 0.7, 11)), 1, 5).astype(float)
            s[-1] = np.clip(np.round(2.7 + ability + cw_opt[g] + rng.normal(0, 0.6)), 1, 5)
            s[rng.random(11) < 0.04] = np.nan
            if multiplicative:
                p = base * np.exp(0.3 * ability) * (1 + change_rel) ** changes
                p *= (1 + belief_rel) ** cw_high_true[g]
            else:
                p = base + 0.05 * ability + 0.03 * female + u + cw_eff[g]
            p = float(np.clip(p, 0.005, 0.97))
            y = int(rng.random() < p)
            y13 = int(rng.random() < p / 3)
            ticks = np.zeros(23, dtype=int)
            if rng.random() < 0.25:
                ticks[21] = 1
            else:
                ticks[rng.choice(21, size=rng.integers(1, 4), replace=False)] = 1
            groups = {GROUP_OF[i + 1] for i in range(21) if ticks[i]}
            code = "".join("1" if x in groups else "0" for x in "JOSH") if groups else "0000"
            status = rng.choice(
                ["searching", "not_searching", "no_answer"],
                p=[0.3 + 0.05 * np.tanh(ability), 0.64 - 0.05 * np.tanh(ability), 0.06],
            )
            r = {
                "measurement_id": f"M{c:05d}_{j}",
                "citizen_id": f"C{c:05d}",
                "caseworker_id": cw_ids[g],
                "jobcenter_id": f"JC{g % 5}",
                "measured_on": day,
                "meas_no": j + 1,
                "is_repeat": j > 0,
                "has_citizen_part": True,
                "has_caseworker_part": True,
                "cw_changed": False,
                "n_cw_changes": changes,
                "job_or_education_52w": y,
                "job_13w": y13,
                "B10_status": status,
                "age": age if has_persons else np.nan,
                "female": float(female) if has_persons else np.nan,
                "married": float(rng.random() < 0.2) if has_persons else np.nan,
                "single_parent": float(rng.random() < 0.18) if has_persons else np.nan,
                "n_children": float(rng.integers(0, 4)) if has_persons else np.nan,
                "origin": rng.choice(
                    ["danish", "nonwestern_immigrant", "western_immigrant"], p=[0.8, 0.15, 0.05]
                )
                if has_persons
                else None,
                "education": rng.choice(["unskilled", "skilled", "higher"], p=[0.71, 0.25, 0.04])
                if has_persons
                else None,
                "share3y_cash_benefit": rng.uniform(0.5, 1),
                "psych_light": int(psych == "light"),
                "psych_severe": int(psych == "severe"),
                "psych_any": int(psych != "none"),
                "psych_F30_F39": int(psych == "light"),
                "psych_F20_F29": int(psych == "severe"),
                "som_musculo": int(rng.random() < 0.2),
                "med_antidepressant": int(rng.random() < 0.28),
                "gp_weeks_12m": float(rng.poisson(6)),
                "combination": code,
            }
            for i, v in enumerate(b):
                r[B[i]] = v
                r[f"d_{B[i]}"] = v - prev_b[i] if prev_b is not None else np.nan
            for i, v in enumerate(s):
                r[S[i]] = v
                r[f"d_{S[i]}"] = v - prev_s[i] if prev_s is not None else np.nan
            for k, ch in enumerate(CHANNELS):
                r[f"B10_{ch}"] = int(status == "searching" and rng.random() < 0.3 + 0.05 * k)
            for i in range(23):
                r[f"S1_{i + 1}"] = int(ticks[i])
            for x in "JOSH":
                r[f"act_{x}"] = int(x in groups)
            rows.append(r)
            prev_b, prev_s = b, s
            day = day + pd.Timedelta(days=int(rng.integers(60, 250)))
    panel = pd.DataFrame(rows)
    panel["B_avg"] = panel[B].mean(axis=1, skipna=False)
    panel["S_avg"] = panel[S].mean(axis=1, skipna=False)
    prev = panel.groupby("citizen_id")["caseworker_id"].shift()
    panel["cw_changed"] = prev.notna() & (prev != panel["caseworker_id"])
    panel["n_cw_changes"] = panel.groupby("citizen_id")["cw_changed"].cumsum().astype(int)
    for c in ("job_or_education_52w", "job_13w"):
        panel[c] = panel[c].astype("Int8")
    truth = {
        "caseworker_effects": dict(zip(cw_ids, cw_eff, strict=True)),
        "caseworker_effect_sd": cw_sd,
        "change_rel": change_rel,
        "belief_rel": belief_rel,
        "cw_high": dict(zip(cw_ids, cw_high_true, strict=True)),
    }
    return panel, truth


def a567_results(panel, seed: int = 0, *, n_boot: int = 200) -> dict:
    """A5-A7 on ``panel`` and their results.json summaries, as JSON-ready dicts (the keys
    ``caseworker_effectiveness``, ``caseworker_change``, ``belief`` and the three sections)."""
    from bip.analysis import a5_job_chance, a6_caseworkers, a7_change_belief
    from bip.results.summary import belief_summary, change_summary, effectiveness_summary

    a5 = a5_job_chance.run(panel, seed=seed)
    a6 = a6_caseworkers.run(panel, seed=seed, n_draws=n_boot)
    a7 = a7_change_belief.run(panel, seed=seed)
    parts = {
        "caseworker_effectiveness": effectiveness_summary(a6),
        "caseworker_change": change_summary(a7),
        "belief": belief_summary(a5, a7),
        "a5_job_chance": a5,
        "a6_caseworkers": a6,
        "a7_change_belief": a7,
    }
    return {k: v.model_dump(mode="json") for k, v in parts.items()}
