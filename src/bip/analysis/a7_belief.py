"""A7 belief: the effect of a caseworker who believes in their citizens (seeds 000–002).

A caseworker's belief is their mean S12 ("the citizen's job chance") about their *other*
citizens. For the measurement of citizen i, caseworker c is **high** when c's mean S12 over
citizens other than i is above more than half of the other caseworkers' mean S12 over citizens
other than i: one leave-citizen-i-out definition for the compared value and for the threshold
(the median), so i's own answers never decide i's classification. A caseworker is classified
for i only when at least ``MIN_OTHER_CITIZENS`` other citizens have an S12 answer with them;
the same rule decides which caseworkers make up the threshold.

The effect: Poisson (log link) of the 52-week outcome on high + background with jobcentre fixed
effects; the treatment varies by caseworker, so errors are clustered two-way by caseworker and
citizen (a citizen meets several caseworkers). ``sensitivity`` repeats it for other minimums.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bip.analysis._design import Background
from bip.analysis._two_way import two_way_ols, two_way_poisson
from bip.analysis.common import MIN_OTHER_CITIZENS, num
from bip.analysis.estimation import Clustered, EstimationError, Fit, poisson

__all__ = [
    "MIN_OTHER_CITIZENS",
    "BeliefData",
    "LeaveOut",
    "belief_effect",
    "leave_out_classification",
    "two_way_ols",
]
from bip.panel import JOB_OUTCOME as OUTCOME

# The minimums of the sensitivity table (the chosen one included).
SENSITIVITY_MINIMUMS = (1, 3, 5, 10, 20)


def relative(fit: Fit, name: str, level: float = 0.95) -> dict:
    """exp(β) − 1 with its interval (t critical value of the fit's df) and p-value."""
    i = fit.names.index(name)
    b, se = float(fit.coef[i]), float(fit.se[i])
    q = fit.t_crit(level)
    return {
        "status": "ok",
        "relative_effect": num(np.expm1(b)),
        "ci_low": num(np.expm1(b - q * se)),
        "ci_high": num(np.expm1(b + q * se)),
        "coef": num(b),
        "se": num(se),
        "p_value": num(fit.pvalue[i]),
        "n_measurements": fit.n_obs,
    }


def _cells(cw: np.ndarray, cit: np.ndarray, s12: pd.Series) -> pd.DataFrame:
    """One row per (caseworker, citizen) with S12 answers: their sum and count."""
    has = s12.notna().to_numpy()
    d = pd.DataFrame({"cw": cw[has], "cit": cit[has], "s": s12.to_numpy()[has]})
    return d.groupby(["cw", "cit"], sort=False)["s"].agg(["sum", "count"]).reset_index()


class LeaveOut:
    """The parts of :func:`leave_out_classification` that do not depend on the minimum of
    other citizens, computed once: the sensitivity table classifies the same panel at five
    minimums, and the pairing of each citizen's caseworkers was most of each run.

    ``classify(m)`` equals ``leave_out_classification(panel, m)``."""

    def __init__(self, panel: pd.DataFrame) -> None:
        cw = panel["caseworker_id"].astype(str).to_numpy()
        cit = panel["citizen_id"].astype(str).to_numpy()
        self.index = panel.index
        cells = _cells(cw, cit, pd.to_numeric(panel["S12"]).astype(float))
        tot = cells.groupby("cw")[["sum", "count"]].sum()
        tot["n_cit"] = cells.groupby("cw").size()
        tot["mean"] = tot["sum"] / tot["count"]
        self.n_cit, self.mean = tot["n_cit"].to_numpy(), tot["mean"].to_numpy()
        # Every (caseworker, citizen) pair of the panel in order of first appearance (the
        # order of drop_duplicates), with the citizen's own S12 cell if any; pos maps rows.
        pair = pd.DataFrame({"cw": cw, "cit": cit}).groupby(["cw", "cit"], sort=False).ngroup()
        self.pos = pair.to_numpy()
        first = np.unique(self.pos, return_index=True)[1]
        keys = pd.DataFrame({"cw": cw[first], "cit": cit[first]})
        k = keys.merge(cells, on=["cw", "cit"], how="left").fillna({"sum": 0.0, "count": 0})
        t = tot.reindex(k["cw"])
        n_ans = t["count"].fillna(0).to_numpy() - k["count"].to_numpy()
        with np.errstate(invalid="ignore", divide="ignore"):
            self.loo = np.where(
                n_ans > 0, (t["sum"].fillna(0).to_numpy() - k["sum"].to_numpy()) / n_ans, np.nan
            )
        self.n_other = t["n_cit"].fillna(0).to_numpy() - (k["count"].to_numpy() > 0)
        # The pair's own caseworker in tot (-1: no S12 answers at all).
        self.k_cw = tot.index.get_indexer(k["cw"])
        # Citizen i's other caseworkers o: their citizen count, full mean and mean without i.
        oth = cells.join(tot, on="cw", rsuffix="_t")
        oth = oth.assign(
            loo_o=(oth["sum_t"] - oth["sum"]) / (oth["count_t"] - oth["count"]).replace(0, np.nan)
        )[["cw", "cit", "n_cit", "mean", "loo_o"]]
        k = k.assign(loo=self.loo)
        pr = k[["cw", "cit", "loo"]].reset_index().merge(oth, on="cit", suffixes=("", "_o"))
        pr = pr[pr["cw"] != pr["cw_o"]]
        self.pr_i = pr["index"].to_numpy()
        self.pr_loo = pr["loo"].to_numpy()
        self.pr_n_cit = pr["n_cit"].to_numpy()
        self.pr_mean, self.pr_loo_o = pr["mean"].to_numpy(), pr["loo_o"].to_numpy()

    def classify(self, min_other_citizens: int = MIN_OTHER_CITIZENS) -> pd.DataFrame:
        """:func:`leave_out_classification` at this minimum."""
        m, loo, n_k = min_other_citizens, self.loo, len(self.loo)
        in_e = self.n_cit >= m  # classifiable with all their citizens
        sorted_means = np.sort(self.mean[in_e])
        # Threshold set for citizen i: caseworkers with >= m citizens other than i, each with
        # their mean without i. Start from the full means and correct for i's own caseworkers:
        # c itself leaves the set, i's other caseworkers enter with their leave-i-out mean.
        has = self.k_cw >= 0
        self_in = np.zeros(n_k, bool)
        self_in[has] = in_e[self.k_cw[has]]
        self_mean = np.full(n_k, np.nan)
        self_mean[has] = self.mean[self.k_cw[has]]
        below = np.searchsorted(sorted_means, loo, side="left") - (self_in & (self_mean < loo))
        n_set = len(sorted_means) - self_in.astype(int)
        lv = self.pr_loo
        o_in, o_stays = self.pr_n_cit >= m, self.pr_n_cit - 1 >= m
        d_below = (o_stays & (self.pr_loo_o < lv)).astype(int) - (o_in & (self.pr_mean < lv))
        d_n = o_stays.astype(int) - o_in.astype(int)
        # Integer sums per pair: exact whatever the order.
        below = below + np.bincount(self.pr_i, weights=d_below, minlength=n_k)
        n_set = n_set + np.bincount(self.pr_i, weights=d_n, minlength=n_k)
        ok = (self.n_other >= m) & np.isfinite(loo) & (n_set > 0)
        high = np.where(ok, (below > n_set / 2).astype(float), np.nan)
        return pd.DataFrame(
            {
                "loo_s12": loo[self.pos],
                "n_other_citizens": self.n_other[self.pos],
                "high": high[self.pos],
            },
            index=self.index,
        ).assign(
            median_caseworker_s12=float(np.median(sorted_means)) if len(sorted_means) else np.nan
        )


def leave_out_classification(
    panel: pd.DataFrame, min_other_citizens: int = MIN_OTHER_CITIZENS
) -> pd.DataFrame:
    """Per measurement: ``loo_s12`` (the caseworker's mean S12 over answers about the
    citizen's others), ``n_other_citizens`` (others with an S12 answer) and ``high`` (1/0;
    NaN when not classifiable), plus ``median_caseworker_s12``: the median over classifiable
    caseworkers of their mean S12 (descriptive; each classification uses its leave-out twin)."""
    return LeaveOut(panel).classify(min_other_citizens)


def _codes(panel: pd.DataFrame, col: str) -> np.ndarray:
    """Integer codes of a label column in the sorted order of its string labels, so fits and
    clusterings given codes group and order rows as they would given the labels."""
    return pd.factorize(panel[col].astype(str), sort=True)[0]


class BeliefData:
    """What every belief fit of one panel draws its sample from, prepared once: outcome,
    id codes, background (:class:`Background`) and the leave-out classification."""

    def __init__(self, panel: pd.DataFrame, bg: Background | None = None) -> None:
        self.y = pd.to_numeric(panel[OUTCOME]).to_numpy(dtype=float)
        self.has_y = panel[OUTCOME].notna().to_numpy()
        self.cit, self.cw, self.jc = (_codes(panel, c) for c in ID_COLUMNS)
        # nunique leaves missing ids out; the codes above count them as the label "nan".
        self.cit_ok = panel["citizen_id"].notna().to_numpy()
        self.cw_ok = panel["caseworker_id"].notna().to_numpy()
        self.bg = Background(panel) if bg is None else bg
        self.leave_out = LeaveOut(panel)
        # The largest design so far: the next design reuses its memory (see Sample.design).
        self.spare: np.ndarray | None = None

    def sample(self, min_other_citizens: int) -> Sample:
        """Rows with a known outcome and a classification at this minimum."""
        b = self.leave_out.classify(min_other_citizens)
        ok = self.has_y & ~np.isnan(b["high"].to_numpy())
        return Sample(self, ok, b.loc[ok, "high"].to_numpy(), b)


ID_COLUMNS = ("citizen_id", "caseworker_id", "jobcenter_id")


class Sample:
    """One belief sample: the rows ``ok`` of the panel and their classification ``high``."""

    def __init__(self, data: BeliefData, ok: np.ndarray, high: np.ndarray, b: pd.DataFrame):
        self.data, self.ok, self.high, self.b = data, ok, high, b
        self.y = data.y[ok]
        self.cit, self.cw, self.jc = data.cit[ok], data.cw[ok], data.jc[ok]

    def __len__(self) -> int:
        return int(self.ok.sum())

    def n_citizens(self, rows: np.ndarray | None = None) -> int:
        """Distinct citizens among the sample's rows (``rows`` a mask over them)."""
        return self._count(self.data.cit, self.data.cit_ok, rows)

    def n_caseworkers(self, rows: np.ndarray | None = None) -> int:
        """Distinct caseworkers among the sample's rows (``rows`` a mask over them)."""
        return self._count(self.data.cw, self.data.cw_ok, rows)

    def _count(self, codes, valid, rows) -> int:
        v = valid[self.ok] if rows is None else valid[self.ok] & rows
        return int(np.unique(codes[self.ok][v]).size)

    def design(self) -> tuple[np.ndarray, list[str]]:
        """high + the sample's imputed background (as ``combine(high, background(s))``).

        Written into the memory of the data's previous design: each belief fit is done with
        its design (and the fit) before the next design is made."""
        spare = self.data.spare
        X, names = self.data.bg.design(
            self.ok, lead={"high_belief_caseworker": self.high}, out=spare
        )
        if spare is None or not np.shares_memory(X, spare):
            self.data.spare = X
        return X, names


def _fit(s: Sample, covariance) -> Fit:
    X, names = s.design()
    return poisson(s.y, X, names=names, covariance=covariance)


def _two_way_fit(s: Sample, absorb=None) -> Fit:
    X, names = s.design()
    # X is this fit's own: poisson may reuse its memory (no fresh N × K of page faults).
    return two_way_poisson(s.y, X, s.cw, s.cit, absorb=absorb, names=names, overwrite_X=True)


BELIEF_AT_MINIMUM_KEYS = (
    *("status", "reason", "relative_effect", "ci_low", "ci_high", "coef", "se", "p_value"),
    *("n_measurements", "n_citizens", "min_other_citizens", "n_caseworkers", "n_clusters"),
)


def estimate(
    panel: pd.DataFrame,
    min_other_citizens: int = MIN_OTHER_CITIZENS,
    sample: Sample | None = None,
    data: BeliefData | None = None,
) -> dict:
    """The belief effect at one minimum: jobcentre FE, two-way clustered (caseworker, citizen).
    ``sample`` is ``data.sample(min_other_citizens)`` and ``data`` ``BeliefData(panel)`` when
    the caller has them."""
    if sample is None:
        sample = (BeliefData(panel) if data is None else data).sample(min_other_citizens)
    s, high, b = sample, sample.high, sample.b
    out: dict = {
        "min_other_citizens": min_other_citizens,
        "median_caseworker_s12": num(b["median_caseworker_s12"].iloc[0]) if len(b) else None,
        "n_measurements": len(s),
        "n_citizens": s.n_citizens(),
        "n_caseworkers": s.n_caseworkers(),
    }
    if len(s) < 20 or len(np.unique(high)) < 2 or out["n_caseworkers"] < 4:
        return {**out, "status": "insufficient_data"}
    try:
        fit = _two_way_fit(s, absorb=s.jc)
    except (EstimationError, ValueError) as exc:
        return {**out, "status": "not_estimable", "reason": str(exc)}
    rows = fit.rows if fit.rows is not None else np.ones(len(s), bool)
    return {
        **out,
        **relative(fit, "high_belief_caseworker"),
        "n_citizens": s.n_citizens(rows),
        "n_caseworkers": s.n_caseworkers(rows),
        "n_clusters": fit.n_clusters,
    }


def belief_effect(panel: pd.DataFrame, *, bg: Background | None = None) -> dict:
    """The belief effect at ``MIN_OTHER_CITIZENS`` with the outcome rates by group, the
    sources' model beside it (no jobcentre FE, errors by citizen) and the sensitivity of the
    estimate to the minimum. ``bg`` is ``Background(panel)`` when the caller has it."""
    data = BeliefData(panel, bg)
    s = data.sample(MIN_OTHER_CITIZENS)
    out = estimate(panel, MIN_OTHER_CITIZENS, s)
    high = s.high
    if out["status"] == "ok":
        rates = {}
        for v, key in ((1.0, "high"), (0.0, "low")):
            m = high == v
            rates[key] = {
                "outcome_rate": num(s.y[m].mean()),
                "n": int(m.sum()),
                "n_citizens": s.n_citizens(m),
            }
        out["outcome_rate_by_group"] = rates
        try:
            src = _fit(s, Clustered(_dense(s.cit)))
            out["sources_model"] = {
                **relative(src, "high_belief_caseworker"),
                "n_citizens": src.n_clusters,
            }
        except EstimationError as exc:
            out["sources_model"] = {"status": "not_estimable", "reason": str(exc)}
    head = {k: v for k, v in out.items() if k in BELIEF_AT_MINIMUM_KEYS}
    out["sensitivity"] = [
        head
        if m == MIN_OTHER_CITIZENS
        else {
            k: v
            for k, v in estimate(panel, m, data.sample(m)).items()
            if k != "median_caseworker_s12"
        }
        for m in SENSITIVITY_MINIMUMS
    ]
    return out


def _dense(codes: np.ndarray) -> np.ndarray:
    """Codes renumbered 0.. over those present, order kept: a clustering given these groups
    clusters exactly as given the labels."""
    return pd.factorize(codes, sort=True)[0]
