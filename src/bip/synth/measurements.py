"""The meetings: schedule, caseworker path, activities (S1), answers, job search and outcome.

Answers follow a Markov model per item whose expected change given the past is exactly
``tau[item, code] + rho*(prev - centre) + gamma'(x - x0) + delta*(weeks - 22)/10`` (bounded
symmetric noise plus randomised rounding keep answers on 1-5 without moving that mean), so
a regression of progression on the 16 combination dummies with the background controls and
the previous level recovers ``tau``. Selection into activities depends only on observables
(background, jobcentre, previous S12), as in 003 Tabel 4-11.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import cache
from statistics import NormalDist

import numpy as np

from bip.instrument import B_ITEMS, S_ITEMS
from bip.synth.mechanisms import Mechanisms
from bip.synth.params import (
    ALL_ITEMS,
    CODES,
    COMBINATION_D,
    COMBINATION_D_S_0000,
    LEVEL_DIST,
    PARAMETERS,
    TABEL1_MEAN,
    TABEL3_COUNTS,
)
from bip.synth.population import Staff, controls
from bip.synth.selection import (
    code_base,
    code_logits,
    s1_ticks,
    selection_matrix,
    softmax_draw,
)

SCHED = PARAMETERS["schedule"]
PROG = PARAMETERS["progression"]
OUT = PARAMETERS["outcome"]
N_ITEMS = len(ALL_ITEMS)
S12 = ALL_ITEMS.index("S12")
EPOCH = np.datetime64("1970-01-01", "D")


def day(s: str) -> int:
    """Days since 1970-01-01 of an ISO date."""
    return int((np.datetime64(s, "D") - EPOCH).astype(int))


# ---------------------------------------------------------------- planted progression model
def _centre(item: str) -> float:
    return float(np.dot(LEVEL_DIST[item], np.arange(1, 6)))


CENTRE = np.array([_centre(i) for i in ALL_ITEMS])
GAMMA = np.array([PROG["control_effects"][c] for c in PROG["controls"]])


@cache
def tau_design() -> np.ndarray:
    """Planted expected progression per item and code (raw units), items x 16 codes.

    ``nominal SD (1.0) * COMBINATION_D`` plus an item intercept chosen so that the mean over
    the Tabel 3 mix equals the item's Tabel 1 mean.
    """
    shares = np.array([TABEL3_COUNTS[c] for c in CODES], float)
    shares /= shares.sum()
    tau = np.zeros((N_ITEMS, 16))
    for i, item in enumerate(ALL_ITEMS):
        d = np.array([COMBINATION_D[c] for c in CODES])
        if item.startswith("S"):
            d[0] = COMBINATION_D_S_0000
        d = PROG["nominal_sd"] * d
        tau[i] = d + (TABEL1_MEAN[item] + PROG["drift_correction"] - float(shares @ d))
    return tau


def _cutpoints(item: str) -> np.ndarray:
    cum = np.cumsum(LEVEL_DIST[item])[:-1]
    return np.array([NormalDist().inv_cdf(float(c)) for c in cum])


CUTS = np.array([_cutpoints(i) for i in ALL_ITEMS])  # items x 4
# Loading of each item's first answer on employability; mental-health gaps on B2/B5/B6/B8
# and S4/S6/S10 (000 Figur 2-3).
LOADING = np.array([0.55 if i != "S12" else 0.70 for i in ALL_ITEMS])
PSYCH_GAP = np.array(
    [0.25 if i in ("B2", "B5", "B6", "B8", "S4", "S6", "S10") else 0.05 for i in ALL_ITEMS]
)


def change_multiplier(weeks_since: np.ndarray) -> np.ndarray:
    """Factor on the 52-week chance ``weeks_since`` weeks after the latest caseworker change
    (dynamic selection): ``1 - (1 - change_factor) * exp(-weeks / fade_weeks)``; no change = 1."""
    dyn = PARAMETERS["dynamic_selection"]
    w = np.asarray(weeks_since, float)
    fade = np.exp(-np.where(np.isfinite(w), w, np.inf) / dyn["change_fade_weeks"])
    return 1 - (1 - dyn["change_factor"]) * fade


# ---------------------------------------------------------------- the chunk of meetings
@dataclass
class Meetings:
    """Every meeting of a chunk of citizens, flattened in (citizen, order)."""

    cit: np.ndarray  # citizen index within chunk
    k: np.ndarray  # 0-based order
    day: np.ndarray  # days since epoch
    gap_weeks: np.ndarray  # weeks since previous (nan for first)
    cw: np.ndarray  # caseworker index
    n_changes: np.ndarray  # caseworker changes so far
    code: np.ndarray  # drawn combination, index into ALL_COMBINATIONS (unknown only via S1 ticks)
    ticks: np.ndarray  # n x 23 S1
    core: np.ndarray  # n x 20 latent-free answers (1-5) before caseworker leniency
    answers: np.ndarray  # n x 20 observed answers (nan = missing)
    has_b: np.ndarray
    has_s: np.ndarray
    expected_change: np.ndarray  # n x 20: E[core_k - core_{k-1} | past] (nan for first)
    p52: np.ndarray
    p52_no_cw: np.ndarray  # p52 without the caseworker's belief factor and own effect
    s12_level: np.ndarray  # core S12 (drives the outcome)
    b10_status: np.ndarray
    b10_channels: np.ndarray  # n x 6 float (nan = missing)
    b11: np.ndarray
    shift: np.ndarray  # realised leniency shift of S12
    exp_shift: np.ndarray  # its expectation given the core level
    weeks_since_change: np.ndarray  # weeks since the latest caseworker change (inf if none)

    def take(self, keep: np.ndarray) -> Meetings:
        """The meetings where ``keep`` (a mask that drops only a citizen's later meetings)."""
        return Meetings(**{f.name: getattr(self, f.name)[keep] for f in fields(self)})


def _draw_caseworkers(rng, staff: Staff, jc: np.ndarray) -> np.ndarray:
    out = np.empty(len(jc), np.int64)
    for j in np.unique(jc):
        rows = np.flatnonzero(jc == j)
        pool = np.flatnonzero(staff.cw_jc == j)
        cum = np.cumsum(staff.cw_weight[pool])
        out[rows] = pool[
            np.searchsorted(cum, rng.random(len(rows)) * cum[-1]).clip(0, len(pool) - 1)
        ]
    return out


def draw_meetings(
    rng: np.random.Generator,
    b: dict[str, np.ndarray],
    staff: Staff,
    mech: Mechanisms | None = None,
) -> Meetings:
    """Schedule, caseworkers, activities, answers and outcome probabilities for one chunk."""
    mech = mech or Mechanisms()
    n = len(b["jc"])
    first = rng.integers(
        day(SCHED["first_measurement_from"]), day(SCHED["first_measurement_to"]) + 1, n
    )
    extra = rng.negative_binomial(3.0, 3.0 / (3.0 + SCHED["extra_measurements_mean"]), n)
    count = 1 + extra
    cit = np.repeat(np.arange(n), count)
    starts = np.concatenate([[0], np.cumsum(count)[:-1]])
    k = np.arange(len(cit)) - starts[cit]
    dyn = PARAMETERS["dynamic_selection"]
    gap_scale = np.full(len(cit), SCHED["gap_gamma_scale_weeks"])
    if mech.dynamic_selection:
        # Citizens with better unobserved prospects are called in more often (mean kept).
        g = dyn["gap_per_e_unobs"]
        gap_scale = gap_scale * np.exp(-g * b["e_unobs"][cit] - g * g / 2)
    gaps = np.round(
        7
        * (SCHED["gap_min_weeks"] + rng.gamma(SCHED["gap_gamma_shape"], 1.0, len(cit)) * gap_scale)
    )
    gaps[k == 0] = 0
    d = first[cit] + (np.cumsum(gaps) - np.cumsum(gaps)[starts][cit]).astype(np.int64)
    keep = d <= day(SCHED["last_measurement"])
    cit, k, d, gaps = cit[keep], k[keep], d[keep], gaps[keep]
    m = len(cit)
    gap_w = np.where(k == 0, np.nan, gaps / 7.0)
    x = controls(b)
    # Caseworker path: a new caseworker at each meeting with a fixed probability.
    cw = np.empty(m, np.int64)
    nchg = np.zeros(m, np.int64)
    since = np.full(m, np.inf)  # weeks since the latest caseworker change
    p_change = np.full(m, SCHED["caseworker_change_per_meeting"])
    if mech.dynamic_selection:
        # Citizens with worse unobserved prospects are passed on more often (mean kept).
        c = dyn["change_per_e_unobs"]
        p_change = np.clip(p_change * np.exp(-c * b["e_unobs"][cit] - c * c / 2), 0, 0.9)
    first_rows = np.flatnonzero(k == 0)
    cw[first_rows] = _draw_caseworkers(rng, staff, b["jc"][cit[first_rows]])
    kmax = int(k.max()) if m else 0
    for kk in range(1, kmax + 1):
        rows = np.flatnonzero(k == kk)
        change = rng.random(len(rows)) < p_change[rows]
        new = _draw_caseworkers(rng, staff, b["jc"][cit[rows]])
        change &= new != cw[rows - 1]
        cw[rows] = np.where(change, new, cw[rows - 1])
        nchg[rows] = nchg[rows - 1] + change
        since[rows] = np.where(change, 0.0, since[rows - 1] + gap_w[rows])
    # First answers: ordinal from employability and mental health.
    core = np.zeros((m, N_ITEMS))
    expected = np.full((m, N_ITEMS), np.nan)
    code = np.zeros(m, np.int64)
    tau = tau_design()
    base = code_base()
    r = rng.standard_normal((len(first_rows), N_ITEMS))
    ci = cit[first_rows]
    lat = (
        LOADING * b["e"][ci][:, None]
        - PSYCH_GAP * (b["psych_any"][ci] + b["psych_severe"][ci])[:, None]
        + np.sqrt(1 - LOADING**2) * r
    )
    core[first_rows] = 1 + (lat[:, :, None] > CUTS[None, :, :]).sum(axis=2)
    shift = selection_matrix(b, core[first_rows, S12], ci)
    code[first_rows] = softmax_draw(rng, code_logits(shift, base))
    hw, w = PROG["noise_halfwidth"], np.sqrt(mech.item_shock_corr)
    n_b = len(B_ITEMS)
    for kk in range(1, kmax + 1):
        rows = np.flatnonzero(k == kk)
        ci = cit[rows]
        prev = core[rows - 1]
        shift = selection_matrix(b, prev[:, S12], ci)
        code[rows] = softmax_draw(rng, code_logits(shift, base))
        mean = (
            tau[:, code[rows]].T
            + PROG["mean_reversion"] * (prev - CENTRE)
            + (x[ci] @ GAMMA)[:, None]
            + PROG["weeks_effect_per_10_weeks"] * (gap_w[rows, None] - 22) / 10
        )
        lo, hi = 1 - prev, 5 - prev
        mean = np.clip(mean, lo + 0.02, hi - 0.02)
        a = np.minimum(hw, np.minimum(mean - lo, hi - mean))
        common = rng.uniform(-1, 1, (len(rows), 1))
        own = rng.uniform(-1, 1, (len(rows), N_ITEMS))
        v = w * common + (1 - w) * own
        y = mean + a * v
        fl = np.floor(y)
        step = fl + (rng.random(y.shape) < (y - fl))
        if mech.caseworker_repeat_share > 0:
            # A hurried caseworker repeats the last assessment: S2-S12 unchanged.
            q = mech.caseworker_repeat_share
            same = rng.random(len(rows)) < q
            step[same, n_b:] = 0
            mean = np.concatenate([mean[:, :n_b], (1 - q) * mean[:, n_b:]], axis=1)
        core[rows] = prev + step
        expected[rows] = mean
    core = core.clip(1, 5)
    # Caseworker leniency on S12 (their "belief"): shifts the observed S12 by one step.
    observed = core.copy()
    len_ = np.clip(staff.cw_leniency[cw], -0.9, 0.9)
    sgn = np.sign(len_)
    room = (core[:, S12] + sgn >= 1) & (core[:, S12] + sgn <= 5)
    shift_s12 = sgn * (rng.random(m) < np.minimum(np.abs(len_), 1.0)) * room
    exp_shift = sgn * np.minimum(np.abs(len_), 1.0) * room
    observed[:, S12] = core[:, S12] + shift_s12
    # Parts and missingness: whole-part absence, block absence of B1-B9 / S2-S12, items.
    has_b = rng.random(m) < SCHED["citizen_part"]
    has_s = rng.random(m) < SCHED["caseworker_part"]
    has_s |= ~has_b
    answers = observed.copy()
    answers[~has_b, :n_b] = np.nan
    answers[~has_s, n_b:] = np.nan
    answers[rng.random(m) < SCHED["b_block_missing"], :n_b] = np.nan
    answers[rng.random(m) < SCHED["s_block_missing"], n_b:] = np.nan
    miss = np.array([SCHED["item_missing"][i] for i in ALL_ITEMS])
    sloppy = rng.random((m, 2)) < SCHED["item_sloppy_share"]
    per = np.where(
        np.concatenate(
            [np.repeat(sloppy[:, :1], n_b, 1), np.repeat(sloppy[:, 1:], len(S_ITEMS), 1)], 1
        ),
        np.minimum(miss / SCHED["item_sloppy_share"], 1.0),
        0.0,
    )
    answers[rng.random((m, N_ITEMS)) < per] = np.nan
    ticks = s1_ticks(rng, code)
    ticks[~has_s] = 0
    # Job search (B10) by mean citizen score and psychiatric group (002, 000); B11 wage.
    bp = PARAMETERS["b10"]
    got = ~np.isnan(answers[:, :n_b])
    cnt = got.sum(1)
    bmean = np.where(
        cnt > 0, np.nansum(answers[:, :n_b], 1) / np.maximum(cnt, 1), core[:, :n_b].mean(1)
    )
    ci = cit
    lo = (
        bp["intercept"]
        + bp["per_score_point"] * (bmean - 3)
        + bp["severe"] * b["psych_severe"][ci]
        + bp["light"] * (b["psych_light"][ci] & ~b["psych_severe"][ci])
    )
    p_search = 1 / (1 + np.exp(-lo))
    no_ans = rng.random(m) < bp["no_answer"] + 0.04 * (bmean < 2.5)
    searching = ~no_ans & (rng.random(m) < p_search)
    status = np.where(
        no_ans, "no_answer", np.where(searching, "searching", "not_searching")
    ).astype(object)
    ch_p = np.array(list(bp["channels_given_searching"].values()))
    ch = (rng.random((m, 6)) < ch_p).astype(float) * searching[:, None]
    ch[no_ans] = np.nan
    b11 = np.where(rng.random(m) < 0.6, np.round(rng.normal(125, 22, m)).clip(60, 400), np.nan)
    status[~has_b] = None
    ch[~has_b] = np.nan
    b11[~has_b] = np.nan
    # Outcome: P(job or education within 52 weeks).
    lvl = core[:, S12].astype(int)
    # The chance follows the S12 level net of its average upward drift over meetings, so that
    # the meeting number (and with it the number of caseworker changes) does not confound the
    # planted change effect.
    net = np.clip(core[:, S12] - OUT["s12_drift_per_meeting"] * np.minimum(k, 5), 1, 5)
    if mech.outcome == "s12":
        f = np.exp(np.interp(net, np.arange(1, 6), np.log(OUT["p52_by_s12"])))
        base52 = f * OUT["p52_scale"] * np.exp(0.2 * b["e_unobs"][ci] - 0.02)
    else:
        obs = OUT["observed"]
        f = np.exp(np.interp(net, np.arange(1, 6), np.log(obs["p52_by_s12"])))
        own = (
            obs["per_b_point"] * (core[:, :n_b].mean(1) - 3)
            + obs["per_emp_hist_sd"] * b["emp_hist"][ci]
        )
        base52 = f * np.exp(own + 0.2 * b["e_unobs"][ci] - obs["log_scale"])
    # Dynamic selection: the latest change's effect fades with time since it.
    chg = change_multiplier(since) if mech.dynamic_selection else OUT["change_factor"] ** nchg
    belief = np.where(staff.cw_high_belief[cw], OUT["belief_factor"], 1.0)
    # Without anything caseworker-level (belief and own effect): the reference for the total
    # caseworker contribution reported in truth.json (what a caseworker fixed effect absorbs).
    p_no = np.clip(base52 * chg, 0.002, 0.97)
    # The caseworker's effect scales with the citizen's chance (so it never hits the floor of
    # 0 for low-chance citizens and stays additive on average).
    cw_mult = np.clip(1 + staff.cw_effect[cw] / OUT["mean_p52"], 0.1, None)
    p = np.clip(base52 * chg * belief * cw_mult, 0.002, 0.97)
    return Meetings(
        cit=cit,
        k=k,
        day=d,
        gap_weeks=gap_w,
        cw=cw,
        n_changes=nchg,
        code=code,
        ticks=ticks,
        core=core,
        answers=answers,
        has_b=has_b,
        has_s=has_s,
        expected_change=expected,
        p52=p,
        p52_no_cw=p_no,
        s12_level=lvl,
        b10_status=status,
        b10_channels=ch,
        b11=b11,
        shift=shift_s12,
        exp_shift=exp_shift,
        weeks_since_change=since,
    )
