"""Published figures recomputed from a dataset with DuckDB SQL, independently of bip.panel.

Each function returns ``{published_id: value}`` where a value is a number or a mapping keyed
like the published value, in the published unit (percent 0-100, weeks, years, counts).
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
    # Citizen background relative to the first measurement (SPEC §4 windows).
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
    # Outcomes per measurement, exactly per SPEC §4.
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


def _one(con, sql: str):
    return con.execute(sql).fetchone()


def _pct(x) -> float | None:
    return None if x is None else 100.0 * float(x)


def compute(ds: Dataset) -> dict[str, object]:
    """Every published figure computable from ``ds`` (see ``tolerances.yaml`` for the list)."""
    con = prepare(ds)
    out: dict[str, object] = {}
    q = lambda sql: _one(con, sql)  # noqa: E731
    # ---- study design and counts
    out["n_jobcenters"] = q("SELECT count(*) FROM jobcenters")[0]
    out["n_citizens_with_responses"] = q("SELECT count(DISTINCT citizen_id) FROM m")[0]
    out["n_caseworkers_approx"] = q("SELECT count(DISTINCT caseworker_id) FROM m")[0]
    out["n_citizen_responses"] = q("SELECT count(*) FROM m WHERE has_b")[0]
    out["n_caseworker_responses"] = q("SELECT count(*) FROM m WHERE has_s")[0]
    out["n_responses_total_approx"] = out["n_citizen_responses"] + out["n_caseworker_responses"]
    out["mean_weeks_between_responses"] = q(
        "SELECT avg(date_diff('day', prev_date, measured_on) / 7.0) FROM m2 WHERE prev_date IS NOT NULL"
    )[0]
    # ---- population profile (citizens, at the first measurement)
    pp = con.execute("""
        SELECT avg(age), avg((age < 30)::INT), avg(married), avg((n_children = 0)::INT),
          avg(single_parent), avg((n_children = 1)::INT), avg((n_children >= 2)::INT),
          avg((origin = 'nonwestern_immigrant')::INT), avg((origin = 'danish')::INT),
          avg((education = 'unskilled')::INT), avg((education = 'skilled')::INT),
          avg((education = 'higher')::INT), avg(coalesce(y3_employed, 0)),
          avg((coalesce(psych_any, false) OR coalesce(med_psychmed, false))::INT),
          avg(coalesce(som_musculo, false)::INT), avg(coalesce(som_digestive, false)::INT),
          avg(coalesce(med_lifestyle, false)::INT), avg(coalesce(med_antidepressant, false)::INT),
          avg(coalesce(med_antipsychotic, false)::INT),
          avg(CASE WHEN sex = 'm' THEN coalesce(conviction_penal, false)::INT END)
        FROM bg""").fetchone()
    names = [
        "pop_mean_age",
        "share_under_30",
        "pop_share_married",
        "pop_share_no_children",
        "pop_share_single_with_children",
        "pop_share_one_child",
        "pop_share_two_plus_children",
        "pop_share_nonwestern_immigrants",
        "pop_share_danish_origin",
        "pop_share_unskilled",
        "pop_share_vocational_education",
        "pop_share_higher_education",
        "pop_share_time_employed_prev_3y",
        "pop_share_psychiatric_or_psychopharmaca",
        "pop_share_musculoskeletal",
        "pop_share_digestive_urinary",
        "pop_share_lifestyle_medicine",
        "pop_share_antidepressants",
        "pop_share_antipsychotics",
        "pop_share_men_charged_convicted",
    ]
    for i, name in enumerate(names):
        out[name] = float(pp[i]) if name == "pop_mean_age" else _pct(pp[i])
    # ---- activity mix over repeat measurements with a known combination (003 Tabel 3)
    rep = "FROM m WHERE k > 1 AND code IS NOT NULL"
    tot = q(f"SELECT count(*) {rep}")[0]
    codes = dict(con.execute(f"SELECT code, count(*) {rep} GROUP BY 1").fetchall())
    tot = tot or float("nan")  # no repeat measurement with a known combination: shares are NaN
    out["t3_combinations"] = {
        c: 100.0 * codes.get(c, 0) / tot for c in (f"{i:04b}" for i in range(16))
    }
    out["t3_total_responses"] = 0 if tot != tot else tot
    sh = {c: codes.get(c, 0) / tot * 100 for c in out["t3_combinations"]}
    n_groups = {c: c.count("1") for c in sh}
    out["share_no_activity"] = sh["0000"]
    out["share_any_job_focused"] = sum(v for c, v in sh.items() if c[0] == "1")
    out["share_combined_003"] = sum(v for c, v in sh.items() if n_groups[c] >= 2)
    out["share_combined_000_001"] = out["share_combined_003"]
    out["share_combined_incl_job"] = sum(
        v for c, v in sh.items() if n_groups[c] >= 2 and c[0] == "1"
    )
    out["share_activity_without_job"] = sum(v for c, v in sh.items() if c[0] == "0" and c != "0000")
    out["share_single_type"] = sum(v for c, v in sh.items() if n_groups[c] == 1)
    out["single_type_shares"] = {
        "jobrettet": sh["1000"],
        "helbredsrettet": sh["0001"],
        "social": sh["0010"],
        "opkvalificering": sh["0100"],
    }
    # ---- progression (003 Tabel 1): mean and n per item, unchanged share of the averages
    t1_ids = {
        "B1": "t1_b1_ide_om_arbejde",
        "B2": "t1_b2_tage_kontakt",
        "B3": "t1_b3_samarbejde",
        "B4": "t1_b4_netvaerk",
        "B5": "t1_b5_hverdagsmestring",
        "B6": "t1_b6_helbred",
        "B7": "t1_b7_kompetence",
        "B8": "t1_b8_klare_et_arbejde",
        "B9": "t1_b9_viden_om_muligheder",
        "S2": "t1_s2_realisme",
        "S3": "t1_s3_maalrettethed",
        "S4": "t1_s4_initiativ",
        "S5": "t1_s5_fortaelle_om_sig_selv",
        "S6": "t1_s6_samarbejde",
        "S7": "t1_s7_instruktion",
        "S8": "t1_s8_koncentration",
        "S9": "t1_s9_netvaerk",
        "S10": "t1_s10_hverdagsmestring",
        "S11": "t1_s11_helbred",
        "S12": "t1_s12_jobchance",
        "B_avg": "t1_b_avg",
        "S_avg": "t1_s_avg",
    }
    unchanged = {}
    for item, fid in t1_ids.items():
        prev = "prev_b" if item.startswith("B") else "prev_s"
        mean, n, same = q(f"""
            SELECT avg(cur.{item} - p.{item}), count(cur.{item} - p.{item}),
                   avg((cur.{item} = p.{item})::INT)
            FROM m2 cur JOIN m2 p ON p.citizen_id = cur.citizen_id AND p.k = cur.{prev}
            WHERE cur.{"has_b" if item.startswith("B") else "has_s"}""")
        out[fid] = mean
        out[f"{fid}__n_obs"] = n
        unchanged[item] = _pct(same)
    out["share_no_change_range"] = {"B_avg": unchanged["B_avg"], "S_avg": unchanged["S_avg"]}
    out.update(_by_group(con))
    out.update(_caseworkers(con))

    # ---- beliefs (001 JÄMFÖRELSE), job search (002, 000)
    def dist(col):
        return dict(
            con.execute(
                f"SELECT {col}, 100.0 * count(*) / sum(count(*)) OVER () FROM m WHERE {col} IS NOT NULL GROUP BY 1"
            ).fetchall()
        )

    b8, s12 = dist("B8"), dist("S12")
    out["belief_dist_citizens"] = {f"step{i}": b8.get(i, 0.0) for i in range(1, 6)}
    out["belief_dist_caseworkers"] = {f"step{i}": s12.get(i, 0.0) for i in range(1, 6)}
    out["share_caseworkers_believe"] = s12.get(4, 0) + s12.get(5, 0)
    out["share_citizens_believe"] = b8.get(4, 0) + b8.get(5, 0)
    out["share_caseworker_positive"] = out["share_caseworkers_believe"]
    out["share_caseworker_not_believing"] = s12.get(1, 0) + s12.get(2, 0)
    st = dict(
        con.execute(
            "SELECT B10_status, 100.0 * count(*) / sum(count(*)) OVER () FROM m "
            "WHERE B10_status IS NOT NULL GROUP BY 1"
        ).fetchall()
    )
    out["job_search_status"] = {
        "soeger_ikke_job": st.get("not_searching", 0.0),
        "soeger_job": st.get("searching", 0.0),
        "vil_ikke_svare": st.get("no_answer", 0.0),
    }
    ch = q("""SELECT 100 * avg(coalesce(B10_newspapers, 0)), 100 * avg(coalesce(B10_internet, 0)),
                     100 * avg(coalesce(B10_unsolicited, 0)), 100 * avg(coalesce(B10_network, 0)),
                     100 * avg(coalesce(B10_internship, 0)), 100 * avg(coalesce(B10_temp_agency, 0)),
                     100 * avg((B10_status = 'not_searching')::INT)
              FROM m WHERE B10_status IS NOT NULL""")
    out["job_search_channel_usage"] = dict(
        zip(
            [
                "aviser",
                "internet",
                "uopfordret",
                "netvaerk",
                "via_praktik",
                "vikarbureau",
                "soeger_ikke_job",
            ],
            ch,
            strict=True,
        )
    )
    band = "CASE WHEN b_mean < 2.5 THEN '<2.5' WHEN b_mean <= 3.5 THEN '2.5-3.5' ELSE '>3.5' END"
    rows = con.execute(f"""
        SELECT {band} AS band, 100 * avg(coalesce(B10_newspapers, 0)), 100 * avg(coalesce(B10_internet, 0)),
          100 * avg(coalesce(B10_unsolicited, 0)), 100 * avg(coalesce(B10_network, 0)),
          100 * avg(coalesce(B10_internship, 0)), 100 * avg(coalesce(B10_temp_agency, 0)),
          100 * avg((B10_status = 'not_searching')::INT), 100 * avg((B10_status = 'no_answer')::INT)
        FROM m WHERE B10_status IS NOT NULL AND b_mean IS NOT NULL GROUP BY 1""").fetchall()
    keys = [
        "aviser",
        "internettet",
        "uopfordret",
        "netvaerk",
        "praktikvirksomhed",
        "vikarbureau",
        "soeger_ikke",
        "oensker_ikke_at_svare",
    ]
    out["job_search_channel_by_citizen_score"] = {
        k: {r[0]: r[i + 1] for r in rows} for i, k in enumerate(keys)
    }
    for fid, cond in (
        ("job_search_severe_psych", "coalesce(bg.psych_severe, false)"),
        ("job_search_no_psych", "NOT coalesce(bg.psych_any, false)"),
    ):
        r = q(f"""SELECT 100 * avg((B10_status = 'not_searching')::INT), 100 * avg((B10_status = 'searching')::INT)
                  FROM m JOIN bg USING (citizen_id) WHERE B10_status IS NOT NULL AND {cond}""")
        out[fid] = {"not_searching": r[0], "searching": r[1]}
    # ---- S12 level -> job_13w rate (002/001; SPEC §4 reads it as job_13w)
    lv = dict(
        con.execute(
            "SELECT S12, 100 * avg(job13) FROM mo WHERE S12 IS NOT NULL GROUP BY 1"
        ).fetchall()
    )
    out["pct_in_job_by_caseworker_belief"] = dict(
        zip(
            ["nej", "tvivler", "det_svinger", "gode_chancer", "ja"],
            [lv.get(i) for i in range(1, 6)],
            strict=True,
        )
    )
    # ---- caseworker change (002/001): citizens with > 1 measurement
    out["share_experienced_caseworker_change"] = _pct(
        q("""
        SELECT avg(ch::INT) FROM (SELECT citizen_id, bool_or(prev_cw IS NOT NULL AND prev_cw <> caseworker_id) AS ch
        FROM m2 WHERE n_meas > 1 GROUP BY 1)""")[0]
    )
    return out


_BG_FEATURES = {  # published id -> SQL over bg (citizen background), averaged per group
    "t4_age_mean": "age",
    "t4_married": "100 * married",
    "t4_no_children": "100 * (n_children = 0)::INT",
    "t4_single_with_children": "100 * single_parent",
    "t4_one_child": "100 * (n_children = 1)::INT",
    "t4_two_three_children": "100 * (n_children BETWEEN 2 AND 3)::INT",
    "t4_four_plus_children": "100 * (n_children >= 4)::INT",
    "t4_western_immigrant": "100 * (origin = 'western_immigrant')::INT",
    "t4_western_descendant": "100 * (origin = 'western_descendant')::INT",
    "t4_nonwestern_immigrant": "100 * (origin = 'nonwestern_immigrant')::INT",
    "t4_nonwestern_descendant": "100 * (origin = 'nonwestern_descendant')::INT",
    "t4_unskilled": "100 * (education = 'unskilled')::INT",
    "t4_skilled": "100 * (education = 'skilled')::INT",
    "t4_higher_education": "100 * (education = 'higher')::INT",
    **{
        f"t5_{y}y_{s}": f"100 * coalesce(y{y}_{s}, 0)"
        for y in (5, 3)
        for s in ("employed", "self_supporting", "education", "cash_benefit", "sickness_benefit")
    },
    "t6_psych_dx_or_psychopharmaca": "100 * (coalesce(psych_any, false) OR coalesce(med_psychmed, false))::INT",
    "t6_psych_dx_3y": "100 * coalesce(psych_any, false)::INT",
    "t6_light_psych_dx_3y": "100 * coalesce(psych_light, false)::INT",
    "t6_severe_psych_dx_3y": "100 * coalesce(psych_severe, false)::INT",
    "t7_f10_f19_substance": "100 * coalesce(f10, false)::INT",
    "t7_f20_f29_schizophrenia_psychoses": "100 * coalesce(f20, false)::INT",
    "t7_f30_f39_affective": "100 * coalesce(f30, false)::INT",
    "t7_f40_f48_neurotic_stress": "100 * coalesce(f40, false)::INT",
    "t7_f50_f59_behavioural_physical": "100 * coalesce(f50, false)::INT",
    "t7_f60_f69_personality": "100 * coalesce(f60, false)::INT",
    "t7_f80_f89_developmental": "100 * coalesce(f80, false)::INT",
    "t7_f90_f98_behavioural_emotional": "100 * coalesce(f90, false)::INT",
    "t7_f99_unspecified": "100 * coalesce(f99, false)::INT",
    **{
        f"t8_{k}": f"100 * coalesce(som_{v}, false)::INT"
        for k, v in {
            "cancer": "cancer",
            "diabetes": "diabetes",
            "nervous_system": "nervous",
            "cardiovascular": "cardio",
            "lung": "lung",
            "musculoskeletal": "musculo",
            "pregnancy_childbirth": "pregnancy",
            "digestive_urinary": "digestive",
            "eyes_ears": "eye_ear",
            "diagnostic_examinations": "examination",
            "accidents": "accident",
        }.items()
    },
    **{
        f"t9_{k}": f"100 * coalesce(med_{v}, false)::INT"
        for k, v in {
            "lifestyle_medicine": "lifestyle",
            "painkillers": "painkiller",
            "antipsychotics": "antipsychotic",
            "anxiety_related": "anxiety",
            "antidepressants": "antidepressant",
            "addiction_related": "addiction",
        }.items()
    },
    "t10_weeks_with_gp_visit": "coalesce(gp_weeks, 0)",
    "t10_registered_gp_services": "coalesce(gp_services, 0)",
    "t10_gp_fees_dkk": "coalesce(gp_fees, 0)",
    **{
        f"t11_{k}_{lk}": f"100 * coalesce({k2}_{law}, false)::INT"
        for k, k2 in (("charged", "charge"), ("convicted", "conviction"))
        for lk, law in (("criminal_code", "penal"), ("traffic", "traffic"), ("other", "other"))
    },
}


def _by_group(con) -> dict[str, object]:
    """003 Tabel 4-11: background by activity group over repeat measurements (a measurement
    counts in every group of its combination; 'ingen' is 0000)."""
    groups = {
        "jobrettet": "code[1] = '1'",
        "opkvalificering": "code[2] = '1'",
        "social": "code[3] = '1'",
        "helbredsrettet": "code[4] = '1'",
        "ingen": "code = '0000'",
    }
    sel = ", ".join(
        f"avg({expr}) FILTER (WHERE {cond})"
        for expr in _BG_FEATURES.values()
        for cond in groups.values()
    )
    row = con.execute(
        f"SELECT {sel} FROM m JOIN bg USING (citizen_id) WHERE m.k > 1 AND m.code IS NOT NULL"
    ).fetchone()
    out: dict[str, object] = {}
    i = 0
    for fid in _BG_FEATURES:
        out[fid] = {}
        for g in groups:
            out[fid][g] = None if row[i] is None else float(row[i])
            i += 1
    # Jobcentre rows A-J: the first ten jobcentres by id (letters are anonymised in 003).
    jcs = [
        r[0]
        for r in con.execute(
            "SELECT jobcenter_id FROM jobcenters ORDER BY jobcenter_id LIMIT 10"
        ).fetchall()
    ]
    for letter, jc in zip("abcdefghij", jcs, strict=False):
        sel = ", ".join(
            f"100 * avg((bg.jobcenter_id = '{jc}')::INT) FILTER (WHERE {c})"
            for c in groups.values()
        )
        r = con.execute(
            f"SELECT {sel} FROM m JOIN bg USING (citizen_id) WHERE m.k > 1 AND m.code IS NOT NULL"
        ).fetchone()
        out[f"t4_jobcenter_{letter}"] = dict(zip(groups, r, strict=True))
    return out


def _caseworkers(con) -> dict[str, object]:
    """004: the effectiveness sample, its outcome rate and caseworker quartiles of raw rates."""
    con.execute("""
        CREATE TEMP TABLE a6 AS
        SELECT mo.* FROM mo
        WHERE mo.k > 1 AND mo.n_meas > 1 AND mo.caseworker_id IN (
          SELECT caseworker_id FROM m WHERE has_s GROUP BY 1 HAVING count(DISTINCT citizen_id) >= 10)
    """)
    out: dict[str, object] = {}
    n, ncw, ncit, rate = _one(
        con,
        "SELECT count(*), count(DISTINCT caseworker_id), count(DISTINCT citizen_id), avg(y52) FROM a6",
    )
    out["cw_analysis_responses"], out["cw_analysis_caseworkers"], out["cw_analysis_citizens"] = (
        n,
        ncw,
        ncit,
    )
    out["cw_sample_outcome_share"] = _pct(rate)
    out["policy_actual_share"] = _pct(rate)
    # Quartiles by an indirectly standardised rate (observed minus the rate expected from the
    # citizens' S12 levels), a transparent stand-in for 004's fixed effects; per quartile the
    # raw outcome rate over its measurements and the mean number of citizens per caseworker.
    rows = con.execute("""
        WITH lvl AS (SELECT S12, avg(y52) AS expct FROM a6 GROUP BY 1),
        e AS (SELECT a6.caseworker_id, a6.citizen_id, a6.y52, coalesce(lvl.expct, (SELECT avg(y52) FROM a6)) AS expct
              FROM a6 LEFT JOIN lvl ON lvl.S12 IS NOT DISTINCT FROM a6.S12),
        cw AS (SELECT caseworker_id, avg(y52 - expct) AS score, sum(y52) AS ys, count(*) AS n,
                      count(DISTINCT citizen_id) AS ncit FROM e GROUP BY 1),
        q AS (SELECT *, ntile(4) OVER (ORDER BY score, caseworker_id) AS quart FROM cw)
        SELECT quart, 100 * sum(ys) / sum(n), avg(ncit) FROM q GROUP BY 1 ORDER BY 1""").fetchall()
    keys = ["q1_least_effective", "q2", "q3", "q4_most_effective"]
    out["cw_outcome_share_by_quartile"] = {keys[r[0] - 1]: r[1] for r in rows}
    out["cw_citizens_per_caseworker_by_quartile"] = {keys[r[0] - 1]: r[2] for r in rows}
    out["cw_gap_raw_pp"] = rows[-1][1] - rows[0][1] if len(rows) == 4 else None
    return out
