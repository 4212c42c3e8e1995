"""Register aggregation for the panel, in DuckDB over the dataset's typed views.

Every query joins a register view to one of two small tables registered from pandas:
``firsts`` (citizen_id, first_on: the citizen's first measurement date) for background, and
``windows`` (measurement_id, citizen_id, measured_on) for outcomes. Nothing loops over rows
in Python, so the same code serves 3,700 citizens and 370,000.

Windows "before" a date are half-open ``[date - span, date)``: the day of the first
measurement itself is not "before". Outcome windows are ``(measured_on, measured_on + k]``
(docs/panel.md); an outcome needs its whole window inside every defining register's coverage.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from bip.dataset.schema import BENEFIT_STATUSES

LAWS = ("penal", "traffic", "other")

# ICD-10 F-chapters of 003 Tabel 7 (plus F00-F09, F70-F79 and F99): column -> (lo, hi) on the
# first three characters.
PSYCH_CHAPTERS: dict[str, tuple[str, str]] = {
    "psych_F00_F09": ("F00", "F09"),
    "psych_F10_F19": ("F10", "F19"),
    "psych_F20_F29": ("F20", "F29"),
    "psych_F30_F39": ("F30", "F39"),
    "psych_F40_F48": ("F40", "F48"),
    "psych_F50_F59": ("F50", "F59"),
    "psych_F60_F69": ("F60", "F69"),
    "psych_F70_F79": ("F70", "F79"),
    "psych_F80_F89": ("F80", "F89"),
    "psych_F90_F98": ("F90", "F98"),
    "psych_F99": ("F99", "F99"),
}
PSYCH_LIGHT = (("F10", "F19"), ("F30", "F39"), ("F40", "F49"), ("F50", "F59"), ("F90", "F98"))
PSYCH_SEVERE = (("F00", "F09"), ("F20", "F29"), ("F60", "F69"), ("F70", "F79"), ("F80", "F89"))
# Somatic groups of 003 Tabel 8 / docs/panel.md as ranges of three-character codes.
SOMATIC: dict[str, tuple[tuple[str, str], ...]] = {
    "som_cancer": (("C00", "C99"), ("D00", "D09"), ("D37", "D48")),
    "som_diabetes": (("E10", "E14"),),
    "som_nervous": (("G00", "G99"),),
    "som_cardio": (("I00", "I99"),),
    "som_lung": (("J00", "J99"),),
    "som_musculo": (("M00", "M99"),),
    "som_pregnancy": (("O00", "O99"),),
    "som_digestive": (("N00", "N99"),),
    "som_eye_ear": (("H00", "H99"),),
    "som_examination": (("Z00", "Z99"),),
    "som_accident": (("S00", "Y99"),),
}
# Medicine groups of 003 Tabel 9 as ATC prefixes.
MEDICINE: dict[str, tuple[str, ...]] = {
    "med_lifestyle": ("A02", "A10", "B01", "C"),
    "med_painkiller": ("M01", "N02"),
    "med_antipsychotic": ("N05A",),
    "med_anxiety": ("N05B", "N05C"),
    "med_antidepressant": ("N06A",),
    "med_addiction": ("N07BB", "N07BC", "R03"),
}
PSYCHMED_PREFIXES = ("N05", "N06")

DIAGNOSIS_FLAGS = ("psych_light", "psych_severe", "psych_any", *PSYCH_CHAPTERS, *SOMATIC)
MEDICINE_FLAGS = tuple(MEDICINE)
CRIME_FLAGS = tuple(f"{k}_{law}_5y" for k in ("charge", "conviction") for law in LAWS)
GP_COLUMNS = ("gp_weeks_12m", "gp_services_12m", "gp_fees_12m")
SHARE_COLUMNS = tuple(f"share{y}y_{s}" for y in (5, 3) for s in BENEFIT_STATUSES)


def _icd3(col: str = "icd10") -> str:
    """SQL for the three-character ICD-10 category of ``col``.

    Upper case, no dot or blanks, and without the Danish SKS prefix "D", which is
    recognisable because an ICD-10 code starts with a letter then a digit: "DF321" -> "F32",
    but "D051" stays chapter D itself ("D05").
    """
    c = f"upper(regexp_replace({col}, '[.\\s]', '', 'g'))"
    return (
        f"substr(CASE WHEN regexp_matches({c}, '^D[A-Z]') THEN substr({c}, 2) ELSE {c} END, 1, 3)"
    )


def _in_ranges(expr: str, ranges) -> str:
    return "(" + " OR ".join(f"({expr} BETWEEN '{lo}' AND '{hi}')" for lo, hi in ranges) + ")"


def _flag(cond: str) -> str:
    return f"CAST(max(CASE WHEN {cond} THEN 1 ELSE 0 END) AS TINYINT)"


def background(
    con: duckdb.DuckDBPyConnection, firsts: pd.DataFrame, present: set[str]
) -> pd.DataFrame:
    """Register background per citizen relative to ``firsts.first_on`` (docs/panel.md).

    Returns one row per citizen of ``firsts``. Flags are 0 when the register table is present
    but holds nothing for the citizen and NA when the table is absent (``present`` names the
    tables that exist in the dataset).
    """
    con.register("firsts_df", firsts[["citizen_id", "first_on"]])
    con.execute(
        "CREATE OR REPLACE TEMP TABLE firsts AS SELECT citizen_id, CAST(first_on AS DATE) AS first_on FROM firsts_df"
    )
    con.unregister("firsts_df")
    out = con.execute("""
        SELECT f.citizen_id,
               CAST(year(f.first_on) - p.birth_year AS DOUBLE) AS age,
               CAST(CASE WHEN p.sex = 'f' THEN 1 WHEN p.sex = 'm' THEN 0 END AS TINYINT) AS female,
               p.married, p.n_children, p.single_parent, p.origin, p.education,
               p.citizen_id IS NOT NULL AS _has_person
        FROM firsts f LEFT JOIN persons p USING (citizen_id)
    """).df()
    parts = [_shares(con), _diagnoses(con), _medicine(con), _gp(con), _crime(con)]
    tables = ["benefit_weeks", "diagnoses", "prescriptions", "gp_contacts", "crime"]
    for part, table in zip(parts, tables, strict=True):
        out = out.merge(part, on="citizen_id", how="left")
        cols = [c for c in part.columns if c != "citizen_id"]
        if table in present:
            out[cols] = out[cols].fillna(0)
        else:
            out[cols] = pd.NA
    return out


def _isoweek(date_sql: str) -> str:
    """SQL ISO week label ``YYYY-Www`` of a date; these labels sort chronologically."""
    return f"strftime({date_sql}, '%G-W%V')"


def _shares(con) -> pd.DataFrame:
    # Share of the 260 (156) ISO weeks before the week of the first measurement spent in each
    # status; weeks without a record count towards no status. Week labels compare as
    # strings, so the big register is filtered without parsing a date per row.
    cols = []
    for years, weeks in ((5, 260), (3, 156)):
        for s in BENEFIT_STATUSES:
            cond = f"b.status = '{s}'" + (" AND b.week >= f.lo3" if years == 3 else "")
            cols.append(f"count(*) FILTER (WHERE {cond}) / {weeks}.0 AS share{years}y_{s}")
    return con.execute(f"""
        WITH f AS (
            SELECT citizen_id, {_isoweek("fw - 7 * 260")} AS lo5, {_isoweek("fw - 7 * 156")} AS lo3,
                   {_isoweek("fw")} AS hi
            FROM (SELECT citizen_id, first_on - CAST(isodow(first_on) - 1 AS INTEGER) AS fw FROM firsts)
        )
        SELECT b.citizen_id, {", ".join(cols)}
        FROM benefit_weeks b JOIN f ON b.citizen_id = f.citizen_id
        WHERE b.week >= f.lo5 AND b.week < f.hi
        GROUP BY b.citizen_id
    """).df()


def _diagnoses(con) -> pd.DataFrame:
    c3 = "c3"
    flags = [
        f"{_flag(_in_ranges(c3, PSYCH_LIGHT))} AS psych_light",
        f"{_flag(_in_ranges(c3, PSYCH_SEVERE))} AS psych_severe",
        f"{_flag(_in_ranges(c3, [('F00', 'F99')]))} AS psych_any",
        *(f"{_flag(_in_ranges(c3, [r]))} AS {name}" for name, r in PSYCH_CHAPTERS.items()),
        *(f"{_flag(_in_ranges(c3, rs))} AS {name}" for name, rs in SOMATIC.items()),
    ]
    return con.execute(f"""
        SELECT citizen_id, {", ".join(flags)}
        FROM (SELECT d.citizen_id, {_icd3("d.icd10")} AS c3
              FROM diagnoses d JOIN firsts f USING (citizen_id)
              WHERE d.diagnosed_on < f.first_on AND d.diagnosed_on >= f.first_on - INTERVAL 3 YEAR)
        GROUP BY citizen_id
    """).df()


def _medicine(con) -> pd.DataFrame:
    def cond(prefixes) -> str:
        return "(" + " OR ".join(f"starts_with(a, '{p}')" for p in prefixes) + ")"

    flags = [f"{_flag(cond(p))} AS {name}" for name, p in MEDICINE.items()]
    flags.append(f"{_flag(cond(PSYCHMED_PREFIXES))} AS _psychmed")
    return con.execute(f"""
        SELECT citizen_id, {", ".join(flags)}
        FROM (SELECT r.citizen_id, upper(replace(r.atc, ' ', '')) AS a
              FROM prescriptions r JOIN firsts f USING (citizen_id)
              WHERE r.dispensed_on < f.first_on AND r.dispensed_on >= f.first_on - INTERVAL 6 MONTH)
        GROUP BY citizen_id
    """).df()


def _gp(con) -> pd.DataFrame:
    return con.execute("""
        SELECT citizen_id,
               CAST(count(DISTINCT (yearweek(g.contact_on))) AS DOUBLE) AS gp_weeks_12m,
               CAST(coalesce(sum(g.n_services), 0) AS DOUBLE) AS gp_services_12m,
               CAST(coalesce(sum(g.fee_dkk), 0) AS DOUBLE) AS gp_fees_12m
        FROM gp_contacts g JOIN firsts f USING (citizen_id)
        WHERE g.contact_on < f.first_on AND g.contact_on >= f.first_on - INTERVAL 12 MONTH
        GROUP BY citizen_id
    """).df()


def _crime(con) -> pd.DataFrame:
    flags = [
        _flag("c.kind = '" + k + "' AND c.law = '" + law + "'") + f" AS {k}_{law}_5y"
        for k in ("charge", "conviction")
        for law in LAWS
    ]
    return con.execute(f"""
        SELECT citizen_id, {", ".join(flags)}
        FROM crime c JOIN firsts f USING (citizen_id)
        WHERE c.decided_on < f.first_on AND c.decided_on >= f.first_on - INTERVAL 5 YEAR
        GROUP BY citizen_id
    """).df()


# The registers that define each outcome (docs/panel.md): its window must lie within the
# coverage of every one of them, else the outcome is missing whatever the window holds.
OUTCOME_REGISTERS: dict[str, tuple[str, ...]] = {
    "job_or_education_52w": ("employment_months", "benefit_weeks"),
    "job_13w": ("employment_months",),
}
# Per outcome, the panel column that says its window reaches past a register's coverage.
CENSORED = {name: f"{name}_censored" for name in OUTCOME_REGISTERS}


def coverage(con: duckdb.DuckDBPyConnection) -> dict[str, str | None]:
    """Each outcome register's own last period: the latest month (week) in the table, or None.

    An absent or empty register covers no period. Labels sort chronologically, so the
    coverage of a window is a string comparison.
    """
    ((month, week),) = con.execute(
        "SELECT (SELECT max(month) FROM employment_months), (SELECT max(week) FROM benefit_weeks)"
    ).fetchall()
    return {"employment_months": month, "benefit_weeks": week}


def outcomes(
    con: duckdb.DuckDBPyConnection,
    windows: pd.DataFrame,
    present: set[str],
    cover: dict[str, str | None] | None = None,
) -> pd.DataFrame:
    """``job_or_education_52w`` and ``job_13w`` per measurement (docs/panel.md windows).

    A month counts if any of its days lies in ``(measured_on, measured_on + k]``; an ISO week
    likewise. An outcome is NA unless every register that defines it (``OUTCOME_REGISTERS``)
    covers its whole window, i.e. the month (week) of ``measured_on + k`` is at or before that
    register's last period (``cover``, from :func:`coverage` when not given): a censored
    window is missing whether or not it already shows a job, since keeping only its 1s would
    inflate the rate. ``<outcome>_censored`` is True where the outcome is NA for that reason
    (every defining register has data, but the window reaches past one's last period).
    """
    con.register("win_df", windows[["measurement_id", "citizen_id", "measured_on"]])
    con.execute(
        "CREATE OR REPLACE TEMP TABLE win AS SELECT measurement_id, citizen_id, CAST(measured_on AS DATE) AS d FROM win_df"
    )
    con.unregister("win_df")
    if not ({"employment_months", "benefit_weeks"} & present):
        res = windows[["measurement_id"]].copy()
        for name, flag in CENSORED.items():
            res[name] = pd.NA
            res[flag] = False
        return res
    cover = coverage(con) if cover is None else cover
    last_month, last_week = cover["employment_months"], cover["benefit_weeks"]
    # Month and ISO-week labels sort chronologically, so "any day of the month (week) in
    # (d, d + k]" is "label between the label of d + 1 and the label of d + k", and "the
    # register covers the window" is "label of d + k <= the register's last label".
    res = con.execute(
        f"""
        WITH w AS (
            SELECT measurement_id, citizen_id, d,
                   strftime(d + 1, '%Y-%m') AS m_lo, strftime(d + 364, '%Y-%m') AS m_hi52,
                   strftime(d + 91, '%Y-%m') AS m_hi13,
                   {_isoweek("d + 1")} AS w_lo, {_isoweek("d + 364")} AS w_hi52
            FROM win
        ), c AS (
            SELECT measurement_id,
                   coalesce(m_hi52 <= CAST($lm AS VARCHAR), false)
                       AND coalesce(w_hi52 <= CAST($lw AS VARCHAR), false) AS ok52,
                   coalesce(m_hi13 <= CAST($lm AS VARCHAR), false) AS ok13
            FROM w
        ), emp AS (
            SELECT w.measurement_id, max(CASE WHEN e.month <= w.m_hi13 THEN 1 ELSE 0 END) AS j13
            FROM w JOIN employment_months e ON e.citizen_id = w.citizen_id
            WHERE e.employed = 1 AND e.month >= w.m_lo AND e.month <= w.m_hi52
            GROUP BY w.measurement_id
        ), edu AS (
            SELECT DISTINCT w.measurement_id
            FROM w JOIN benefit_weeks b ON b.citizen_id = w.citizen_id
            WHERE b.status = 'education_su' AND b.week >= w.w_lo AND b.week <= w.w_hi52
        )
        SELECT c.measurement_id,
               CASE WHEN NOT c.ok52 THEN NULL
                    WHEN emp.measurement_id IS NOT NULL OR edu.measurement_id IS NOT NULL THEN 1
                    ELSE 0 END AS job_or_education_52w,
               CASE WHEN NOT c.ok13 THEN NULL WHEN emp.j13 = 1 THEN 1 ELSE 0 END AS job_13w,
               NOT c.ok52 AND $both AS job_or_education_52w_censored,
               NOT c.ok13 AND $emp AS job_13w_censored
        FROM c
        LEFT JOIN emp ON emp.measurement_id = c.measurement_id
        LEFT JOIN edu ON edu.measurement_id = c.measurement_id
        """,
        {
            "lm": last_month,
            "lw": last_week,
            "both": last_month is not None and last_week is not None,
            "emp": last_month is not None,
        },
    ).df()
    return res
