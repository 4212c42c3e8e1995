"""The DuckDB tables the published figures are computed from, straight from a dataset.

:func:`prepare` registers the dataset's tables and derives, with SQL only (independently of
:mod:`bip.panel`): measurements with their part flags, order and combination (``m``, ``m2``),
each citizen's background at the first measurement (``bg``) and every measurement's outcomes
(``mo``), all per the dataset format's definitions.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from bip.dataset import Dataset
from bip.instrument import B_ITEMS, S1_GROUP, S_ITEMS

GROUP_KEYS = {"J": "jobrettet", "O": "opkvalificering", "S": "social", "H": "helbredsrettet"}
_B_PART = [
    *B_ITEMS,
    "B10_status",
    "B10_newspapers",
    "B10_internet",
    "B10_unsolicited",
    "B10_network",
    "B10_internship",
    "B10_temp_agency",
    "B11",
]
_S_PART = [*(f"S1_{i}" for i in range(1, 24)), *S_ITEMS]


def _any_present(cols) -> str:
    return "(" + " OR ".join(f'"{c}" IS NOT NULL' for c in cols) + ")"


def _group_flag(g: str) -> str:
    opts = [n for n, grp in S1_GROUP.items() if grp == g]
    return "(" + " OR ".join(f"coalesce(S1_{n}, 0) = 1" for n in opts) + ")"


def _iso_weeks(con: duckdb.DuckDBPyConnection) -> None:
    """A lookup of ISO week labels to their Monday, 1990-2045 (labels as in benefit_weeks)."""
    d, rows = dt.date(1990, 1, 1), []
    d -= dt.timedelta(days=d.weekday())
    while d.year < 2046:
        y, w, _ = d.isocalendar()
        rows.append((f"{y}-W{w:02d}", d))
        d += dt.timedelta(days=7)
    con.register("_iso_df", pd.DataFrame(rows, columns=["week", "monday"]))
    con.execute(
        "CREATE OR REPLACE TEMP TABLE iso_week AS SELECT week, CAST(monday AS DATE) AS monday FROM _iso_df"
    )


def prepare(ds: Dataset) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with the dataset's views and the derived tables used below."""
    con = duckdb.connect()
    ds.register(con)
    _iso_weeks(con)
    flags = {g: _group_flag(g) for g in GROUP_KEYS}
    any_act = " OR ".join(flags.values())
    b_all = " AND ".join(f'"{b}" IS NOT NULL' for b in B_ITEMS)
    s_all = " AND ".join(f'"{s}" IS NOT NULL' for s in S_ITEMS)
    con.execute(f"""
        CREATE TEMP TABLE m AS
        SELECT *,
          {_any_present(_B_PART)} AS has_b,
          {_any_present(_S_PART)} AS has_s,
          row_number() OVER (PARTITION BY citizen_id ORDER BY measured_on, measurement_id) AS k,
          count(*) OVER (PARTITION BY citizen_id) AS n_meas,
          CASE WHEN {any_act} THEN
                 CAST(CAST({flags["J"]} AS INT) AS VARCHAR) || CAST(CAST({flags["O"]} AS INT) AS VARCHAR)
              || CAST(CAST({flags["S"]} AS INT) AS VARCHAR) || CAST(CAST({flags["H"]} AS INT) AS VARCHAR)
               WHEN coalesce(S1_22, 0) = 1 THEN '0000' END AS code,
          CASE WHEN {b_all} THEN ({" + ".join(B_ITEMS)}) / 9.0 END AS B_avg,
          CASE WHEN {s_all} THEN ({" + ".join(S_ITEMS)}) / 11.0 END AS S_avg,
          (SELECT avg(v) FROM (SELECT unnest([{", ".join(B_ITEMS)}]) AS v) WHERE v IS NOT NULL) AS b_mean
        FROM measurements
    """)
    con.execute("""
        CREATE TEMP TABLE m2 AS
        SELECT *,
          max(CASE WHEN has_b THEN k END) OVER w AS prev_b,
          max(CASE WHEN has_s THEN k END) OVER w AS prev_s,
          lag(measured_on) OVER (PARTITION BY citizen_id ORDER BY k) AS prev_date,
          lag(caseworker_id) OVER (PARTITION BY citizen_id ORDER BY k) AS prev_cw
        FROM m
        WINDOW w AS (PARTITION BY citizen_id ORDER BY k ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
    """)
    con.execute("""
        CREATE TEMP TABLE first AS
        SELECT c.citizen_id, c.jobcenter_id, min(m.measured_on) AS t1
        FROM citizens c JOIN measurements m USING (citizen_id) GROUP BY ALL
    """)
    # Citizen background relative to the first measurement (docs/panel.md windows).
    con.execute("""
        CREATE TEMP TABLE dx AS
        SELECT d.citizen_id, d.diagnosed_on,
          regexp_replace(upper(regexp_replace(icd10, '[^A-Za-z0-9]', '', 'g')), '^D([A-Z])', '\\1') AS code
        FROM diagnoses d
    """)
    con.execute("""
        CREATE TEMP TABLE dx3 AS
        SELECT dx.citizen_id, code, left(code, 1) AS letter,
               TRY_CAST(substr(code, 2, 2) AS INTEGER) AS num
        FROM dx JOIN first f USING (citizen_id)
        WHERE dx.diagnosed_on < f.t1 AND dx.diagnosed_on >= f.t1 - INTERVAL 3 YEAR
    """)
    con.execute("""
        CREATE TEMP TABLE rx6 AS
        SELECT p.citizen_id, upper(p.atc) AS atc FROM prescriptions p JOIN first f USING (citizen_id)
        WHERE p.dispensed_on < f.t1 AND p.dispensed_on >= f.t1 - INTERVAL 6 MONTH
    """)

    def dxf(cond: str) -> str:
        return f"coalesce(bool_or({cond}), false)"

    def rx(prefixes) -> str:
        return (
            "coalesce(bool_or("
            + " OR ".join(f"starts_with(atc, '{p}')" for p in prefixes)
            + "), false)"
        )

    f_ch = {
        "f10": (10, 19),
        "f20": (20, 29),
        "f30": (30, 39),
        "f40": (40, 48),
        "f50": (50, 59),
        "f60": (60, 69),
        "f80": (80, 89),
        "f90": (90, 98),
        "f99": (99, 99),
    }
    ANY_F = "letter = 'F'"  # noqa: N806
    light = (
        "letter = 'F' AND (num BETWEEN 10 AND 19 OR num BETWEEN 30 AND 59 OR num BETWEEN 90 AND 98)"
    )
    severe = (
        "letter = 'F' AND (num BETWEEN 0 AND 9 OR num BETWEEN 20 AND 29 OR num BETWEEN 60 AND 89)"
    )
    som = {
        "cancer": "letter = 'C' OR (letter = 'D' AND (num BETWEEN 0 AND 9 OR num BETWEEN 37 AND 48))",
        "diabetes": "letter = 'E' AND num BETWEEN 10 AND 14",
        "nervous": "letter = 'G'",
        "cardio": "letter = 'I'",
        "lung": "letter = 'J'",
        "musculo": "letter = 'M'",
        "pregnancy": "letter = 'O'",
        "digestive": "letter = 'N'",
        "eye_ear": "letter = 'H'",
        "examination": "letter = 'Z'",
        "accident": "letter IN ('S', 'T', 'U', 'V', 'W', 'X', 'Y')",
    }
    dx_cols = ",\n".join(
        [
            f"{dxf(light)} AS psych_light",
            f"{dxf(severe)} AS psych_severe",
            f"{dxf(ANY_F)} AS psych_any",
        ]
        + [
            f"{dxf(f'letter = {chr(39)}F{chr(39)} AND num BETWEEN {a} AND {b}')} AS {k}"
            for k, (a, b) in f_ch.items()
        ]
        + [f"{dxf(v)} AS som_{k}" for k, v in som.items()]
    )
    con.execute(
        f"CREATE TEMP TABLE bg_dx AS SELECT citizen_id, {dx_cols} FROM dx3 GROUP BY citizen_id"
    )
    meds = {
        "lifestyle": ("A02", "A10", "B01", "C"),
        "painkiller": ("M01", "N02"),
        "antipsychotic": ("N05A",),
        "anxiety": ("N05B", "N05C"),
        "antidepressant": ("N06A",),
        "addiction": ("N07BB", "N07BC", "R03"),
        "psychmed": ("N05", "N06"),
    }
    rx_cols = ", ".join(f"{rx(v)} AS med_{k}" for k, v in meds.items())
    con.execute(
        f"CREATE TEMP TABLE bg_rx AS SELECT citizen_id, {rx_cols} FROM rx6 GROUP BY citizen_id"
    )
    con.execute("""
        CREATE TEMP TABLE bg_gp AS
        SELECT g.citizen_id, count(DISTINCT strftime(g.contact_on, '%G-%V')) AS gp_weeks,
               sum(g.n_services) AS gp_services, sum(g.fee_dkk) AS gp_fees
        FROM gp_contacts g JOIN first f USING (citizen_id)
        WHERE g.contact_on < f.t1 AND g.contact_on >= f.t1 - INTERVAL 12 MONTH GROUP BY 1
    """)
    con.execute("""
        CREATE TEMP TABLE bg_cr AS
        SELECT c.citizen_id,
          bool_or(kind = 'charge' AND law = 'penal') AS charge_penal,
          bool_or(kind = 'charge' AND law = 'traffic') AS charge_traffic,
          bool_or(kind = 'charge' AND law = 'other') AS charge_other,
          bool_or(kind = 'conviction' AND law = 'penal') AS conviction_penal,
          bool_or(kind = 'conviction' AND law = 'traffic') AS conviction_traffic,
          bool_or(kind = 'conviction' AND law = 'other') AS conviction_other
        FROM crime c JOIN first f USING (citizen_id)
        WHERE c.decided_on < f.t1 AND c.decided_on >= f.t1 - INTERVAL 5 YEAR GROUP BY 1
    """)
    con.execute("""
        CREATE TEMP TABLE bg_bw AS
        SELECT b.citizen_id,
          avg(CASE WHEN i.monday >= f.t1 - INTERVAL 5 YEAR THEN (status = 'employed')::INT END) AS y5_employed,
          avg(CASE WHEN i.monday >= f.t1 - INTERVAL 5 YEAR THEN (status = 'self_supporting')::INT END) AS y5_self_supporting,
          avg(CASE WHEN i.monday >= f.t1 - INTERVAL 5 YEAR THEN (status = 'education_su')::INT END) AS y5_education,
          avg(CASE WHEN i.monday >= f.t1 - INTERVAL 5 YEAR THEN (status = 'cash_benefit')::INT END) AS y5_cash_benefit,
          avg(CASE WHEN i.monday >= f.t1 - INTERVAL 5 YEAR THEN (status = 'sickness_benefit')::INT END) AS y5_sickness_benefit,
          avg(CASE WHEN i.monday >= f.t1 - INTERVAL 3 YEAR THEN (status = 'employed')::INT END) AS y3_employed,
          avg(CASE WHEN i.monday >= f.t1 - INTERVAL 3 YEAR THEN (status = 'self_supporting')::INT END) AS y3_self_supporting,
          avg(CASE WHEN i.monday >= f.t1 - INTERVAL 3 YEAR THEN (status = 'education_su')::INT END) AS y3_education,
          avg(CASE WHEN i.monday >= f.t1 - INTERVAL 3 YEAR THEN (status = 'cash_benefit')::INT END) AS y3_cash_benefit,
          avg(CASE WHEN i.monday >= f.t1 - INTERVAL 3 YEAR THEN (status = 'sickness_benefit')::INT END) AS y3_sickness_benefit
        FROM benefit_weeks b JOIN iso_week i USING (week) JOIN first f USING (citizen_id)
        WHERE i.monday < f.t1 AND i.monday >= f.t1 - INTERVAL 5 YEAR GROUP BY 1
    """)
    con.execute("""
        CREATE TEMP TABLE bg AS
        SELECT f.citizen_id, f.jobcenter_id, f.t1, year(f.t1) - p.birth_year AS age, p.sex,
          p.married, p.n_children, p.single_parent, p.origin, p.education,
          d.* EXCLUDE (citizen_id), r.* EXCLUDE (citizen_id), g.* EXCLUDE (citizen_id),
          c.* EXCLUDE (citizen_id), w.* EXCLUDE (citizen_id)
        FROM first f LEFT JOIN persons p USING (citizen_id) LEFT JOIN bg_dx d USING (citizen_id)
          LEFT JOIN bg_rx r USING (citizen_id) LEFT JOIN bg_gp g USING (citizen_id)
          LEFT JOIN bg_cr c USING (citizen_id) LEFT JOIN bg_bw w USING (citizen_id)
    """)
    # Outcomes per measurement, exactly per docs/panel.md.
    con.execute("""
        CREATE TEMP TABLE outcome AS
        SELECT m.measurement_id,
          coalesce(bool_or(e.employed = 1 AND e.mstart <= m.measured_on + 364
                           AND e.mend > m.measured_on), false) AS emp52,
          coalesce(bool_or(e.employed = 1 AND e.mstart <= m.measured_on + 91
                           AND e.mend > m.measured_on), false) AS job13
        FROM measurements m LEFT JOIN (
          SELECT citizen_id, employed, CAST(strptime(month || '-01', '%Y-%m-%d') AS DATE) AS mstart,
                 CAST(last_day(CAST(strptime(month || '-01', '%Y-%m-%d') AS DATE)) AS DATE) AS mend
          FROM employment_months WHERE employed = 1) e USING (citizen_id)
        GROUP BY 1
    """)
    con.execute("""
        CREATE TEMP TABLE outcome_edu AS
        SELECT m.measurement_id,
          coalesce(bool_or(i.monday <= m.measured_on + 364 AND i.monday + 6 > m.measured_on), false) AS edu52
        FROM measurements m LEFT JOIN (
          SELECT b.citizen_id, i.monday FROM benefit_weeks b JOIN iso_week i USING (week)
          WHERE b.status = 'education_su') i USING (citizen_id)
        GROUP BY 1
    """)
    con.execute("""
        CREATE TEMP TABLE mo AS
        SELECT m2.*, (o.emp52 OR e.edu52)::INT AS y52, o.job13::INT AS job13
        FROM m2 JOIN outcome o USING (measurement_id) JOIN outcome_edu e USING (measurement_id)
    """)
    return con


def one(con: duckdb.DuckDBPyConnection, sql: str):
    """The first row of a query."""
    return con.execute(sql).fetchone()


def pct(x) -> float | None:
    """A fraction as percent (None stays None)."""
    return None if x is None else 100.0 * float(x)
