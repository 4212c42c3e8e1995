"""Every planted parameter of the synthetic cohort, in one place (written to ``truth.json``).

Numbers are chosen so that the generated data reproduce the published BIP figures
(``bip.calibration``: 003 Tabel 1-11, 004, 000/001/002); the comments name the source.
Nothing here is read by the analyses: they see only the dataset.
"""

from __future__ import annotations

from bip.instrument import ALL_COMBINATIONS, B_ITEMS, S_ITEMS

VERSION = "bip-synth/2"

# Ten BIP municipalities (002); beyond scale 1 more jobcentres are numbered.
JOBCENTER_NAMES = (
    "Faxe",
    "Horsens",
    "Rebild",
    "Silkeborg",
    "Sønderborg",
    "Thisted",
    "Vejen",
    "Viborg",
    "Vordingborg",
    "Aarhus",
)
# Relative jobcentre sizes: the mean of each jobcentre row of 003 Tabel 4 (letters A-J are
# anonymised, so the letter->name mapping here is arbitrary, as the source says).
JOBCENTER_SHARE = (6.0, 4.0, 8.0, 10.0, 24.0, 9.0, 13.0, 5.0, 9.0, 12.0)
# 003 Tabel 4 jobcentre rows by group (J, O, S, H, none): used as selection shifts.
JOBCENTER_BY_GROUP = (
    (6, 3, 7, 9, 3),
    (4, 7, 2, 2, 5),
    (8, 7, 11, 6, 5),
    (9, 10, 9, 8, 15),
    (24, 31, 20, 27, 19),
    (9, 8, 10, 8, 10),
    (15, 8, 15, 12, 13),
    (6, 3, 5, 6, 3),
    (10, 8, 11, 10, 6),
    (9, 15, 9, 12, 21),
)

# 003 Tabel 3 counts over repeat measurements (all 16 combinations).
TABEL3_COUNTS = {
    "0000": 1598,
    "0001": 964,
    "0010": 416,
    "0011": 366,
    "0100": 447,
    "0101": 58,
    "0110": 59,
    "0111": 26,
    "1000": 1681,
    "1001": 380,
    "1010": 308,
    "1011": 286,
    "1100": 234,
    "1101": 24,
    "1110": 55,
    "1111": 44,
}

# Planted effect of each combination on progression, in SD units of the item's progression
# (003 Figur 3-24 and 000: no activity -0.15 on citizen items / -0.2 on caseworker items;
# nothing else negative except social-only slightly; job-focused positive; job-focused in
# combination largest, 1101 about +0.45, i.e. ~18 places of 100).
COMBINATION_D = {
    "0000": -0.15,
    "0001": 0.02,
    "0010": -0.02,
    "0011": 0.03,
    "0100": 0.03,
    "0101": 0.12,
    "0110": 0.04,
    "0111": 0.06,
    "1000": 0.07,
    "1001": 0.12,
    "1010": 0.14,
    "1011": 0.14,
    "1100": 0.15,
    "1101": 0.45,
    "1110": 0.18,
    "1111": 0.20,
}
COMBINATION_D_S_0000 = -0.20

# 003 Tabel 1 mean progression per item (raw answer units).
TABEL1_MEAN = {
    "B1": 0.020,
    "B2": 0.046,
    "B3": -0.015,
    "B4": -0.013,
    "B5": 0.050,
    "B6": 0.046,
    "B7": -0.022,
    "B8": 0.024,
    "B9": 0.032,
    "S2": 0.035,
    "S3": 0.064,
    "S4": 0.068,
    "S5": 0.037,
    "S6": 0.014,
    "S7": 0.006,
    "S8": 0.015,
    "S9": 0.018,
    "S10": 0.045,
    "S11": 0.046,
    "S12": 0.034,
}

# Distribution of answers 1-5 at the first measurement. B8 and S12: 001 JÄMFÖRELSE
# (citizen vs caseworker belief); other items: a generic shape (not published).
LEVEL_DIST_B = (0.11, 0.19, 0.30, 0.25, 0.15)
LEVEL_DIST_S = (0.12, 0.24, 0.32, 0.22, 0.10)
LEVEL_DIST = {i: LEVEL_DIST_B for i in B_ITEMS} | {i: LEVEL_DIST_S for i in S_ITEMS}
LEVEL_DIST["B8"] = (0.26, 0.21, 0.23, 0.165, 0.135)
LEVEL_DIST["S12"] = (0.28, 0.18, 0.40, 0.12, 0.02)

