"""Who the synthetic citizens are: jobcentres, caseworkers and each citizen's background.

Background follows the published BIP population (000 bullets, 003 Tabel 4-11): about 39 years
old, 16 % non-western immigrants, 71 % unskilled, 46 % with a psychiatric diagnosis or
psychotropic medicine, and so on. Everything is vectorised over a chunk of citizens.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from bip.synth.mechanisms import Mechanisms
from bip.synth.params import JOBCENTER_NAMES, JOBCENTER_SHARE, PARAMETERS

_Z = NormalDist().inv_cdf
POP = PARAMETERS["population"]

# F-chapters in the order of the panel's psych_F.. columns; light/severe as docs/panel.md defines them.
F_CHAPTERS = ("F00", "F10", "F20", "F30", "F40", "F50", "F60", "F70", "F80", "F90", "F99")
_LIGHT = {"F10": 0.26, "F30": 0.45, "F40": 0.42, "F50": 0.04, "F90": 0.20}  # 003 Tabel 7 / light
_SEVERE = {"F00": 0.04, "F20": 0.22, "F60": 0.62, "F70": 0.04, "F80": 0.06}  # / severe share
SOMATIC = {  # group -> (3-year prevalence, example ICD-10 stems); 003 Tabel 8
    "cancer": (0.01, ("C50", "D05", "D41")),
    "diabetes": (0.01, ("E11", "E10")),
    "nervous": (0.055, ("G43", "G40", "G56")),
    "cardio": (0.04, ("I10", "I20", "I48")),
    "lung": (0.04, ("J45", "J44", "J18")),
    "musculo": (0.21, ("M54", "M75", "M79")),
    "pregnancy": (0.10, ("O80", "O20", "O03")),
    "digestive": (0.18, ("N39", "N94", "N20")),
    "eye_ear": (0.03, ("H52", "H66", "H10")),
    "examination": (0.56, ("Z00", "Z03", "Z71")),
    "accident": (0.31, ("S62", "T14", "S93", "W19")),
}
MEDICINES = {  # group -> ATC codes (003 Tabel 9 note)
    "lifestyle": ("C10AA05", "A10BA02", "B01AC06", "A02BC01", "C09AA02"),
    "painkiller": ("N02BE01", "M01AE01", "N02AX02"),
    "antipsychotic": ("N05AH04", "N05AX08", "N05AH03"),
    "anxiety": ("N05BA04", "N05CF01", "N05BA01"),
    "antidepressant": ("N06AB04", "N06AB10", "N06AX11"),
    "addiction": ("N07BB01", "N07BC02", "R03AC02"),
}
CRIME_LAWS = ("penal", "traffic", "other")


@dataclass
class Staff:
    """Jobcentres and caseworkers (drawn once per cohort from the global stream)."""

    jc_ids: list[str]
    jc_names: list[str]
    jc_weight: np.ndarray  # share of citizens per jobcentre
    cw_ids: list[str]
    cw_jc: np.ndarray  # jobcentre index per caseworker
    cw_weight: np.ndarray  # caseload weight
    cw_effect: np.ndarray  # nominal additive effect on P(outcome), mean zero
    cw_leniency: np.ndarray  # shift of the caseworker's S12 answers
    cw_high_belief: np.ndarray  # leniency above the median caseworker


def n_jobcenters(scale: float) -> int:
    """10 at scale 1 (the BIP municipalities), growing with scale up to Denmark's 98."""
    return int(min(98, max(2, round(10 * scale))))


