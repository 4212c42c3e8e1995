"""The generator's switchable mechanisms: parsing, and each one planted in the direction that
truth.json and docs/synthetic-cohort.md state (and absent when switched off)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from bip.cli import main
from bip.dataset import open_dataset, validate_dataset
from bip.synth import Mechanisms, generate_cohort
from bip.synth.generate import END_DAY, _stream
from bip.synth.measurements import change_multiplier, draw_meetings
from bip.synth.population import draw_background, draw_staff
from bip.synth.registers import month_index, place_outcomes


def _chunk(mech: Mechanisms, n: int = 1000, seed: int = 11):
    staff = draw_staff(_stream(seed, 0), 1.0, mech)
    rng = _stream(seed, 1, 0)
    b = draw_background(rng, n, staff.jc_weight)
    return staff, b, rng, draw_meetings(rng, b, staff, mech)


def test_parse_switches_and_rejects_bad_input_in_one_line():
    m = Mechanisms.parse(["dynamic_selection=true", "register_end=2017-06-30"])
    assert m.dynamic_selection and m.register_end == "2017-06-30"
    assert m.item_shock_corr == Mechanisms().item_shock_corr
    assert Mechanisms.parse(["legacy"]) == Mechanisms.legacy()
    for bad, word in (
        (["bogus=1"], "NAME=VALUE"),
        (["dynamic_selection=maybe"], "true/false"),
        (["item_shock_corr=2"], "[0, 1]"),
        (["register_end=2018-02-01"], "2017"),
        (["caseload=flat"], "caseload"),
    ):
        with pytest.raises(ValueError, match=word.replace("[", r"\[").replace("]", r"\]")):
            Mechanisms.parse(bad)
    r = CliRunner().invoke(main, ["synth", "/tmp/never-written", "--mechanism", "bogus=1"])
    assert r.exit_code != 0 and "--mechanism" in r.output and "Traceback" not in r.output


def test_correlated_item_shocks_widen_the_averages_spread():
    """Common shocks make the B average's progression SD close to the items' (003's d)."""

    def ratio(corr: float) -> float:
        *_, mt = _chunk(Mechanisms(item_shock_corr=corr))
        rep = mt.k[1:] > 0  # row i + 1 is a repeat: row i is the same citizen's previous one
        d = (mt.core[1:, :9] - mt.core[:-1, :9])[rep]
        return float(d.mean(1).std() / d.std(0).mean())

    low, high = ratio(0.2), ratio(0.9)
    assert high > low + 0.2, (low, high)
    assert high > 0.75


def test_dispersed_caseloads_are_flatter_than_lognormal():
    def top_share(caseload: str) -> float:
        w = draw_staff(_stream(3, 0), 1.0, Mechanisms(caseload=caseload)).cw_weight
        w = np.sort(w)[::-1]
        return float(w[: len(w) // 10].sum() / w.sum())

    assert top_share("dispersed") < top_share("lognormal")


def test_registers_can_end_early(tmp_path):
    out = generate_cohort(
        tmp_path / "c", scale=0.05, seed=2, mechanisms=Mechanisms(register_end="2017-06-30")
    )
    assert validate_dataset(out).ok
    ds = open_dataset(out)
    weeks = ds.frame("benefit_weeks").week.astype(str)
    months = ds.frame("employment_months").month.astype(str)
    assert weeks.max() == "2017-W25" and months.max() == "2017-06"
    truth = json.loads((out / "truth.json").read_text())
    assert truth["registers_end"] == "2017-06-30"
    assert truth["mechanisms"]["register_end"] == "2017-06-30"
    # measurements go on to the end of 2016, so the last 52-week windows are cut off
    assert str(ds.frame("measurements").measured_on.max()) >= "2016-07-01"


def test_dynamic_selection_biases_a_naive_change_contrast_as_truth_says(tmp_path):
    """Changes go to citizens with a worse unobserved prospect: a comparison of meetings after
    a change with meetings without one overstates the harm; holding the prospect fixed
    recovers the planted effect. Without dynamic selection the naive contrast is unbiased."""
    out = generate_cohort(
        tmp_path / "d", scale=0.02, seed=1, mechanisms=Mechanisms(dynamic_selection=True)
    )
    truth = json.loads((out / "truth.json").read_text())["dynamic_selection"]
    assert truth["direction_naive_bias"]["change_effect"] == "more negative"
    eff = truth["change_effect_by_weeks_since_change"]
    assert eff["0"] == pytest.approx(change_multiplier(np.array([0.0]))[0] - 1)
    assert eff["0"] < eff["26"] < eff["104"] < 0  # the effect fades

    def contrasts(mech: Mechanisms) -> tuple[float, float, float]:
        _, b, _, mt = _chunk(mech, n=3000)
        logp = np.log(mt.p52_no_cw)
        changed = mt.n_changes > 0
        rep = mt.k > 0
        e = b["e_unobs"][mt.cit]
        naive = logp[rep & changed].mean() - logp[rep & ~changed].mean()
        x = np.column_stack([np.ones(rep.sum()), changed[rep], e[rep], mt.k[rep]])
        fixed = np.linalg.lstsq(x, logp[rep], rcond=None)[0][1]
        planted = np.log(_chg(mt, mech))[rep & changed].mean()
        return naive, fixed, planted

    naive, fixed, planted = contrasts(Mechanisms(dynamic_selection=True))
    assert naive < planted - 0.05, (naive, planted)
    assert abs(fixed - planted) < abs(naive - planted) / 2, (naive, fixed, planted)
    naive0, _, planted0 = contrasts(Mechanisms())
    assert abs(naive0 - planted0) < abs(naive - planted)


def _chg(mt, mech: Mechanisms) -> np.ndarray:
    """The planted change factor of each meeting (what the outcome model multiplies by)."""
    from bip.synth.params import PARAMETERS

    if mech.dynamic_selection:
        return change_multiplier(mt.weeks_since_change)
    return PARAMETERS["outcome"]["change_factor"] ** mt.n_changes


def test_dynamic_selection_ends_a_citizens_series_at_the_first_job():
    mech = Mechanisms(dynamic_selection=True)
    staff, b, rng, mt = _chunk(mech, n=800)
    employed, edu, y52, job13, keep = place_outcomes(rng, mt, 800, END_DAY, leave_at_first_job=True)
    kept = mt.take(keep)
    assert 0 < (~keep).sum() < len(keep)  # some meetings dropped, most kept
    # a dropped meeting always follows a kept meeting of the same citizen
    first_of = np.r_[True, mt.cit[1:] != mt.cit[:-1]]
    assert keep[first_of].all()
    assert len(y52) == len(kept.cit)
    # every citizen with a dropped meeting has a job or education spell after their last kept one
    month_of = month_index(kept.day)
    dropped_cit = np.unique(mt.cit[~keep])
    last_kept = {c: i for i, c in enumerate(kept.cit)}
    for c in dropped_cit[:50]:
        i = last_kept[c]
        assert employed[c, month_of[i] :].any() or edu[c].any()
