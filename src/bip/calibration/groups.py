"""003 Tabel 4-11 (background by activity group) and the 004 caseworker figures, in SQL."""

from __future__ import annotations

from bip.calibration.prepare import one, pct

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


def by_group(con) -> dict[str, object]:
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
        cells: dict[str, float | None] = {}
        for g in groups:
            cells[g] = None if row[i] is None else float(row[i])
            i += 1
        out[fid] = cells
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


def caseworkers(con) -> dict[str, object]:
    """004: the effectiveness sample, its outcome rate and caseworker quartiles of raw rates."""
    con.execute("""
        CREATE TEMP TABLE a6 AS
        SELECT mo.* FROM mo
        WHERE mo.k > 1 AND mo.n_meas > 1 AND mo.caseworker_id IN (
          SELECT caseworker_id FROM m WHERE has_s GROUP BY 1 HAVING count(DISTINCT citizen_id) >= 10)
    """)
    out: dict[str, object] = {}
    n, ncw, ncit, rate = one(
        con,
        "SELECT count(*), count(DISTINCT caseworker_id), count(DISTINCT citizen_id), avg(y52) FROM a6",
    )
    out["cw_analysis_responses"], out["cw_analysis_caseworkers"], out["cw_analysis_citizens"] = (
        n,
        ncw,
        ncit,
    )
    out["cw_sample_outcome_share"] = pct(rate)
    out["policy_actual_share"] = pct(rate)
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
