"""The codebook of the analysis panel: every variable with its Danish and English label, type,
derivation, values and missing codes (``codebook.csv`` and ``codebook.md``).

Labels come from the exports' label catalogue (:mod:`bip.report.labels`); derivations restate
the panel's column contract (docs/panel.md) one variable at a time.
"""

from __future__ import annotations

import re

import pandas as pd

from bip.report.labels import category_values, value_labels, variable_label

# (pattern, derivation): the first full match wins.
_DERIVATIONS: tuple[tuple[str, str], ...] = (
    (r"measurement_id", "id of the measurement (dataset table measurements)"),
    (r"citizen_id", "pseudonymous citizen id (HMAC of the CPR number; never the CPR number)"),
    (r"caseworker_id", "id of the caseworker who recorded the measurement"),
    (r"jobcenter_id", "the citizen's jobcentre (dataset table citizens)"),
    (r"measured_on", "date of the meeting"),
    (r"meas_no", "1-based position among the citizen's measurements by date (ties by id)"),
    (r"is_repeat", "meas_no > 1"),
    (r"has_citizen_part", "the citizen answered at least one of B1-B11"),
    (r"has_caseworker_part", "the caseworker answered S1 or at least one of S2-S12"),
    (r"[BS]\d+", "answer 1-5 as recorded (higher = closer to a job)"),
    (r"B10_status", "B10 job search status as recorded: searching, not_searching, no_answer"),
    (r"B10_\w+", "B10 job search channel ticked (1) or not (0)"),
    (r"S1_\d+", "S1 activity option ticked (1) or not (0)"),
    (r"B_avg", "mean of B1-B9; missing unless all nine are answered"),
    (r"S_avg", "mean of S2-S12; missing unless all eleven are answered"),
    (
        r"d_\w+",
        "progression: this answer minus the answer at the citizen's previous measurement with "
        "that part present; missing for the first measurement or when either lacks the item",
    ),
    (r"weeks_since_prev", "days since the citizen's previous measurement / 7"),
    (
        r"combination",
        "JOSH code from this measurement's S1: one digit each for job-focused (J), up-skilling "
        "(O), social (S) and health (H) activities, 1 = at least one option of that group",
    ),
    (r"act_[JOSH]", "digit of the combination code for that group"),
    (r"s1_contradictory", "an activity ticked together with option 22 or 23 of S1"),
    (r"cw_changed", "caseworker differs from the citizen's previous measurement"),
    (r"n_cw_changes", "caseworker changes up to and including this measurement"),
    (
        r"job_or_education_52w",
        "1 if a week of employment or SU education in (measured_on, +364 days] "
        "(benefit_weeks, employment_months); missing without register data or when the "
        "window reaches past either register's last period (docs/panel.md)",
    ),
    (
        r"(job_or_education_52w|job_13w)_censored",
        "true when that outcome's window reaches past the last period of a register that "
        "defines it, so the outcome is missing whatever the window holds (docs/panel.md)",
    ),
    (r"job_13w", "1 if an employed month in (measured_on, +91 days]; education does not count"),
    (r"age", "year of the first measurement minus birth year (persons)"),
    (r"female|married|single_parent|n_children", "person register at the first measurement"),
    (r"origin|education", "category as in the person register"),
    (
        r"share([35])y_\w+",
        "share of the ISO weeks in that benefit_weeks status in the 5 (share5y) or 3 (share3y) "
        "years before the week of the first measurement",
    ),
    (r"psych_light", "F-diagnosis F10-F19, F30-F59 or F90-F98 in the 3 years before"),
    (r"psych_severe", "F-diagnosis F00-F09, F20-F29 or F60-F89 in the 3 years before"),
    (r"psych_any", "any F-diagnosis in the 3 years before the first measurement"),
    (r"psych_F\w+", "diagnosis in that ICD-10 F-chapter in the 3 years before"),
    (
        r"psych_or_psychmed",
        "psychiatric diagnosis (3 years) or psychopharmaca N05/N06 (6 months) before",
    ),
    (r"som_\w+", "somatic diagnosis group in the 3 years before the first measurement"),
    (r"med_\w+", "prescription in that ATC group in the 6 months before the first measurement"),
    (r"gp_\w+", "GP contacts (weeks with a contact, services, fees) in the 12 months before"),
    (
        r"(charge|conviction)_\w+_5y",
        "any charge / conviction under that law in the 5 years before",
    ),
)


def derivation(col: str) -> str:
    """How ``col`` of the panel is derived (empty when the column is unknown)."""
    for pattern, text in _DERIVATIONS:
        if re.fullmatch(pattern, col):
            return text
    return ""


def _type(s: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(s):
        return "0/1"
    if pd.api.types.is_datetime64_any_dtype(s):
        return "date"
    if pd.api.types.is_integer_dtype(s):
        return "integer"
    if pd.api.types.is_numeric_dtype(s):
        return "number"
    return "text"


def _missing(col: str, s: pd.Series) -> str:
    if not s.isna().any():
        return "none in this panel"
    base = 'empty cell in panel.csv, NA in R, . (or "" for text) in Stata, null in Parquet'
    if col.startswith("d_") or col == "weeks_since_prev":
        return base + "; always missing at a citizen's first measurement"
    if re.fullmatch(r"[BS]\d+", col):
        return base + "; item not answered"
    return base


def _values(col: str, s: pd.Series, lang: str) -> str:
    vl = value_labels(col, lang)
    if vl:
        return "; ".join(f"{k} = {v}" for k, v in vl.items())
    cats = category_values(col)
    if cats:
        return ", ".join(cats)
    if _type(s) in ("number", "integer") and s.notna().any():
        v = pd.to_numeric(s, errors="coerce")
        return f"range {v.min():g} to {v.max():g}"
    return ""


def codebook(panel: pd.DataFrame) -> pd.DataFrame:
    """One row per panel column: variable, type, label_da, label_en, derivation, values,
    missing, n_missing."""
    rows = []
    for col in panel.columns:
        s = panel[col]
        rows.append(
            {
                "variable": col,
                "type": _type(s),
                "label_da": variable_label(col, "da"),
                "label_en": variable_label(col, "en"),
                "derivation": derivation(col),
                "values": _values(col, s, "en"),
                "missing": _missing(col, s),
                "n_missing": int(s.isna().sum()),
            }
        )
    return pd.DataFrame(rows)


def codebook_markdown(book: pd.DataFrame) -> str:
    """The codebook as a Markdown table (pipes in cells escaped)."""

    def cell(x) -> str:
        return str(x).replace("|", "\\|").replace("\n", " ")

    cols = ["variable", "type", "label_en", "label_da", "derivation", "values", "missing"]
    lines = [
        "# Codebook of the analysis panel",
        "",
        "One row per measurement. Labels in English and Danish; `n_missing` is in codebook.csv.",
        "",
        "| " + " | ".join(cols) + " |",
        "|" + "---|" * len(cols),
    ]
    for _, r in book.iterrows():
        lines.append("| " + " | ".join(cell(r[c]) for c in cols) + " |")
    return "\n".join(lines) + "\n"
