"""Planted truth accumulated over chunks and written as ``truth.json``."""

from __future__ import annotations

import numpy as np

from bip import __version__
from bip.synth import params as P
from bip.synth.measurements import change_multiplier
from bip.synth.mechanisms import Mechanisms
from bip.synth.params import ALL_ITEMS, CODES, PARAMETERS

N_CTRL = len(PARAMETERS["progression"]["controls"])
K = 16 + N_CTRL + 1  # dummies, controls, previous level


class ProgressionTruth:
    """Population projection of the *expected* progression (no sampling noise) on the 16
    code dummies, the background controls and the previous level, per item.

    The dummy coefficients with demeaned controls are ``b_code + b_ctrl . mean(ctrl)``, so
    cross-products of the raw design suffice and chunks can be added up.
    """

    def __init__(self) -> None:
        self.xtx = np.zeros((len(ALL_ITEMS), K, K))
        self.xty = np.zeros((len(ALL_ITEMS), K))
        self.n = np.zeros(len(ALL_ITEMS))
        self.sx = np.zeros((len(ALL_ITEMS), K))
        self.s1 = np.zeros(len(ALL_ITEMS))
        self.s2 = np.zeros(len(ALL_ITEMS))
        self.code_n = np.zeros((len(ALL_ITEMS), 16))
        self.sel_prev = np.zeros((16, 2))  # previous S12 by code: sum, n

    def add(
        self,
        j: int,
        code: np.ndarray,
        ctrl: np.ndarray,
        prev: np.ndarray,
        expected: np.ndarray,
        observed: np.ndarray,
    ) -> None:
        """Add rows of item ``j``: code index, controls, previous answer, E[progression], progression."""
        x = np.zeros((len(code), K))
        x[np.arange(len(code)), code] = 1.0
        x[:, 16 : 16 + N_CTRL] = ctrl
        x[:, -1] = prev
        self.xtx[j] += x.T @ x
        self.xty[j] += x.T @ expected
        self.n[j] += len(code)
        self.sx[j] += x.sum(0)
        self.s1[j] += observed.sum()
        self.s2[j] += (observed**2).sum()
        self.code_n[j] += np.bincount(code, minlength=16)

    def result(self) -> dict:
        """``effects`` {item: {code: tau}} and ``sd`` {item: sd} (n - 1)."""
        effects, sd, n_obs = {}, {}, {}
        for j, item in enumerate(ALL_ITEMS):
            if self.n[j] < K:
                continue
            beta = np.linalg.lstsq(self.xtx[j], self.xty[j], rcond=None)[0]
            mean_x = self.sx[j] / self.n[j]
            adj = beta[16:] @ mean_x[16:]
            effects[item] = {c: round(float(beta[i] + adj), 5) for i, c in enumerate(CODES)}
            var = (self.s2[j] - self.s1[j] ** 2 / self.n[j]) / (self.n[j] - 1)
            sd[item] = round(float(np.sqrt(var)), 5)
            n_obs[item] = {c: int(v) for c, v in zip(CODES, self.code_n[j], strict=True)}
        return {"effects": effects, "sd": sd, "n": n_obs}