PARAMETERS: dict = {
    "population": {
        "female": 0.45,
        "age_under30": 0.10,
        "age_beta": [1.1, 2.4],  # 30 + 34*Beta: mean age ~39 (000)
        "origin": {
            "danish": 0.81,
            "western_immigrant": 0.02,
            "western_descendant": 0.005,
            "nonwestern_immigrant": 0.16,
            "nonwestern_descendant": 0.005,
        },
        "education": {"unskilled": 0.71, "skilled": 0.24, "higher": 0.05},
        "married": 0.20,
        "married_nonwestern": 0.45,
        "children": {"0": 0.60, "1": 0.16, "2-3": 0.20, "4+": 0.04},
        "single_parent_given_children_unmarried": 0.52,
        "psych_dx_3y": 0.27,
        "psych_severe_3y": 0.12,
        "history_shares_5_to_3y": {
            "employed": 0.15,
            "self_supporting": 0.15,
            "education_su": 0.065,
            "cash_benefit": 0.42,
            "sickness_benefit": 0.095,
            "unemployment_benefit": 0.08,
            "other_benefit": 0.04,
        },
        "history_shares_3_to_0y": {
            "employed": 0.04,
            "self_supporting": 0.07,
            "education_su": 0.04,
            "cash_benefit": 0.71,
            "sickness_benefit": 0.07,
            "unemployment_benefit": 0.04,
            "other_benefit": 0.03,
        },
        "gp_weeks_12m_mean": 21.0,
        "gp_services_per_contact": 0.43,
        "gp_fee_per_contact_dkk": 88.0,
    },
    "schedule": {
        "first_measurement_from": "2013-01-07",
        "first_measurement_to": "2016-09-30",
        "last_measurement": "2016-12-31",
        "extra_measurements_mean": 4.45,  # negative binomial, truncated by the end of 2016
        "gap_min_weeks": 4.0,
        "gap_gamma_shape": 2.2,
        "gap_gamma_scale_weeks": 8.5,
        "caseworker_change_per_meeting": 0.195,
        "citizen_part": 0.985,
        "caseworker_part": 0.975,
        "b_block_missing": 0.13,
        "s_block_missing": 0.13,
        "item_sloppy_share": 0.35,
        "item_missing": {
            "B1": 0.006,
            "B2": 0.0,
            "B3": 0.001,
            "B4": 0.006,
            "B5": 0.004,
            "B6": 0.004,
            "B7": 0.008,
            "B8": 0.006,
            "B9": 0.016,
            "S2": 0.035,
            "S3": 0.004,
            "S4": 0.018,
            "S5": 0.038,
            "S6": 0.069,
            "S7": 0.062,
            "S8": 0.102,
            "S9": 0.070,
            "S10": 0.013,
            "S11": 0.005,
            "S12": 0.0,
        },
        "s1_unknown": 0.012,
        "s1_empty": 0.008,
        "s1_contradictory": 0.01,
    },
    "caseworkers": {
        "per_scale": 310,
        "caseload_lognormal_sigma": 1.5,  # legacy (Mechanisms.caseload = "lognormal")
        "caseload_sigma": 1.4,  # "dispersed": 004 Figur 3's flatter caseloads
        "belief_leniency": 0.75,
        "belief_leniency_sd": 0.08,
        "effect_sd_nominal": 0.02,
        "effect_sd_observed": 0.04,  # outcome "observed": 004's R² gain from caseworker FE
    },
    "progression": {
        "mean_reversion": -0.15,
        "nominal_sd": 0.78,
        "drift_correction": 0.02,
        "noise_halfwidth": 1.9,
        "weeks_effect_per_10_weeks": -0.015,
        "controls": [
            "age_10y",
            "female",
            "nonwestern_immigrant",
            "skilled",
            "higher",
            "psych_light",
            "psych_severe",
            "married",
        ],
        "control_effects": {
            "age_10y": -0.02,
            "psych_severe": -0.04,
            "psych_light": -0.02,
            "nonwestern_immigrant": 0.0,
            "skilled": 0.01,
            "higher": 0.02,
            "female": 0.0,
            "married": 0.0,
        },
    },
    "outcome": {
        # P(job or education within 52 weeks) by the citizen's (core) S12 level 1-5
        "p52_by_s12": [0.02, 0.05, 0.11, 0.22, 0.75],
        "p52_scale": 1.0,
        "s12_drift_per_meeting": 0.04,
        "mean_p52": 0.15,
        # Factors on p52, set so that the A7 estimands on job_or_education_52w (Poisson, by the
        # caseworker at the meeting) are about the published -22 % per change and +32 % for
        # belief (truth.json holds each population's exact belief estimand): a 52-week window
        # also covers later meetings (new caseworkers), which dilutes them.
        "change_factor": 0.75,
        "belief_factor": 1.44,
        "change_effect_target": -0.22,
        "belief_effect_target": 0.32,
        "education_share": 0.12,
        # Outcome "observed": the chance also follows the citizen's own answers (mean of the
        # core B1-B9 around 3) and employment history (log-scale slopes), so that 004's controls
        # explain ~16 % (R²); p52_by_s12_observed keeps the mean and the S12 job_13w rates.
        "observed": {
            "per_b_point": 0.5,  # measured R² 14 % / 19 % at scale 1, seed 1
            "per_emp_hist_sd": 0.35,
            "p52_by_s12": [0.05, 0.11, 0.14, 0.25, 0.90],
            "log_scale": 0.68,
        },
    },
    # Mechanisms.dynamic_selection (off by default): selection on the unobserved prospect
    # e_unobs (which also raises the outcome), leaving at the first job, a fading change effect.
    "dynamic_selection": {
        "gap_per_e_unobs": 0.25,
        "change_per_e_unobs": 0.6,
        "change_factor": 0.70,
        "change_fade_weeks": 26.0,
    },
    "b10": {
        "intercept": -1.05,
        "per_score_point": 1.3,
        "severe": -0.75,
        "light": -0.30,
        "no_answer": 0.06,
        "channels_given_searching": {
            "newspapers": 0.46,
            "internet": 0.60,
            "unsolicited": 0.50,
            "network": 0.56,
            "internship": 0.27,
            "temp_agency": 0.10,
        },
    },
    "s1_option_prob": {
        "J": {
            "3": 0.25,
            "5": 0.55,
            "7": 0.20,
            "12": 0.15,
            "13": 0.30,
            "14": 0.10,
            "17": 0.20,
            "19": 0.03,
            "20": 0.02,
        },
        "O": {"1": 0.45, "2": 0.35, "18": 0.15, "21": 0.15},
        "S": {"4": 0.40, "6": 0.30, "8": 0.35, "15": 0.35},
        "H": {"9": 0.30, "10": 0.50, "11": 0.40, "16": 0.10},
    },
    # Selection into activity groups on observables (log-odds shifts; 003 Tabel 4-11).
    "selection": {
        "J": {
            "children": 0.15,
            "nonwestern_immigrant": -0.25,
            "age_10y": -0.05,
            "psych_severe": -0.15,
            "prev_S12": 0.30,
            "musculo": -0.10,
        },
        "O": {
            "unskilled": 0.35,
            "nonwestern_immigrant": 1.65,
            "married": 0.45,
            "age_10y": -0.25,
            "psych_light": -0.45,
            "psych_severe": -0.35,
            "prev_S12": 0.05,
            "musculo": -0.30,
        },
        "S": {
            "children": -0.3,
            "unskilled": 0.3,
            "antidepressant": 0.1,
            "nonwestern_immigrant": -0.75,
            "married": -0.45,
            "age_10y": -0.45,
            "psych_light": 0.35,
            "psych_severe": 0.6,
            "prev_S12": -0.20,
            "musculo": -0.30,
        },
        "H": {
            "children": 0.3,
            "examination": 0.25,
            "antidepressant": 0.35,
            "painkiller": 0.3,
            "gp_high": 0.35,
            "nonwestern_immigrant": -0.35,
            "age_10y": -0.15,
            "psych_light": 0.35,
            "psych_severe": 0.35,
            "prev_S12": -0.20,
            "musculo": 0.25,
        },
        "none": {
            "age_10y": 0.12,
            "psych_light": 0.0,
            "psych_severe": -0.10,
            "musculo": 0.25,
            "prev_S12": -0.10,
        },
    },
}

ALL_ITEMS = B_ITEMS + S_ITEMS
CODES = ALL_COMBINATIONS
