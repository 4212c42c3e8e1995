"""Section 6 (A5): how well the job model predicts a job out of sample — the AUC of the
indicators with background beside background alone, and the calibration by decile."""

from __future__ import annotations

from bip.disclosure import Counts
from bip.report import figures as F
from bip.report import numbers
from bip.report.blocks import Block, Figure
from bip.report.sections.base import Ctx, lower, upper
from bip.report.tables import Col, Row, Table
from bip.results.job_chance import A5JobChance, Prediction


def blocks(a5: A5JobChance, c: Ctx) -> list[Block]:
    """The AUC table and the calibration figure (nothing for results without them)."""
    p = a5.job_model.prediction
    if p is None or p.status != "ok":
        return []
    return [_auc(p, a5.job_model.n_citizens, c), _calibration(p, c)]


def _auc(p: Prediction, n_citizens: int, c: Ctx) -> Table:
    rows = (
        (c._("Indicators, job search, wage and background"), p.auc, p.auc_ci_low, p.auc_ci_high),
        (
            c._("Background alone"),
            p.auc_background,
            p.auc_background_ci_low,
            p.auc_background_ci_high,
        ),
        (c._("What the answers add"), p.auc_gain, p.auc_gain_ci_low, p.auc_gain_ci_high),
    )
    return Table(
        "tab-a5-auc",
        c._("How well do the answers predict a job? (out of sample)"),
        c._(
            "The AUC is the chance that a measurement followed by a job or education gets a "
            "higher predicted chance than one that is not: {half} is guessing, 1 is perfect."
        ).format(half=numbers.num(0.5, c.lang, 1)),
        (
            Col("model", c._("Model"), "text", False),
            Col("auc", c._("AUC"), "d3"),
            Col("lo", lower(c), "d3"),
            Col("hi", upper(c), "d3"),
        ),
        tuple(
            Row({"model": name, "auc": est, "lo": lo, "hi": hi}, n_citizens=n_citizens)
            for name, est, lo, hi in rows
        ),
        notes=(
            c._(
                "The citizens are split at random into {k} groups; each group's chances come "
                "from the model fitted on the other groups, so no citizen is predicted by a "
                "model that saw them. Intervals by DeLong's method with the citizen's "
                "measurements taken together."
            ).format(k=numbers.integer(p.n_folds, c.lang)),
        ),
    )


def _calibration(p: Prediction, c: Ctx) -> Figure:
    t = Table(
        "tab-a5-calibration",
        c._("Predicted and observed job chance by decile of the predicted chance"),
        c._("Each tenth of the measurements, from the lowest predicted chance to the highest."),
        (
            Col("decile", c._("Decile"), "int", False),
            Col("pred", c._("Mean predicted chance"), "pct"),
            Col("obs", c._("Share in job or education within 52 weeks"), "pct"),
            Col("n", c._("Measurements"), "int"),
        ),
        tuple(
            Row(
                {"decile": b.decile, "pred": b.mean_predicted, "obs": b.observed, "n": b.n},
                n_citizens=b.n_citizens,
                n_obs=b.n,
                cell_n={"obs": Counts(b.n_citizens, b.n)},
            )
            for b in p.calibration
        ),
    )
    below = bool(p.calibration) and (p.calibration[0].mean_predicted or 0.0) < 0
    notes = (
        (
            c._(
                "A linear probability model can predict chances below zero, as it does for "
                "the lowest decile here; the ranking, and so the AUC, is unaffected."
            ),
        )
        if below
        else ()
    )
    return Figure(
        "fig-a5-calibration",
        c._("Calibration of the predicted job chance"),
        c._("Points on the dotted diagonal are predictions that came true on average."),
        t,
        lambda st: F.calibration(
            st,
            "fa5cal",
            c.lang,
            x_key="pred",
            y_key="obs",
            label=c._("Deciles of the predicted chance"),
            diagonal=c._("Prediction = outcome"),
            xlabel=c._("Mean predicted chance (%)"),
            ylabel=c._("Share in job or education (%)"),
        ),
        notes=notes,
    )
