"""Selection into activities (S1): the 16 combinations drawn on observables, as 003 Tabel 3-11.

The log-weights of the five groups shift with background, jobcentre and the previous S12
(``PARAMETERS["selection"]``); base weights are fitted once so that the mix over the
population reproduces 003 Tabel 3 (independent of the seed).
"""

from __future__ import annotations

from functools import cache

import numpy as np

from bip.synth.params import (
    CODES,
    JOBCENTER_BY_GROUP,
    JOBCENTER_SHARE,
    LEVEL_DIST,
    PARAMETERS,
    TABEL3_COUNTS,
)
from bip.synth.population import draw_background

SCHED = PARAMETERS["schedule"]
GROUP_ORDER = ("J", "O", "S", "H")
CODE_GROUPS = np.array([[c[i] == "1" for i in range(4)] for c in CODES])  # 16 x 4


def selection_matrix(
    b: dict[str, np.ndarray], prev_s12: np.ndarray, rows: np.ndarray
) -> np.ndarray:
    """Log-weight shifts per row for the 4 groups and 'none' (rows index citizens)."""
    feats = {
        "nonwestern_immigrant": b["nonwestern"][rows].astype(float),
        "married": b["married"][rows].astype(float),
        "age_10y": (b["age"][rows] - 39) / 10,
        "psych_light": b["psych_light"][rows].astype(float),
        "psych_severe": b["psych_severe"][rows].astype(float),
        "musculo": b["som_musculo"][rows].astype(float),
        "prev_S12": prev_s12 - 2.5,
        "unskilled": (b["education"][rows] == 0).astype(float),
        "children": (b["n_children"][rows] > 0).astype(float),
        "examination": b["som_examination"][rows].astype(float),
        "antidepressant": b["med_antidepressant"][rows].astype(float),
        "painkiller": b["med_painkiller"][rows].astype(float),
        "gp_high": (b["gp_weeks"][rows] - 20) / 20,
    }
    jc = b["jc"][rows] % len(JOBCENTER_SHARE)
    jc_shift = np.log(np.array(JOBCENTER_BY_GROUP, float) / np.array(JOBCENTER_SHARE)[:, None])
    out = np.zeros((len(rows), 5))
    for j, g in enumerate((*GROUP_ORDER, "none")):
        for k, v in PARAMETERS["selection"][g].items():
            out[:, j] += v * feats[k]
        out[:, j] += jc_shift[jc, j]
    return out


def code_logits(shift: np.ndarray, base: np.ndarray) -> np.ndarray:
    lg = base[None, :] + shift[:, :4].astype(float) @ CODE_GROUPS.T.astype(float)
    lg[:, 0] += shift[:, 4]
    return lg


def softmax_draw(rng: np.random.Generator, logits: np.ndarray) -> np.ndarray:
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    cum = np.cumsum(p, axis=1)
    u = rng.random(len(p)) * cum[:, -1]
    return (cum < u[:, None]).sum(axis=1).clip(0, 15)


@cache
def code_base() -> np.ndarray:
    """Base log-weights of the 16 codes, calibrated on a fixed pilot so that the mix over a
    population with the selection shifts reproduces 003 Tabel 3 (independent of the seed)."""
    rng = np.random.Generator(np.random.PCG64(20170507))
    n = 40_000
    b = draw_background(rng, n, np.array(JOBCENTER_SHARE) / sum(JOBCENTER_SHARE))
    prev = 1 + np.searchsorted(np.cumsum(LEVEL_DIST["S12"]), rng.random(n)).clip(0, 4)
    shift = selection_matrix(b, prev.astype(float), np.arange(n))
    target = np.array([TABEL3_COUNTS[c] for c in CODES], float)
    target /= target.sum()
    base = np.log(target)
    for _ in range(30):
        lg = code_logits(shift, base)
        p = np.exp(lg - lg.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        base += np.log(target / p.mean(axis=0))
    return base


def s1_ticks(rng: np.random.Generator, code_idx: np.ndarray) -> np.ndarray:
    """S1 options 1-23 ticked (n x 23, int8) for the drawn codes, with some unknown and
    contradictory answers, as real data have."""
    n = len(code_idx)
    ticks = np.zeros((n, 23), np.int8)
    probs = PARAMETERS["s1_option_prob"]
    for g_i, g in enumerate(GROUP_ORDER):
        has = CODE_GROUPS[code_idx, g_i]
        opts = np.array([int(o) for o in probs[g]])
        pr = np.array(list(probs[g].values()))
        t = (rng.random((n, len(opts))) < pr) & has[:, None]
        none = has & ~t.any(axis=1)
        forced = np.searchsorted(np.cumsum(pr / pr.sum()), rng.random(n)).clip(0, len(opts) - 1)
        t[np.arange(n), forced] |= none
        ticks[:, opts - 1] = t
    no_act = code_idx == 0
    ticks[no_act, 21] = 1
    u = rng.random(n)
    unknown = u < SCHED["s1_unknown"]
    empty = (u >= SCHED["s1_unknown"]) & (u < SCHED["s1_unknown"] + SCHED["s1_empty"])
    ticks[unknown | empty] = 0
    ticks[unknown, 22] = 1
    contra = ~unknown & ~empty & ~no_act & (rng.random(n) < SCHED["s1_contradictory"])
    ticks[contra, np.where(rng.random(contra.sum()) < 0.7, 21, 22)] = 1
    return ticks