def draw_staff(rng: np.random.Generator, scale: float, mech: Mechanisms | None = None) -> Staff:
    """Jobcentres and caseworkers with unequal caseloads (004: ~115 of ~300 have >= 10 citizens)."""
    mech = mech or Mechanisms()
    n_jc = n_jobcenters(scale)
    names = [
        JOBCENTER_NAMES[i] if i < len(JOBCENTER_NAMES) else f"Jobcenter {i + 1}"
        for i in range(n_jc)
    ]
    base = np.array([JOBCENTER_SHARE[i % len(JOBCENTER_SHARE)] for i in range(n_jc)], float)
    jc_weight = base * (1 if n_jc <= 10 else rng.uniform(0.5, 1.5, n_jc))
    jc_weight /= jc_weight.sum()
    n_cw = max(2 * n_jc, round(PARAMETERS["caseworkers"]["per_scale"] * scale))
    # Every jobcentre gets at least two caseworkers, the rest in proportion to its size.
    per_jc = 2 + rng.multinomial(n_cw - 2 * n_jc, jc_weight)
    cw_jc = np.repeat(np.arange(n_jc), per_jc)
    cw_p = PARAMETERS["caseworkers"]
    sigma = cw_p["caseload_lognormal_sigma" if mech.caseload == "lognormal" else "caseload_sigma"]
    cw_weight = rng.lognormal(0.0, sigma, n_cw)
    sd = cw_p["effect_sd_nominal" if mech.outcome == "s12" else "effect_sd_observed"]
    eff = rng.normal(0.0, sd, n_cw)
    eff -= eff.mean()
    # Belief is a two-type trait (high/low, half each) with some spread within type, so that a
    # caseworker's mean S12 about their other citizens reveals the type (as A7 needs).
    high = rng.permutation(n_cw) < n_cw // 2
    len_ = np.where(high, 1.0, -1.0) * cw_p["belief_leniency"] + rng.normal(
        0.0, cw_p["belief_leniency_sd"], n_cw
    )
    # Own effects average zero within each belief type (weighted by expected caseload), so the
    # finite set of caseworkers does not confound the planted belief effect with own effects.
    share = jc_weight[cw_jc] * cw_weight / np.bincount(cw_jc, weights=cw_weight)[cw_jc]
    for t in (high, ~high):
        eff[t] -= np.average(eff[t], weights=share[t])
    return Staff(
        jc_ids=[f"jc{i + 1:02d}" for i in range(n_jc)],
        jc_names=names,
        jc_weight=jc_weight,
        cw_ids=[f"cw{i + 1:05d}" for i in range(n_cw)],
        cw_jc=cw_jc,
        cw_weight=cw_weight,
        cw_effect=eff,
        cw_leniency=len_,
        cw_high_belief=high,
    )


def _pick(rng: np.random.Generator, n: int, probs) -> np.ndarray:
    p = np.asarray(probs, float)
    return np.searchsorted(np.cumsum(p / p.sum()), rng.random(n), side="right").clip(0, len(p) - 1)


def _logit_shift(p: float, shift: np.ndarray) -> np.ndarray:
    lo = np.log(p / (1 - p)) + shift
    return 1 / (1 + np.exp(-lo))