def truth_doc(scale, seed, staff, truth, cw_eff_sum, cw_eff_n, counts, mech, block) -> dict:
    """The whole ``truth.json`` document of a generated cohort."""
    prog = truth.result()
    # Realised total caseworker contributions (own effect and belief factor): mean change in
    # E[job_or_education_52w] over the caseworker's meetings; both scale with each citizen's
    # chance, so they depend on the caseload. Caseworkers without meetings: nominal effect.
    eff = np.where(cw_eff_n > 0, cw_eff_sum / np.maximum(cw_eff_n, 1), staff.cw_effect)
    eff = eff - eff.mean()
    # The A7 belief estimand on this population: relative difference of the expected 52-week
    # outcome between meetings with a high- and a low-belief caseworker (a Poisson regression on
    # the type dummy; the type is independent of the citizen, so controls leave it unchanged).
    belief = (counts["ey_high"] / max(counts["n_high"], 1)) / max(
        counts["ey_low"] / max(counts["n_low"], 1), 1e-12
    ) - 1
    return {
        "version": P.VERSION,
        "bip_version": __version__,
        "scale": scale,
        "seed": seed,
        "mechanisms": mech.as_dict(),
        "registers_end": mech.register_end,
        "progression": {
            "effects": prog["effects"],
            "sd": prog["sd"],
            "n": prog["n"],
            "definition": (
                "tau[item][code]: expected progression (answer minus previous answer, raw units) of a "
                "repeat measurement with that combination, for a citizen with average background "
                "(controls listed in parameters.progression.controls) at the average previous level: "
                "the dummy coefficients of the population projection of E[progression | past] on the "
                "16 code dummies plus demeaned controls and previous answer, over the measurements "
                "whose progression and combination are known in the dataset. Weeks since the last "
                "meeting (planted effect parameters.progression.weeks_effect_per_10_weeks) are "
                "independent of the combination and not a control. S12 is approximate (+-0.01): "
                "caseworker leniency shifts observed S12 answers."
            ),
        },
        "selection": {
            "text": (
                "Selection into activity groups depends only on observables: non-western immigrants "
                "and married citizens get up-skilling (O); psychiatric diagnoses push towards social "
                "(S) and health (H); younger citizens get S and O; older citizens and those with "
                "musculoskeletal diagnoses more often get no activity; citizens whose previous S12 "
                "(caseworker's belief in a job) is higher get job-focused activities (J) and fewer S/H. "
                "Progression regresses to the mean (parameters.progression.mean_reversion), so a naive "
                "A4 without the previous level understates J effects and overstates S/H effects."
            ),
            "coefficients": P.PARAMETERS["selection"],
            "mean_reversion": P.PARAMETERS["progression"]["mean_reversion"],
            "direction_naive_bias": {"J": "down", "O": "small", "S": "up", "H": "up", "none": "up"},
        },
        "caseworker_effects": {
            cid: round(float(e), 6) for cid, e in zip(staff.cw_ids, eff, strict=True)
        },
        "caseworker_effect_sd": round(float(np.std(eff, ddof=1)), 6),
        "caseworker_high_belief": sorted(
            c for c, h in zip(staff.cw_ids, staff.cw_high_belief, strict=True) if h
        ),
        "change_effect": P.PARAMETERS["outcome"]["change_effect_target"],
        "dynamic_selection": _dynamic_truth(mech),
        "belief_effect": round(float(belief), 4),
        "parameters": {
            **P.PARAMETERS,
            "combination_d": P.COMBINATION_D,
            "combination_d_S_0000": P.COMBINATION_D_S_0000,
            "tabel1_mean": P.TABEL1_MEAN,
            "level_dist_first": {k: list(v) for k, v in P.LEVEL_DIST.items()},
            "caseworker_effects_nominal": {
                c: round(float(e), 6) for c, e in zip(staff.cw_ids, staff.cw_effect, strict=True)
            },
            "caseworker_leniency": {
                c: round(float(e), 4) for c, e in zip(staff.cw_ids, staff.cw_leniency, strict=True)
            },
            "realised_rates": {
                "y52": counts["y52"] / max(counts["meetings"], 1),
                "job13": counts["job13"] / max(counts["meetings"], 1),
                "y52_high_belief": counts["y_high"] / max(counts["n_high"], 1),
                "y52_low_belief": counts["y_low"] / max(counts["n_low"], 1),
                "expected_y52_high_belief": counts["ey_high"] / max(counts["n_high"], 1),
                "expected_y52_low_belief": counts["ey_low"] / max(counts["n_low"], 1),
            },
            "block_size": block,
            "scale": scale,
            "seed": seed,
            "version": P.VERSION,
        },
    }


def _dynamic_truth(mech: Mechanisms) -> dict:
    """What dynamic selection plants, in the analyses' units, and how an analysis that ignores
    it is biased."""
    dyn = P.PARAMETERS["dynamic_selection"]
    weeks = (0, 4, 8, 13, 26, 39, 52, 78, 104)
    return {
        "enabled": mech.dynamic_selection,
        "leave_at_first_job": mech.dynamic_selection,
        # Relative change in the 52-week chance (about the hazard ratio minus 1 for the small
        # chances here) w weeks after a caseworker change, against no change: the event-study
        # coefficients of a change on job_or_education_52w, by weeks since the change.
        "change_effect_by_weeks_since_change": {
            str(w): round(float(change_multiplier(np.array([float(w)]))[0]) - 1, 5) for w in weeks
        }
        if mech.dynamic_selection
        else {str(w): P.PARAMETERS["outcome"]["change_effect_target"] for w in weeks},
        "gap_per_e_unobs": dyn["gap_per_e_unobs"] if mech.dynamic_selection else 0.0,
        "change_per_e_unobs": dyn["change_per_e_unobs"] if mech.dynamic_selection else 0.0,
        "text": (
            "With dynamic selection, citizens with a worse unobserved prospect (e_unobs, which "
            "also lowers the outcome) change caseworker more often and are met less often, "
            "citizens leave the measurement series at the start of their first job or "
            "education spell, and a change lowers the 52-week chance by "
            "(1 - change_factor) * exp(-weeks since the change / change_fade_weeks). An "
            "analysis that compares meetings after a change with meetings without one, across "
            "citizens, overstates the harm of a change (selection on e_unobs); one that ignores "
            "the time since the change misses the fading."
        ),
        "direction_naive_bias": {"change_effect": "more negative"}
        if mech.dynamic_selection
        else {},
    }
