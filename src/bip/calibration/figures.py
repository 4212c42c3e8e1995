"""Published figures recomputed from a dataset with DuckDB SQL, independently of bip.panel.

Each function returns ``{published_id: value}`` where a value is a number or a mapping keyed
like the published value, in the published unit (percent 0-100, weeks, years, counts). The
tables queried are built by :func:`bip.calibration.prepare.prepare`; the activity-group and
caseworker figures are in :mod:`bip.calibration.groups`.
"""

from __future__ import annotations

from bip.calibration.groups import by_group, caseworkers
from bip.calibration.prepare import one, pct, prepare
from bip.dataset import Dataset

__all__ = ["compute", "prepare"]


def compute(ds: Dataset) -> dict[str, object]:
    """Every published figure computable from ``ds`` (see ``tolerances.yaml`` for the list)."""
    con = prepare(ds)
    out: dict[str, object] = {}
    q = lambda sql: one(con, sql)  # noqa: E731
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
        out[name] = float(pp[i]) if name == "pop_mean_age" else pct(pp[i])
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
        unchanged[item] = pct(same)
    out["share_no_change_range"] = {"B_avg": unchanged["B_avg"], "S_avg": unchanged["S_avg"]}
    out.update(by_group(con))
    out.update(caseworkers(con))

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
    # ---- S12 level -> job_13w rate (002/001; docs/panel.md reads it as job_13w)
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
    out["share_experienced_caseworker_change"] = pct(
        q("""
        SELECT avg(ch::INT) FROM (SELECT citizen_id, bool_or(prev_cw IS NOT NULL AND prev_cw <> caseworker_id) AS ch
        FROM m2 WHERE n_meas > 1 GROUP BY 1)""")[0]
    )
    return out