def draw_background(
    rng: np.random.Generator, n: int, jc_weight: np.ndarray
) -> dict[str, np.ndarray]:
    """Background of ``n`` citizens: demography, health, crime, labour-market propensity."""
    b: dict[str, np.ndarray] = {}
    b["jc"] = _pick(rng, n, jc_weight)
    b["female"] = rng.random(n) < POP["female"]
    young = rng.random(n) < POP["age_under30"]
    b["age"] = np.where(young, 18 + 12 * rng.random(n), 30 + 34 * rng.beta(*POP["age_beta"], n))
    origin_p = list(POP["origin"].values())
    b["origin"] = _pick(rng, n, origin_p)
    nw = b["origin"] == 3
    b["nonwestern"] = nw
    # Non-western immigrants: less education, more often married, more children (003 Tabel 4, O).
    edu_nw, edu_other = (0.93, 0.05, 0.02), (0.668, 0.276, 0.056)
    b["education"] = np.where(nw, _pick(rng, n, edu_nw), _pick(rng, n, edu_other))
    b["married"] = rng.random(n) < np.where(nw, POP["married_nonwestern"], 0.152)
    kids_cat = np.where(
        nw, _pick(rng, n, (0.33, 0.10, 0.44, 0.13)), _pick(rng, n, (0.62, 0.17, 0.18, 0.03))
    )
    n_kids = np.select(
        [kids_cat == 0, kids_cat == 1, kids_cat == 2],
        [0, 1, 2 + (rng.random(n) < 0.3)],
        4 + rng.integers(0, 3, n),
    )
    b["n_children"] = n_kids
    b["single_parent"] = (
        (n_kids > 0)
        & ~b["married"]
        & (rng.random(n) < POP["single_parent_given_children_unmarried"])
    )
    # Psychiatric diagnoses in the 3 years before (light/severe overlap as in 003 Tabel 6).
    zp = rng.standard_normal(n) - 0.35 * nw
    any_dx = zp > _Z(1 - POP["psych_dx_3y"])
    severe = zp > _Z(1 - POP["psych_severe_3y"])
    light = any_dx & (~severe | (rng.random(n) < 10 / 12))
    b["psych_light"], b["psych_severe"], b["psych_any"] = light, severe, any_dx
    ch = {}
    for group, flag in ((_LIGHT, light), (_SEVERE, severe)):
        names = list(group)
        probs = np.array(list(group.values()))
        ticks = (rng.random((n, len(names))) < probs) & flag[:, None]
        none = flag & ~ticks.any(axis=1)
        forced = _pick(rng, n, probs)
        ticks[np.arange(n), forced] |= none
        for j, name in enumerate(names):
            ch[name] = ticks[:, j]
    ch["F99"] = any_dx & (rng.random(n) < 0.10)
    for c in F_CHAPTERS:
        b[f"dx_{c}"] = ch[c]
    # Psychotropic medicine in the 6 months before (46 % diagnosis or psychotropics, 000).
    r = rng.random
    nwf = np.where(nw, 0.6, 1.07)  # fewer psychotropics among non-western immigrants (Tabel 6, O)
    b["med_antidepressant"] = r(n) < np.where(any_dx, 0.55, 0.18) * nwf
    b["med_antipsychotic"] = r(n) < np.select([severe, light], [0.45, 0.15], 0.05)
    b["med_anxiety"] = r(n) < np.where(any_dx, 0.15, 0.05) * nwf
    b["med_addiction"] = r(n) < np.where(ch["F10"], 0.40, 0.055)
    # Somatic diagnoses (3 years) with a shared health latent.
    zh = rng.standard_normal(n)
    for g, (p, _) in SOMATIC.items():
        if g == "pregnancy":
            eligible = b["female"] & (b["age"] < 45)
            b[f"som_{g}"] = eligible & (r(n) < 0.30)
        else:
            nw_shift = 0.0 if g == "examination" else -0.6 * nw + 0.05
            b[f"som_{g}"] = r(n) < _logit_shift(p, 0.35 * zh + nw_shift)
    b["med_painkiller"] = r(n) < np.where(b["som_musculo"], 0.50, 0.234) * np.where(nw, 0.75, 1.05)
    b["med_lifestyle"] = r(n) < _logit_shift(0.23, 0.6 * (b["age"] - 39) / 10 - 1.0 * nw - 0.05)
    # Crime in the 5 years before (003 Tabel 11; one in four men, 000).
    male = ~b["female"]
    zc = rng.standard_normal(n)  # non-western immigrants: fewer charges (Tabel 11, O) below
    for law, (pm, pf) in zip(CRIME_LAWS, ((0.25, 0.08), (0.24, 0.10), (0.15, 0.05)), strict=True):
        p = np.where(male, pm, pf)
        charged = r(n) < 1 / (
            1
            + np.exp(
                -(np.log(p / (1 - p)) + 0.6 * zc - 2.5 * nw - 0.5 * (law == "traffic") * severe)
            )
        )
        b[f"charge_{law}"] = charged
        b[f"conviction_{law}"] = (charged & (r(n) < 0.88)) | (r(n) < 0.015)
    # GP: weeks with a contact in the 12 months before (~21, 003 Tabel 10).
    lam = (
        POP["gp_weeks_12m_mean"] * rng.gamma(2.0, 0.5, n) * np.exp(0.15 * zh + 0.15 * any_dx - 0.04)
    )
    b["gp_weeks"] = np.minimum(rng.poisson(lam), 48)
    # Labour-market propensity and employability. e_obs uses only register-observable traits.
    b["emp_hist"] = rng.standard_normal(n) - 0.7 * nw
    skilled, higher = b["education"] == 1, b["education"] == 2
    e_obs = (
        0.35 * skilled
        + 0.6 * higher
        - 0.45 * severe
        - 0.25 * light
        - 0.12 * (b["age"] - 39) / 10
        + 0.25 * b["emp_hist"]
    )
    b["e_unobs"] = rng.standard_normal(n)
    b["e"] = (e_obs + 0.8 * b["e_unobs"] + 0.14) / 0.9
    return b


def controls(b: dict[str, np.ndarray]) -> np.ndarray:
    """The observable controls of the progression model, one column each (see PARAMETERS)."""
    cols = {
        "age_10y": (b["age"] - 39) / 10,
        "female": b["female"],
        "nonwestern_immigrant": b["nonwestern"],
        "skilled": b["education"] == 1,
        "higher": b["education"] == 2,
        "psych_light": b["psych_light"],
        "psych_severe": b["psych_severe"],
        "married": b["married"],
    }
    return np.column_stack(
        [np.asarray(cols[c], float) for c in PARAMETERS["progression"]["controls"]]
    )
