"""Published-comparable figures of an analysis, read from its typed :class:`~bip.results.Results`.

Only the summaries at the top of ``results.json`` are read (attributes, never key guesses);
each figure is put in the published unit (percent 0-100, places of 100, effect sizes).
"""

from __future__ import annotations

from bip.results import Results

_LEVELS = ("nej", "tvivler", "det_svinger", "gode_chancer", "ja")
_QUARTILES = ("q1_least_effective", "q2", "q3", "q4_most_effective")


def _pct(x: float | None) -> float | None:
    return None if x is None else 100.0 * float(x)


def results_figures(res: Results) -> dict:
    """``{published id: value}`` for every figure of ``res`` that a source prints."""
    out: dict = {"mean_weeks_between_responses": res.mean_weeks_between}
    out["t3_combinations"] = {c: _pct(v.share) for c, v in res.combinations.items()}
    ch = res.caseworker_change
    out["share_experienced_caseworker_change"] = _pct(ch.share_with_change)
    rel = ch.relative_effect_per_change
    out["job_chance_reduction_per_caseworker_change"] = None if rel is None else -100.0 * rel
    out["belief_effect_job_probability"] = _pct(res.belief.relative_effect_high_vs_low)
    ce = res.caseworker_effectiveness
    if ce.policy_experiment is not None:
        pe = ce.policy_experiment
        out["policy_actual_share"] = _pct(pe.actual)
        out["policy_effective_share"] = _pct(pe.counterfactual)
        out["policy_increase"] = _pct(pe.increase)
    out["cw_r2_without_cw_effects"] = _pct(ce.r2_without_fe)
    out["cw_r2_with_cw_effects"] = _pct(ce.r2_with_fe)
    out["cw_analysis_caseworkers"] = ce.n_caseworkers
    out["cw_analysis_citizens"] = ce.n_citizens
    out["cw_outcome_share_by_quartile"] = {
        _QUARTILES[q.quartile - 1]: _pct(q.outcome_rate) for q in ce.quartiles
    }
    j13 = {str(k): v for k, v in res.belief.job13_rate_by_S12.items()}
    out["pct_in_job_by_caseworker_belief"] = {
        name: _pct(j13.get(str(i + 1))) for i, name in enumerate(_LEVELS)
    }
    eff = {str(k): v for k, v in res.combination_effects.items()}
    b_avg, s_avg = eff.get("B_avg", {}), eff.get("S_avg", {})
    if "0000" in b_avg:
        out["es_no_activity_citizen_avg"] = b_avg["0000"].d
    if "0000" in s_avg:
        out["es_no_activity_caseworker_avg"] = s_avg["0000"].d
    # 003 reads an effect size as places moved in a group of 100: percentile - 50.
    if "1101" in b_avg and b_avg["1101"].percentile is not None:
        out["places_1101_citizen_avg"] = b_avg["1101"].percentile - 50.0
    return {k: v for k, v in out.items() if v is not None and v != {}}
