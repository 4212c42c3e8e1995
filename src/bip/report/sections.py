"""The report's content: from a results dict to sections of numbered tables and figures.

Structure follows the three source reports (SPEC §5, issue 6): data and cohort, progression,
activities, who gets what, progression by combination (Figur 3–24 of 003), indicators and
job chance, caseworker effectiveness (source method beside shrunken), change and belief,
data quality. A part the results lack renders as "not available in these results".
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from bip.disclosure import Counts
from bip.instrument import ALL_COMBINATIONS, B_ITEMS, S_ITEMS
from bip.report import figures as F
from bip.report import published as P
from bip.report.style import OURS, OURS_2, PUBLISHED
from bip.report.tables import Col, Row, Table, row_from, suppress
from bip.report.text import code_label, fmt_value, is_missing, item_label, section_title, word

SERIES = (*B_ITEMS, "B_avg", *S_ITEMS, "S_avg")
A4_SERIES = ("B_avg", *B_ITEMS, "S_avg", *S_ITEMS)


@dataclass
class Figure:
    """A numbered figure: inline SVG plus caption, one-line reading and source note."""

    id: str
    caption: str
    reading: str
    svg: str
    source: str = ""
    notes: tuple[str, ...] = ()


@dataclass
class Para:
    """A paragraph of plain text (``kind`` ``na`` marks a "not available" notice)."""

    text: str
    kind: str = "p"


@dataclass
class Section:
    key: str
    title: str
    blocks: list = field(default_factory=list)


class Ctx:
    """Language and audience, and the one place tables pass through suppression."""

    def __init__(self, lang: str, audience: str):
        self.lang = lang
        self.audience = audience

    def t(self, da: str, en: str) -> str:
        return da if self.lang == "da" else en

    def w(self, key: str) -> str:
        return word(key, self.lang)

    def sup(self, table: Table) -> Table:
        return suppress(table, self.audience)

    def na(self, what: str = "") -> Para:
        return Para((what + ": " if what else "") + self.w("not_available"), "na")


def _get(d, *path):
    for k in path:
        if not isinstance(d, dict) or k not in d:
            return None
        d = d[k]
    return d


def _first(d, *keys):
    for k in keys:
        v = _get(d, *k) if isinstance(k, tuple) else _get(d, k)
        if v is not None:
            return v
    return None


def _rate(v):
    """A rate stored as a number or as an object with ``rate``/``share``/``value``."""
    if isinstance(v, dict):
        return _first(v, "rate", "share", "value", "mean")
    return v


def places(d) -> float | None:
    """Cohen's d -> places moved in a group of 100 from the median (SPEC §4)."""
    if is_missing(d) or isinstance(d, str):
        return None
    return 100 * (0.5 * (1 + math.erf(float(d) / math.sqrt(2))) - 0.5)


# ---------------------------------------------------------------- 1 data and cohort


def sec_data(r: dict, c: Ctx) -> Section:
    s = Section("data", section_title("data", c.lang))
    ds = r.get("dataset")
    if not isinstance(ds, dict):
        s.blocks.append(c.na(c.t("Datasættets omfang", "Dataset size")))
    else:
        n_cit = ds.get("citizens")
        spec = [
            ("jobcenters", c.t("Jobcentre", "Jobcentres"), "n_jobcenters"),
            ("caseworkers", c.t("Sagsbehandlere", "Caseworkers"), "n_caseworkers_approx"),
            ("citizens", c.t("Borgere", "Citizens"), "n_citizens_with_responses"),
            ("measurements", c.t("Målinger", "Measurements"), None),
            ("citizen_parts", c.t("Borgerbesvarelser", "Citizen responses"), "n_citizen_responses"),
            (
                "caseworker_parts",
                c.t("Sagsbehandlerbesvarelser", "Caseworker responses"),
                "n_caseworker_responses",
            ),
        ]
        rows = [
            Row(
                {
                    "q": lab,
                    "ours": ds.get(k),
                    "pub": P.value(pid) if pid else None,
                    "src": P.ref(pid) if pid else "",
                    "_kind": "int",
                },
                n_citizens=n_cit,
            )
            for k, lab, pid in spec
        ]
        mw = r.get("mean_weeks_between")
        rows.append(
            Row(
                {
                    "q": c.t("Gns. uger mellem målinger", "Mean weeks between measurements"),
                    "ours": mw,
                    "pub": P.value("mean_weeks_between_responses"),
                    "src": P.ref("mean_weeks_between_responses"),
                    "_kind": "d1",
                },
                n_citizens=n_cit,
            )
        )
        s.blocks.append(
            Table(
                "tab-dataset",
                c.t("Datasættets omfang", "Size of the dataset"),
                c.t(
                    "Hvor mange jobcentre, sagsbehandlere, borgere og besvarelser analysen bygger på, ved siden af BIP-projektets tal.",
                    "How many jobcentres, caseworkers, citizens and responses the analysis rests on, beside the BIP project's numbers.",
                ),
                (
                    Col("q", c.w("quantity"), "text", False),
                    Col("ours", c.w("ours"), "mixed"),
                    Col("pub", c.w("published"), "mixed", False),
                    Col("src", c.w("source"), "text", False),
                ),
                tuple(rows),
            )
        )
    a8 = r.get("a8_cohort")
    if isinstance(a8, dict) and a8:
        s.blocks.extend(
            generic_tables(
                a8, "a8", c.t("Borgerne (registerprofil)", "The citizens (register profile)"), c
            )
        )
    else:
        s.blocks.append(
            c.na(c.t("Borgernes registerprofil (A8)", "Cohort profile from registers (A8)"))
        )
    return s


# ---------------------------------------------------------------- 2 progression (A1)


def sec_progression(r: dict, c: Ctx) -> Section:
    s = Section("progression", section_title("progression", c.lang))
    prog = r.get("progression")
    if not isinstance(prog, dict) or not prog:
        s.blocks.append(c.na("A1"))
        return s
    a1 = r.get("a1_progression") or {}
    rows = []
    for it in SERIES:
        o = prog.get(it)
        if not isinstance(o, dict):
            continue
        extra = _first(a1, (it,), ("items", it), ("by_item", it)) or {}
        pid = P.T1_IDS.get(it)
        rows.append(
            row_from(
                {**extra, **o},
                {
                    "item": item_label(it, c.lang),
                    "mean": o.get("mean"),
                    "pub_mean": P.value(pid),
                    "n": o.get("n"),
                    "pub_n": P.entry(pid).get("n_obs") if pid and P.entry(pid) else None,
                    "unch": o.get("share_unchanged"),
                    "up": _first(extra, "share_up") if isinstance(extra, dict) else None,
                    "down": _first(extra, "share_down") if isinstance(extra, dict) else None,
                },
            )
        )
    t = Table(
        "tab-progression",
        c.t("Gennemsnitlig progression pr. indikator", "Mean progression per indicator"),
        c.t(
            "Progression er svaret minus borgerens forrige svar på samme spørgsmål (skala 1–5); tal nær 0 betyder, at de fleste står stille.",
            "Progression is the answer minus the citizen's previous answer to the same question (1–5 scale); values near 0 mean most stand still.",
        ),
        (
            Col("item", c.w("item"), "text", False),
            Col("mean", c.w("mean"), "d3"),
            Col("pub_mean", c.w("published"), "d3", False),
            Col("n", c.w("n"), "int"),
            Col("pub_n", c.w("published") + " N", "int", False),
            Col("unch", c.w("share_unchanged"), "pct"),
            Col("up", c.w("share_up"), "pct"),
            Col("down", c.w("share_down"), "pct"),
        ),
        tuple(rows),
        source=P.ref("t1_b_avg"),
    )
    s.blocks.append(t)
    st = c.sup(t)
    s.blocks.append(
        Figure(
            "fig-progression",
            c.t(
                "Gennemsnitlig progression: vores resultat og 003 Tabel 1",
                "Mean progression: ours and 003 Tabel 1",
            ),
            c.t(
                "Søjlerne er vores gennemsnit, rudene de publicerede; søjler til højre for 0 betyder fremgang.",
                "Bars are our means, diamonds the published ones; bars right of 0 mean progress.",
            ),
            F.hbar_compare(
                st,
                "fprog",
                c.lang,
                label_key="item",
                ours="mean",
                published="pub_mean",
                xlabel=c.t("Gns. ændring (skalapoint)", "Mean change (scale points)"),
            ),
            source=P.ref("t1_b_avg"),
        )
    )
    reg = _first(a1, "weeks_regression", "regression_on_weeks", "regression")
    if reg is not None:
        s.blocks.extend(
            generic_tables(
                {"weeks_regression": reg},
                "a1reg",
                c.t(
                    "Progression og tid siden sidste måling",
                    "Progression and time since the last measurement",
                ),
                c,
            )
        )
    rest = {
        k: v
        for k, v in a1.items()
        if k
        not in {
            "items",
            "by_item",
            "weeks_regression",
            "regression_on_weeks",
            "regression",
            *SERIES,
        }
    }
    if rest:
        s.blocks.extend(generic_tables(rest, "a1", "A1", c))
    return s


# ---------------------------------------------------------------- 3 activities (A2)

_DERIVED = [
    # key, da, en, predicate on code, published id
    ("none", "Ingen aktivitet", "No activity", lambda k: k == "0000", "share_no_activity"),
    (
        "any_J",
        "Jobrettet (alene eller kombineret)",
        "Job-focused (alone or combined)",
        lambda k: k[0] == "1",
        "share_any_job_focused",
    ),
    ("single", "Kun én type", "One type only", lambda k: k.count("1") == 1, "share_single_type"),
    (
        "combined",
        "Kombineret (2–4 typer)",
        "Combined (2–4 types)",
        lambda k: k.count("1") >= 2,
        "share_combined_000_001",
    ),
    (
        "combined_J",
        "Kombineret med jobrettet",
        "Combined including job-focused",
        lambda k: k.count("1") >= 2 and k[0] == "1",
        "share_combined_incl_job",
    ),
    (
        "no_J",
        "Aktivitet uden jobrettet",
        "Activity without job-focused",
        lambda k: k != "0000" and k[0] == "0",
        "share_activity_without_job",
    ),
]


def sec_activities(r: dict, c: Ctx) -> Section:
    s = Section("activities", section_title("activities", c.lang))
    comb = r.get("combinations")
    if not isinstance(comb, dict) or not comb:
        s.blocks.append(c.na("A2"))
        return s
    rows = []
    for code in ALL_COMBINATIONS:
        o = comb.get(code) or {}
        rows.append(
            row_from(
                o,
                {
                    "code": code_label(code, c.lang),
                    "short": code,
                    "n": o.get("n"),
                    "share": o.get("share"),
                    "pub_n": P.value("t3_combinations", code, "count"),
                    "pub_pct": P.value("t3_combinations", code, "percent"),
                },
            )
        )
    t = Table(
        "tab-combinations",
        c.t(
            "Indsatskombinationer ved gentagne målinger",
            "Activity combinations at repeat measurements",
        ),
        c.t(
            "Hvor ofte hver kombination af jobrettet (J), opkvalificerende (O), social (S) og helbredsrettet (H) indsats forekom de seneste tre måneder.",
            "How often each combination of job-focused (J), up-skilling (O), social (S) and health (H) activities occurred in the last three months.",
        ),
        (
            Col("code", c.w("code"), "text", False),
            Col("n", c.w("count"), "int"),
            Col("share", c.w("share"), "pct"),
            Col("pub_n", c.w("published"), "int", False),
            Col("pub_pct", c.w("published") + " %", "d1", False),
        ),
        tuple(rows),
        source=P.ref("t3_combinations"),
        notes=(word("josh_legend", c.lang),),
        partition=True,
    )
    s.blocks.append(t)
    st = c.sup(
        replace(
            t,
            rows=tuple(
                Row(
                    {
                        **rw.values,
                        "pub_share": None
                        if rw.values["pub_pct"] is None
                        else rw.values["pub_pct"] / 100,
                    },
                    rw.n_citizens,
                    rw.n_obs,
                )
                for rw in t.rows
            ),
        )
    )
    s.blocks.append(
        Figure(
            "fig-combinations",
            c.t("Fordeling af indsatskombinationer", "Distribution of activity combinations"),
            _commonest(st, c),
            F.hbar_compare(
                st,
                "fcomb",
                c.lang,
                label_key="short",
                ours="share",
                published="pub_share",
                xlabel=c.t("Andel af gentagne målinger (%)", "Share of repeat measurements (%)"),
                pct=True,
            ),
            source=P.ref("t3_combinations"),
            notes=(word("josh_legend", c.lang),),
        )
    )
    s.blocks.append(_derived_table(r, comb, c))
    a2 = r.get("a2_activities")
    if isinstance(a2, dict):
        rest = {
            k: v
            for k, v in a2.items()
            if k not in {"combinations", "codes", "derived", *ALL_COMBINATIONS}
        }
        if rest:
            s.blocks.extend(generic_tables(rest, "a2", "A2", c))
    return s


_A2_DERIVED = (  # key in a2_activities.derived, da, en, published id, key inside the value
    ("no_activity", "Ingen aktivitet", "No activity", "share_no_activity", None),
    (
        "any_job_focused",
        "Jobrettet (alene eller kombineret)",
        "Job-focused (alone or combined)",
        "share_any_job_focused",
        None,
    ),
    ("only_job_focused", "Kun jobrettet", "Job-focused only", "single_type_shares", "jobrettet"),
    (
        "only_upskilling",
        "Kun opkvalificering",
        "Up-skilling only",
        "single_type_shares",
        "opkvalificering",
    ),
    ("only_social", "Kun social", "Social only", "single_type_shares", "social"),
    ("only_health", "Kun helbredsrettet", "Health only", "single_type_shares", "helbredsrettet"),
    ("combined", "Kombineret (2–4 typer)", "Combined (2–4 types)", "share_combined_000_001", None),
    (
        "combined_with_job_focused",
        "Kombineret med jobrettet",
        "Combined including job-focused",
        "share_combined_incl_job",
        None,
    ),
)


def _derived_table(r: dict, comb: dict, c: Ctx) -> Table:
    der = _get(r, "a2_activities", "derived")
    rows = []
    if isinstance(der, dict) and der:
        for key, da, en, pid, sub in _A2_DERIVED:
            o = der.get(key)
            if not isinstance(o, dict):
                continue
            pub = P.value(pid, sub) if sub else P.value(pid)
            rows.append(
                row_from(
                    o,
                    {
                        "q": c.t(da, en),
                        "n": o.get("n"),
                        "share": o.get("share"),
                        "pub": pub,
                        "src": P.ref(pid),
                    },
                )
            )
    else:  # older results: derive from the 16 counts
        ns = {k: (comb.get(k) or {}).get("n") for k in ALL_COMBINATIONS}
        total = sum(v for v in ns.values() if isinstance(v, int | float))
        for _key, da, en, pred, pid in _DERIVED:
            cnt = sum(v for k, v in ns.items() if pred(k) and isinstance(v, int | float))
            rows.append(
                Row(
                    {
                        "q": c.t(da, en),
                        "n": cnt,
                        "share": cnt / total if total else None,
                        "pub": P.value(pid),
                        "src": P.ref(pid),
                    },
                    n_obs=cnt,
                )
            )
    return Table(
        "tab-derived-shares",
        c.t("Afledte andele", "Derived shares"),
        c.t(
            "Samme tal sammenfattet: hvor mange fik ingen, én eller flere typer indsats.",
            "The same counts summarised: how many had no, one or several types of activity.",
        ),
        (
            Col("q", c.w("quantity"), "text", False),
            Col("n", c.w("count"), "int"),
            Col("share", c.w("share"), "pct"),
            Col("pub", c.w("published") + " %", "d1", False),
            Col("src", c.w("source"), "text", False),
        ),
        tuple(rows),
        notes=(
            c.t(
                "Kildernes andele er ofte summer af afrundede procenter (fx 42 mod præcist 43,4 i 003 Tabel 3).",
                "The sources' shares are often sums of rounded percents (e.g. 42 vs exactly 43.4 in 003 Tabel 3).",
            ),
        ),
    )


def _commonest(st: Table, c: Ctx) -> str:
    """Reading line from the suppressed table, so it can never name a hidden share."""
    best = sorted(
        (
            (rw.values["share"], rw.values["short"])
            for rw in st.rows
            if isinstance(rw.values.get("share"), int | float)
            and not is_missing(rw.values["share"])
        ),
        reverse=True,
    )[:2]
    if len(best) < 2:
        return c.t(
            "Søjlerne er vores andele, rudene 003 Tabel 3.",
            "Bars are our shares, diamonds 003 Tabel 3.",
        )
    (s1, k1), (s2, k2) = best
    return c.t(
        f"Hyppigst er {k1} ({fmt_value(s1, 'pct', 'da')}) og {k2} ({fmt_value(s2, 'pct', 'da')}); rudene er 003 Tabel 3.",
        f"Commonest are {k1} ({fmt_value(s1, 'pct', 'en')}) and {k2} ({fmt_value(s2, 'pct', 'en')}); diamonds are 003 Tabel 3.",
    )


# ---------------------------------------------------------------- 4 who gets what (A3)


def sec_who(r: dict, c: Ctx) -> Section:
    s = Section("who", section_title("who", c.lang))
    a3 = r.get("a3_background")
    if not isinstance(a3, dict) or not a3:
        s.blocks.append(c.na("A3"))
        return s
    s.blocks.append(
        Para(
            c.t(
                "Baggrund efter indsatsgruppe (003 Tabel 4–11). En måling tæller i hver gruppe, den har.",
                "Background by activity group (003 Tabel 4–11). A measurement counts in every group it has.",
            )
        )
    )
    rows = a3.get("rows")
    if isinstance(rows, list) and rows and all(isinstance(x, dict) and "table" in x for x in rows):
        s.blocks.extend(_a3_tables(rows, c))
        rest = {k: v for k, v in a3.items() if k not in {"rows", "jobcenter_labels"}}
    else:
        rest = a3
    if rest:
        s.blocks.extend(generic_tables(rest, "a3", "A3", c))
    return s


_A3_GROUPS = (
    ("J", "jobrettet"),
    ("O", "opkvalificering"),
    ("S", "social"),
    ("H", "helbredsrettet"),
    ("none", "ingen"),
)
_A3_TITLES = {
    "tabel4": ("Socioøkonomisk baggrund", "Socio-economic background"),
    "tabel5": (
        "Tilknytning til arbejdsmarkedet før første måling",
        "Labour-market history before the first measurement",
    ),
    "tabel6": (
        "Psykiatriske diagnoser og psykofarmaka",
        "Psychiatric diagnoses and psychopharmaca",
    ),
    "tabel7": ("Psykiatriske diagnoser efter kapitel", "Psychiatric diagnoses by chapter"),
    "tabel8": ("Somatiske diagnoser", "Somatic diagnoses"),
    "tabel9": ("Medicin", "Medicine"),
    "tabel10": ("Lægekontakter", "GP contacts"),
    "tabel11": ("Sigtelser og domme", "Charges and convictions"),
}
_A3_PUB = {
    "age": "t4_age_mean",
    "married": "t4_married",
    "no_children": "t4_no_children",
    "single_with_children": "t4_single_with_children",
    "one_child": "t4_one_child",
    "two_three_children": "t4_two_three_children",
    "four_plus_children": "t4_four_plus_children",
    "origin_western_immigrant": "t4_western_immigrant",
    "origin_western_descendant": "t4_western_descendant",
    "origin_nonwestern_immigrant": "t4_nonwestern_immigrant",
    "origin_nonwestern_descendant": "t4_nonwestern_descendant",
    "education_unskilled": "t4_unskilled",
    "education_skilled": "t4_skilled",
    "education_higher": "t4_higher_education",
    "share5y_employed": "t5_5y_employed",
    "share5y_self_supporting": "t5_5y_self_supporting",
    "share5y_education_su": "t5_5y_education",
    "share5y_cash_benefit": "t5_5y_cash_benefit",
    "share5y_sickness_benefit": "t5_5y_sickness_benefit",
    "share3y_employed": "t5_3y_employed",
    "share3y_self_supporting": "t5_3y_self_supporting",
    "share3y_education_su": "t5_3y_education",
    "share3y_cash_benefit": "t5_3y_cash_benefit",
    "share3y_sickness_benefit": "t5_3y_sickness_benefit",
    "psych_or_psychmed": "t6_psych_dx_or_psychopharmaca",
    "psych_any": "t6_psych_dx_3y",
    "psych_light": "t6_light_psych_dx_3y",
    "psych_severe": "t6_severe_psych_dx_3y",
    "psych_F10_F19": "t7_f10_f19_substance",
    "psych_F20_F29": "t7_f20_f29_schizophrenia_psychoses",
    "psych_F30_F39": "t7_f30_f39_affective",
    "psych_F40_F48": "t7_f40_f48_neurotic_stress",
    "psych_F50_F59": "t7_f50_f59_behavioural_physical",
    "psych_F60_F69": "t7_f60_f69_personality",
    "psych_F80_F89": "t7_f80_f89_developmental",
    "psych_F90_F98": "t7_f90_f98_behavioural_emotional",
    "psych_F99": "t7_f99_unspecified",
    "som_cancer": "t8_cancer",
    "som_diabetes": "t8_diabetes",
    "som_nervous": "t8_nervous_system",
    "som_cardio": "t8_cardiovascular",
    "som_lung": "t8_lung",
    "som_musculo": "t8_musculoskeletal",
    "som_pregnancy": "t8_pregnancy_childbirth",
    "som_digestive": "t8_digestive_urinary",
    "som_eye_ear": "t8_eyes_ears",
    "som_examination": "t8_diagnostic_examinations",
    "som_accident": "t8_accidents",
    "med_lifestyle": "t9_lifestyle_medicine",
    "med_painkiller": "t9_painkillers",
    "med_antipsychotic": "t9_antipsychotics",
    "med_anxiety": "t9_anxiety_related",
    "med_antidepressant": "t9_antidepressants",
    "med_addiction": "t9_addiction_related",
    "gp_weeks_12m": "t10_weeks_with_gp_visit",
    "gp_services_12m": "t10_registered_gp_services",
    "gp_fees_12m": "t10_gp_fees_dkk",
    "charge_penal_5y": "t11_charged_criminal_code",
    "charge_traffic_5y": "t11_charged_traffic",
    "charge_other_5y": "t11_charged_other",
    "conviction_penal_5y": "t11_convicted_criminal_code",
    "conviction_traffic_5y": "t11_convicted_traffic",
    "conviction_other_5y": "t11_convicted_other",
}


def _pub_in_units(pid: str | None, sub: str | None, stat: str):
    """A published value in our units: percents become fractions for shares."""
    if not pid:
        return None
    v = P.value(pid, sub) if sub else P.value(pid)
    if isinstance(v, dict) or v is None or isinstance(v, str):
        return None
    unit = (P.entry(pid) or {}).get("unit")
    return float(v) / 100 if unit == "percent" else float(v)


def _a3_tables(rows: list[dict], c: Ctx) -> list:
    out = []
    by_table: dict[str, dict[tuple, dict]] = {}
    for x in rows:
        by_table.setdefault(str(x["table"]), {}).setdefault((x.get("variable"), x.get("stat")), {})[
            str(x.get("group"))
        ] = x
    for tname in sorted(by_table, key=lambda t: int("".join(ch for ch in t if ch.isdigit()) or 0)):
        trows = []
        for (var, stat), cells in by_table[tname].items():
            vals: dict = {
                "var": _a3_label(var, c) + ("" if stat in ("share", None) else f" ({stat})")
            }
            cell_n: dict = {}
            pid = _A3_PUB.get(var)
            for g, gname in _A3_GROUPS:
                x = cells.get(g) or {}
                v = x.get("value")
                kind_pct = stat == "share" or (isinstance(var, str) and var.startswith("share"))
                vals[g] = v
                vals["pub_" + g] = _pub_in_units(pid, gname, stat)
                cell_n[g] = Counts(x.get("n_citizens"), x.get("n"), x.get("n_citizens_with"))
            vals["_kind"] = "pct" if kind_pct else "d1"
            trows.append(Row(vals, cell_n=cell_n))
        cols = [Col("var", c.t("Variabel", "Variable"), "text", False)]
        for g, _ in _A3_GROUPS:
            cols.append(Col(g, g if g != "none" else c.t("ingen", "none"), "mixed"))
            cols.append(Col("pub_" + g, "003", "mixed", False))
        title = _A3_TITLES.get(tname, (tname, tname))
        num = "".join(ch for ch in tname if ch.isdigit())
        out.append(
            Table(
                f"tab-a3-{tname}",
                c.t(title[0], title[1]) + c.t(" efter indsatsgruppe", " by activity group"),
                c.t(
                    "Hver kolonne er målinger med den indsatsgruppe; grå kolonner er 003's tal.",
                    "Each column is measurements with that activity group; grey columns are 003's numbers.",
                ),
                tuple(cols),
                tuple(trows),
                source=f"003, Tabel {num}",
            )
        )
    return out


def _a3_label(var, c: Ctx) -> str:
    from bip.report.labels import variable_label

    if not isinstance(var, str):
        return str(var)
    if var.startswith("jobcenter_"):
        return ("Jobcenter " if c.lang == "da" else "Jobcentre ") + var.removeprefix("jobcenter_")
    extra = {
        "no_children": ("Ingen børn", "No children"),
        "one_child": ("Ét barn", "One child"),
        "two_three_children": ("2–3 børn", "2–3 children"),
        "four_plus_children": ("4+ børn", "4+ children"),
        "single_with_children": ("Enlig med børn", "Single with children"),
    }
    if var in extra:
        return c.t(*extra[var])
    for pre in ("origin_", "education_"):
        if var.startswith(pre):
            return variable_label(pre[:-1], c.lang) + ": " + var.removeprefix(pre).replace("_", " ")
    return variable_label(var, c.lang)


# ---------------------------------------------------------------- 5 combinations (A4)

_A4_PUB = {
    ("B_avg", "0000"): "es_no_activity_citizen_avg",
    ("S_avg", "0000"): "es_no_activity_caseworker_avg",
}


def sec_combinations(r: dict, c: Ctx) -> Section:
    s = Section("combinations", section_title("combinations", c.lang))
    ce = r.get("combination_effects")
    if not isinstance(ce, dict) or not ce:
        s.blocks.append(c.na("A4"))
        return s
    a4 = r.get("a4_combination_effects") or {}
    ctrl = _first(a4, "adjusted", "controlled", "with_controls", "combination_effects_controlled")
    s.blocks.append(
        Para(
            c.t(
                "Hver figur viser for én indikator den standardiserede progression (effektstørrelse d) for hver af de 16 kombinationer "
                "med 95 %-konfidensinterval (klyngekorrigeret på borger). d = 0,1 svarer til at rykke ca. 4 pladser frem blandt 100 borgere. "
                "Resultaterne er sammenhænge, ikke nødvendigvis effekter: borgere i fremgang kan få flere indsatser (omvendt kausalitet).",
                "Each figure shows for one indicator the standardised progression (effect size d) for each of the 16 combinations with "
                "a 95% confidence interval clustered by citizen. d = 0.1 is moving about 4 places forward among 100 citizens. "
                "These are associations, not necessarily effects: citizens who progress may be given more activities (reverse causality).",
            )
            + " "
            + c.t(
                "Åbne firkanter (stiplede intervaller): justeret for baggrund og tidligere niveau; sorte ruder: kildens tal, hvor det er trykt.",
                "Open squares (dashed intervals): adjusted for background and previous level; black diamonds: the source's number where printed.",
            )
        )
    )
    for i, it in enumerate(A4_SERIES):
        per = ce.get(it)
        if not isinstance(per, dict):
            s.blocks.append(c.na(item_label(it, c.lang)))
            continue
        cper = ctrl.get(it) if isinstance(ctrl, dict) else None
        if isinstance(cper, dict) and isinstance(cper.get("codes"), dict):
            cper = cper["codes"]
        rows = []
        for code in ALL_COMBINATIONS:
            o = per.get(code) or {}
            co = (cper or {}).get(code) or {}
            pid = _A4_PUB.get((it, code))
            rows.append(
                row_from(
                    o,
                    {
                        "code": code,
                        "d": _first(o, "d", "estimate"),
                        "lo": o.get("ci_low"),
                        "hi": o.get("ci_high"),
                        "n": o.get("n"),
                        "cd": _first(co, "d", "estimate"),
                        "clo": co.get("ci_low"),
                        "chi": co.get("ci_high"),
                        "pub": P.value(pid) if pid else None,
                    },
                )
            )
        t = c.sup(
            Table(
                f"tab-a4-{it}",
                "",
                "",
                (
                    Col("code", "", "text", False),
                    Col("d", ""),
                    Col("lo", ""),
                    Col("hi", ""),
                    Col("n", "", "int"),
                    Col("cd", ""),
                    Col("clo", ""),
                    Col("chi", ""),
                    Col("pub", "", "d2", False),
                ),
                tuple(rows),
            )
        )
        series = [
            {"key": "d", "lo": "lo", "hi": "hi", "label": c.w("raw"), "marker": "o", "color": OURS}
        ]
        if cper:
            series.append(
                {
                    "key": "cd",
                    "lo": "clo",
                    "hi": "chi",
                    "label": c.w("controlled_short"),
                    "marker": "s",
                    "color": OURS_2,
                    "filled": False,
                    "ls": "--",
                }
            )
        if any(rw.values["pub"] is not None for rw in t.rows):
            series.append(
                {
                    "key": "pub",
                    "label": c.w("published"),
                    "marker": "D",
                    "color": PUBLISHED,
                    "filled": False,
                }
            )
        best = _best(t)
        reading = c.t(
            f"Punkter over 0 betyder fremgang. Størst: {best[0]} (d = {fmt_value(best[1], 'd2', 'da')}, ≈ {fmt_value(places(best[1]), 'd1', 'da')} pladser af 100)."
            if best
            else "Punkter over 0 betyder fremgang; intervaller, der krydser 0, er ikke statistisk sikre.",
            f"Points above 0 mean progress. Largest: {best[0]} (d = {fmt_value(best[1], 'd2', 'en')}, ≈ {fmt_value(places(best[1]), 'd1', 'en')} places of 100)."
            if best
            else "Points above 0 mean progress; intervals crossing 0 are not statistically reliable.",
        )
        svg = F.dot_interval(
            t,
            f"fa4{i}",
            c.lang,
            label_key="code",
            series=series,
            xlabel=c.w("d"),
            height=2.9,
            legend_note=word("josh_legend", c.lang),
        )
        src = "003, " + (
            "Figur " + str(3 + _FIG_ORDER.index(it)) if it in _FIG_ORDER else "Figur 3–24"
        )
        s.blocks.append(
            Figure(
                f"fig-a4-{it}",
                c.t("Progression efter kombination: ", "Progression by combination: ")
                + item_label(it, c.lang),
                reading,
                svg,
                source=src,
            )
        )
    # percentile translation with the published examples
    rows = []
    for it, code, pid_d, pid_p in (
        ("B_avg", "0000", "es_no_activity_citizen_avg", "places_no_activity_citizen_avg"),
        ("S_avg", "0000", "es_no_activity_caseworker_avg", None),
        ("B_avg", "1101", None, "places_1101_citizen_avg"),
        ("B_avg", "1000", None, None),
        ("S_avg", "1000", None, None),
    ):
        o = _get(ce, it, code) or {}
        pub_places = P.value(pid_p) if pid_p else (-8 if it == "S_avg" and code == "0000" else None)
        rows.append(
            row_from(
                o,
                {
                    "item": item_label(it, c.lang),
                    "code": code_label(code, c.lang),
                    "d": o.get("d"),
                    "places": places(o.get("d")),
                    "pub_d": P.value(pid_d) if pid_d else None,
                    "pub_places": pub_places,
                    "src": P.ref(pid_d or pid_p) if (pid_d or pid_p) else "",
                },
            )
        )
    s.blocks.append(
        Table(
            "tab-percentile",
            c.t(
                "Effektstørrelser omsat til pladser blandt 100 borgere",
                "Effect sizes as places among 100 citizens",
            ),
            c.t(
                "En borger midt i fordelingen rykker så mange pladser frem (+) eller tilbage (−) blandt 100 med den kombination.",
                "A citizen in the middle of the distribution moves this many places forward (+) or back (−) among 100 with that combination.",
            ),
            (
                Col("item", c.w("item"), "text", False),
                Col("code", c.w("code"), "text", False),
                Col("d", "d"),
                Col("places", c.w("places"), "d1"),
                Col("pub_d", c.w("published") + " d", "d2", False),
                Col("pub_places", c.w("published") + " " + c.w("places").lower(), "d1", False),
                Col("src", c.w("source"), "text", False),
            ),
            tuple(rows),
            notes=(
                c.t(
                    '003 skriver "46. percentil" for d = 0,1; under normalfordelingen er det 54. percentil (4 pladser frem).',
                    '003 prints "46th percentile" for d = 0.1; under the normal distribution it is the 54th (4 places forward).',
                ),
            ),
        )
    )
    rest = {
        k: v
        for k, v in a4.items()
        if k
        not in {
            "controlled",
            "with_controls",
            "combination_effects_controlled",
            "adjusted",
            "naive",
            "standardised",
            "level",
            "raw",
            *SERIES,
        }
    }
    if rest:
        s.blocks.extend(generic_tables(rest, "a4", "A4", c))
    return s


# 003 numbers its figures: Figur 3 B average, 4–12 B1–B9, 13 S average, 14–24 S2–S12
_FIG_ORDER = ("B_avg", *B_ITEMS, "S_avg", *S_ITEMS)


def _best(t: Table):
    best = None
    for rw in t.rows:
        d = rw.values.get("d")
        if isinstance(d, int | float) and not is_missing(d) and (best is None or d > best[1]):
            best = (rw.values["code"], d)
    return best


# ---------------------------------------------------------------- 6 job chance (A5)

_S12_PUB = {"1": "nej", "2": "tvivler", "3": "det_svinger", "4": "gode_chancer", "5": "ja"}


def sec_jobchance(r: dict, c: Ctx) -> Section:
    s = Section("jobchance", section_title("jobchance", c.lang))
    b = r.get("belief")
    by52 = _get(b, "outcome_rate_by_S12")
    by13 = _get(b, "job13_rate_by_S12")
    if not isinstance(by52, dict) and not isinstance(by13, dict):
        s.blocks.append(
            c.na(
                c.t(
                    "Jobchance efter sagsbehandlerens tro (S12)",
                    "Job chance by the caseworker's belief (S12)",
                )
            )
        )
    else:
        from bip.instrument import load_instrument

        anchors = load_instrument().anchors("S12", c.lang)
        rows = []
        for lvl in ("1", "2", "3", "4", "5"):
            o52 = (by52 or {}).get(lvl, (by52 or {}).get(int(lvl)))
            o13 = (by13 or {}).get(lvl, (by13 or {}).get(int(lvl)))
            pub = P.value("pct_in_job_by_caseworker_belief", _S12_PUB[lvl])
            obj = o13 if isinstance(o13, dict) else (o52 if isinstance(o52, dict) else {})
            if not obj:  # plain rates: the counts sit beside them (n_citizens_by_S12, n_by_S12)
                obj = {
                    "n_citizens": _get(b, "n_citizens_by_S12", lvl),
                    "n": _get(b, "n_by_S12", lvl),
                }
            rows.append(
                row_from(
                    obj,
                    {
                        "level": f"{lvl} {anchors[int(lvl)]}",
                        "r52": _rate(o52),
                        "r13": _rate(o13),
                        "pub": None if pub is None else pub / 100,
                    },
                )
            )
        t = Table(
            "tab-s12",
            c.t(
                "Jobchance efter sagsbehandlerens tro på borgeren (S12)",
                "Job chance by the caseworker's belief in the citizen (S12)",
            ),
            c.t(
                "Jo mere sagsbehandleren tror på borgerens jobchance, jo oftere kommer borgeren i job.",
                "The more the caseworker believes in the citizen's job chance, the more often the citizen gets a job.",
            ),
            (
                Col("level", "S12", "text", False),
                Col("r52", c.w("outcome52"), "pct"),
                Col("r13", c.w("outcome13"), "pct"),
                Col("pub", c.w("published"), "pct", False),
            ),
            tuple(rows),
            source=P.ref("pct_in_job_by_caseworker_belief"),
            notes=(
                c.t(
                    "Kilderne angiver hverken udfald eller tidsvindue; deres tal (gns. ca. 5,6 %) passer ikke til 52-ugers-udfaldet "
                    "(14,76 %), så de sættes ved siden af 13-ugers-beskæftigelse (SPEC §4).",
                    "The sources state neither outcome nor window; their rates (about 5.6% on average) cannot be the 52-week "
                    "outcome (14.76%), so they are set beside 13-week employment (SPEC §4).",
                ),
            ),
        )
        s.blocks.append(t)
        st = c.sup(t)
        s.blocks.append(
            Figure(
                "fig-s12",
                c.t("Jobchance efter S12", "Job chance by S12"),
                c.t(
                    "Andel i job ved hvert svar på S12 (1 = nej … 5 = ja); rudene er de publicerede procenter.",
                    "Share in a job at each S12 answer (1 = no … 5 = yes); diamonds are the published percentages.",
                ),
                F.lines_by_level(
                    st,
                    "fs12",
                    c.lang,
                    label_key="level",
                    ylabel="%",
                    series=[
                        {"key": "r52", "label": c.w("outcome52"), "marker": "o", "color": OURS},
                        {
                            "key": "r13",
                            "label": c.w("outcome13"),
                            "marker": "s",
                            "color": OURS_2,
                            "ls": "--",
                            "filled": False,
                        },
                        {
                            "key": "pub",
                            "label": c.w("published"),
                            "marker": "D",
                            "color": PUBLISHED,
                            "ls": ":",
                            "filled": False,
                        },
                    ],
                ),
                source=P.ref("pct_in_job_by_caseworker_belief"),
            )
        )
    a5 = r.get("a5_job_chance")
    if isinstance(a5, dict) and a5:
        s.blocks.extend(_a5_blocks(a5, c))
    else:
        s.blocks.append(
            c.na(c.t("Indikatorer og jobchance (A5)", "Indicators and job chance (A5)"))
        )
    return s


_B10 = (
    "searching",
    "not_searching",
    "no_answer",
    "newspapers",
    "internet",
    "unsolicited",
    "network",
    "internship",
    "temp_agency",
)
_B10_PUB_BAND = {
    "newspapers": "aviser",
    "internet": "internettet",
    "unsolicited": "uopfordret",
    "network": "netvaerk",
    "internship": "praktikvirksomhed",
    "temp_agency": "vikarbureau",
    "not_searching": "soeger_ikke",
}


def _b10_label(k: str, c: Ctx) -> str:
    from bip.instrument import load_instrument

    b10 = load_instrument().items["B10"].extra
    src = b10["status"].get(k) or b10["channels"].get(k)
    return (src.get(c.lang) or src["da"]) if isinstance(src, dict) else k


def _a5_blocks(a5: dict, c: Ctx) -> list:
    """A5: job rate by answer level (both outcomes), the indicator model, belief and job search."""
    out: list = []
    used = set()
    rbl = a5.get("rates_by_level")
    if isinstance(rbl, dict) and rbl:
        used.add("rates_by_level")
        for key, title in (
            ("job_or_education_52w", c.w("outcome52")),
            ("job_13w", c.w("outcome13")),
        ):
            rows = []
            for it in SERIES:
                levels = rbl.get(it)
                if not isinstance(levels, list):
                    continue
                vals, cell_n = {"item": item_label(it, c.lang)}, {}
                for lv in levels:
                    if not isinstance(lv, dict):
                        continue
                    k = str(lv.get("level"))
                    vals[k] = lv.get(key)
                    cell_n[k] = (lv.get("n_citizens"), lv.get(f"n_{key}"), lv.get("n"))
                rows.append(Row(vals, cell_n=cell_n))
            out.append(
                Table(
                    f"tab-a5-{key}",
                    c.t(
                        "Jobchance efter svar på hver indikator: ",
                        "Job chance by the answer to each indicator: ",
                    )
                    + title,
                    c.t(
                        "Andel i job efter svaret (1 lavest … 5 højest); stiger andelen med svaret, forudsiger indikatoren jobchancen.",
                        "Share in a job by the answer (1 lowest … 5 highest); a share rising with the answer means the indicator predicts the job chance.",
                    ),
                    (Col("item", c.w("item"), "text", False), *(Col(k, k, "pct") for k in "12345")),
                    tuple(rows),
                    source="000/002",
                )
            )
    jm = a5.get("job_model")
    if isinstance(jm, dict) and isinstance(jm.get("terms"), list):
        used.add("job_model")
        rows = []
        for t_ in jm["terms"][:25]:
            if not isinstance(t_, dict):
                continue
            rows.append(
                row_from(
                    t_,
                    {
                        "rank": t_.get("rank"),
                        "item": item_label(str(t_.get("item")), c.lang),
                        "term": {
                            "level": c.t("niveau", "level"),
                            "progression": c.t("progression", "progression"),
                        }.get(t_.get("term"), t_.get("term")),
                        "coef": t_.get("coef"),
                        "lo": t_.get("ci_low"),
                        "hi": t_.get("ci_high"),
                        "std": t_.get("std_coef"),
                        "p": t_.get("p_value"),
                    },
                )
            )
        out.append(
            Table(
                "tab-a5-model",
                c.t(
                    "Hvilke indikatorer forudsiger job? (lineær sandsynlighedsmodel)",
                    "Which indicators predict a job? (linear probability model)",
                ),
                c.t(
                    f"Sorteret efter t-værdi; koefficienten er ændringen i sandsynligheden for job/uddannelse pr. svartrin (R² = {fmt_value(jm.get('r2'), 'd3', 'da')}).",
                    f"Sorted by t statistic; the coefficient is the change in the probability of job/education per answer step (R² = {fmt_value(jm.get('r2'), 'd3', 'en')}).",
                ),
                (
                    Col("rank", "#", "int", False),
                    Col("item", c.w("item"), "text", False),
                    Col("term", c.t("Led", "Term"), "text", False),
                    Col("coef", c.t("Koefficient", "Coefficient"), "d3"),
                    Col("lo", c.w("ci") + " ↓", "d3"),
                    Col("hi", c.w("ci") + " ↑", "d3"),
                    Col("std", c.t("Pr. SD", "Per SD"), "d3"),
                    Col("p", "p", "auto"),
                ),
                tuple(rows),
                notes=tuple(
                    x for x in (jm.get("sample"), jm.get("missing_answers")) if isinstance(x, str)
                ),
            )
        )
    bd = a5.get("belief_distributions")
    if isinstance(bd, dict) and isinstance(bd.get("B8"), list) and isinstance(bd.get("S12"), list):
        used.add("belief_distributions")
        b8 = {str(x.get("level")): x for x in bd["B8"] if isinstance(x, dict)}
        s12 = {str(x.get("level")): x for x in bd["S12"] if isinstance(x, dict)}
        rows = []
        for lv in "12345":
            x, y = b8.get(lv, {}), s12.get(lv, {})
            rows.append(
                Row(
                    {
                        "level": lv,
                        "b8": x.get("share"),
                        "pb8": x.get("published_share"),
                        "s12": y.get("share"),
                        "ps12": y.get("published_share"),
                    },
                    cell_n={
                        "b8": (x.get("n_citizens"), x.get("n")),
                        "s12": (y.get("n_citizens"), y.get("n")),
                    },
                )
            )
        t = Table(
            "tab-a5-belief",
            c.t(
                "Borgerens og sagsbehandlerens tro på job (B8 og S12)",
                "Citizen's and caseworker's belief in a job (B8 and S12)",
            ),
            c.t(
                "Fordelingen af svar 1–5: borgerne tror oftere på job end sagsbehandlerne, hvis B8-søjlerne ligger højere i 4–5.",
                "Distribution of answers 1–5: citizens believe in a job more often than caseworkers if the B8 shares are higher at 4–5.",
            ),
            (
                Col("level", c.w("level"), "text", False),
                Col("b8", item_label("B8", c.lang), "pct"),
                Col("pb8", c.w("published"), "pct", False),
                Col("s12", item_label("S12", c.lang), "pct"),
                Col("ps12", c.w("published"), "pct", False),
            ),
            tuple(rows),
            source=P.ref("belief_dist_citizens"),
        )
        out.append(t)
        st = c.sup(t)
        out.append(
            Figure(
                "fig-a5-belief",
                c.t(
                    "Tro på job: borger (B8) og sagsbehandler (S12)",
                    "Belief in a job: citizen (B8) and caseworker (S12)",
                ),
                c.t(
                    "Søjler: vores andele; hvide søjler: de publicerede (001).",
                    "Bars: our shares; white bars: the published ones (001).",
                ),
                F.grouped_bars(
                    st,
                    "fa5b",
                    c.lang,
                    label_key="level",
                    ylabel="%",
                    series=[
                        {"key": "b8", "label": "B8", "scale": 100},
                        {
                            "key": "pb8",
                            "label": "B8 " + c.w("published"),
                            "scale": 100,
                            "white": True,
                        },
                        {"key": "s12", "label": "S12", "scale": 100},
                        {
                            "key": "ps12",
                            "label": "S12 " + c.w("published"),
                            "scale": 100,
                            "white": True,
                        },
                    ],
                ),
                source=P.ref("belief_dist_citizens"),
            )
        )
    js = a5.get("job_search")
    if isinstance(js, dict) and isinstance(js.get("overall"), dict):
        used.add("job_search")
        ov = js["overall"]
        pub = ov.get("published") if isinstance(ov.get("published"), dict) else {}
        bands = {
            str(x.get("band")): x
            for x in js.get("by_mean_citizen_score") or []
            if isinstance(x, dict)
        }
        psych = {
            str(x.get("group")): x for x in js.get("by_psych_group") or [] if isinstance(x, dict)
        }
        cols = [
            Col("k", c.t("Jobsøgning", "Job search"), "text", False),
            Col("all", c.t("Alle", "All"), "pct"),
            Col("pub", c.w("published_short"), "pct", False),
        ]
        for b in bands:
            cols += [
                Col("b" + b, c.t("Score ", "Score ") + b, "pct"),
                Col("pb" + b, c.w("published_short"), "pct", False),
            ]
        for g in psych:
            cols.append(Col("g" + g, c.t("Psyk.: ", "Psych.: ") + g, "pct"))
        rows = []
        for k in _B10:
            vals = {"k": _b10_label(k, c), "all": ov.get(k), "pub": pub.get(k)}
            cell_n = {"all": (ov.get("n_citizens"),)}
            for b, x in bands.items():
                vals["b" + b] = x.get(k)
                pv = P.value(
                    "job_search_channel_by_citizen_score",
                    _B10_PUB_BAND.get(k, ""),
                    b.replace("–", "-"),
                )
                vals["pb" + b] = None if pv is None else pv / 100
                cell_n["b" + b] = (x.get("n_citizens"), x.get("n"))
            for g, x in psych.items():
                vals["g" + g] = x.get(k)
                cell_n["g" + g] = (x.get("n_citizens"), x.get("n"))
            rows.append(Row(vals, cell_n=cell_n))
        out.append(
            Table(
                "tab-a5-jobsearch",
                c.t("Jobsøgning og kanaler (B10)", "Job search and channels (B10)"),
                c.t(
                    "Hvor mange søger job og hvordan – i alt, efter borgerens gennemsnitlige score og efter psykiatrisk diagnose.",
                    "How many search for a job and how – overall, by the citizen's mean score and by psychiatric diagnosis.",
                ),
                tuple(cols),
                tuple(rows),
                source=P.ref("job_search_channel_by_citizen_score"),
                notes=tuple(
                    x
                    for x in (
                        js.get("unit"),
                        js.get("score_definition"),
                        js.get("psych_definition"),
                    )
                    if isinstance(x, str)
                ),
            )
        )
    amh = a5.get("answers_by_mental_health")
    if isinstance(amh, dict):
        used.add("answers_by_mental_health")
        for part in ("citizen", "caseworker"):
            groups = [x for x in amh.get(part) or [] if isinstance(x, dict)]
            if not groups:
                continue
            items = []
            for g in groups:
                for it in g.get("means") or {}:
                    if it not in items:
                        items.append(it)
            rows = []
            for it in items:
                vals, cell_n = {"item": item_label(it, c.lang)}, {}
                for g in groups:
                    m = (g.get("means") or {}).get(it) or {}
                    vals[str(g.get("group"))] = m.get("mean")
                    cell_n[str(g.get("group"))] = (g.get("n_citizens"), m.get("n"))
                rows.append(Row(vals, cell_n=cell_n))
            out.append(
                Table(
                    f"tab-a5-mh-{part}",
                    c.t(
                        "Gennemsnitligt svar efter psykisk helbred: ",
                        "Mean answer by mental health: ",
                    )
                    + c.t("borger", "citizen")
                    if part == "citizen"
                    else c.t(
                        "Gennemsnitligt svar efter psykisk helbred: sagsbehandler",
                        "Mean answer by mental health: caseworker",
                    ),
                    c.t(
                        "Gennemsnit på skalaen 1–5 for borgere uden, med let og med svær psykiatrisk diagnose (000 Figur 2–3).",
                        "Mean on the 1–5 scale for citizens without, with a light and with a severe psychiatric diagnosis (000 Figur 2–3).",
                    ),
                    (
                        Col("item", c.w("item"), "text", False),
                        *(Col(str(g.get("group")), str(g.get("group")), "d2") for g in groups),
                    ),
                    tuple(rows),
                    source="000, Figur 2–3",
                )
            )
    rest = {k: v for k, v in a5.items() if k not in used}
    if rest:
        out.extend(generic_tables(rest, "a5", "A5", c))
    return out


# ---------------------------------------------------------------- 7 caseworkers (A6)


def sec_caseworkers(r: dict, c: Ctx) -> Section:
    s = Section("caseworkers", section_title("caseworkers", c.lang))
    a6 = r.get("a6_caseworkers") or {}
    ce = r.get("caseworker_effectiveness")
    if not isinstance(ce, dict) or not ce:
        ce = a6 if isinstance(a6, dict) and a6.get("quartiles") else None
    if not ce:
        s.blocks.append(c.na("A6"))
        return s
    beyond = a6.get("beyond") if isinstance(a6, dict) else None
    beyond = beyond if isinstance(beyond, dict) else {}
    n_cit = ce.get("n_citizens")
    pe = ce.get("policy_experiment") or {}
    pes = _first(beyond, "policy_experiment_shrunk") or _first(ce, "policy_experiment_shrunk") or {}
    spec = [
        (
            c.t("Målinger i analysen", "Measurements analysed"),
            ce.get("n_measurements"),
            None,
            P.value("cw_analysis_responses"),
            "int",
            "cw_analysis_responses",
        ),
        (
            c.t("Sagsbehandlere", "Caseworkers"),
            ce.get("n_caseworkers"),
            None,
            P.value("cw_analysis_caseworkers"),
            "int",
            "cw_analysis_caseworkers",
        ),
        (
            c.t("Borgere", "Citizens"),
            n_cit,
            None,
            P.value("cw_analysis_citizens"),
            "int",
            "cw_analysis_citizens",
        ),
        (
            c.t("R² uden sagsbehandlereffekter", "R² without caseworker effects"),
            ce.get("r2_without_fe"),
            None,
            _pct(P.value("cw_r2_without_cw_effects")),
            "pct",
            "cw_r2_without_cw_effects",
        ),
        (
            c.t("R² med sagsbehandlereffekter", "R² with caseworker effects"),
            ce.get("r2_with_fe"),
            None,
            _pct(P.value("cw_r2_with_cw_effects")),
            "pct",
            "cw_r2_with_cw_effects",
        ),
        (
            c.t("Faktisk andel i job/uddannelse", "Actual share in job/education"),
            pe.get("actual"),
            pes.get("actual"),
            _pct(P.value("policy_actual_share")),
            "pct",
            "policy_actual_share",
        ),
        (
            c.t("Andel hvis alle var som topkvartilen", "Share if all were like the top quartile"),
            pe.get("counterfactual"),
            pes.get("counterfactual"),
            _pct(P.value("policy_effective_share")),
            "pct",
            "policy_effective_share",
        ),
        (
            c.t("Stigning (procentpoint)", "Increase (percentage points)"),
            pe.get("increase"),
            pes.get("increase"),
            _pct(P.value("policy_increase")),
            "pct",
            "policy_increase",
        ),
        (
            c.t("Std.fejl på stigningen", "Std. error of the increase"),
            pe.get("increase_se"),
            None,
            _pct(P.entry("policy_increase")["se"]) if P.entry("policy_increase") else None,
            "pct",
            "policy_increase",
        ),
        (
            c.t("Spredning af sande effekter (SD)", "SD of true caseworker effects"),
            _first(ce, "true_effect_sd") or beyond.get("true_effect_sd"),
            None,
            None,
            "pct",
            None,
        ),
    ]
    rows = [
        Row(
            {"q": q, "ours": v, "shr": sv, "pub": pv, "src": P.ref(pid) if pid else "", "_kind": k},
            n_citizens=n_cit,
        )
        for q, v, sv, pv, k, pid in spec
    ]
    cols = (
        Col("q", c.w("quantity"), "text", False),
        Col("ours", c.w("source_method"), "mixed"),
        Col("shr", c.w("shrunk"), "mixed"),
        Col("pub", c.w("published"), "mixed", False),
        Col("src", c.w("source"), "text", False),
    )
    s.blocks.append(
        Table(
            "tab-cw-summary",
            c.t(
                "Sagsbehandlereffektivitet og policy-eksperimentet",
                "Caseworker effectiveness and the policy experiment",
            ),
            c.t(
                "Hvor meget sagsbehandleren forklarer, og hvad der ville ske, hvis alle var lige så effektive som de bedste 25 % – efter kildens metode og med krympede effekter.",
                "How much the caseworker explains, and what would happen if everyone were as effective as the best 25% – by the source's method and with shrunken effects.",
            ),
            cols,
            tuple(rows),
            source=P.ref("policy_actual_share"),
            notes=(
                c.t(
                    "004 Tabel 1 trykker 14,69 som stigningen, men 28,45 − 14,76 = 13,69; vi beregner stigningen som forskellen.",
                    "004 Tabel 1 prints 14.69 as the increase, but 28.45 − 14.76 = 13.69; we compute the increase as the difference.",
                ),
                c.t(
                    "De rå faste effekter bygger på ca. 20 borgere hver og er støjfyldte; kvartiler af rå estimater overdriver spredningen og gevinsten. Krympede (empirisk Bayes) effekter korrigerer for støjen.",
                    "The raw fixed effects rest on about 20 citizens each and are noisy; quartiles of raw estimates overstate the spread and the gain. Shrunken (empirical Bayes) effects correct for the noise.",
                ),
            ),
        )
    )
    q = ce.get("quartiles")
    if isinstance(q, list) and q:
        qs = {
            int(x.get("quartile", 0)): x
            for x in _first(beyond, "quartiles_shrunk") or []
            if isinstance(x, dict)
        }
        keys = ["q1_least_effective", "q2", "q3", "q4_most_effective"]
        qrows = []
        for x in q:
            k = int(x.get("quartile", 0))
            pk = keys[k - 1] if 1 <= k <= 4 else None
            qrows.append(
                row_from(
                    x,
                    {
                        "quartile": str(k),
                        "ncw": x.get("n_caseworkers"),
                        "rate": x.get("outcome_rate"),
                        "pub_rate": _pct(P.value("cw_outcome_share_by_quartile", pk))
                        if pk
                        else None,
                        "eff": x.get("mean_effect"),
                        "eff_s": (qs.get(k) or {}).get("mean_effect"),
                        "cpc": x.get("citizens_per_caseworker"),
                        "pub_cpc": P.value("cw_citizens_per_caseworker_by_quartile", pk)
                        if pk
                        else None,
                        "pub_ncw": P.value("cw_quartile_sizes", pk) if pk else None,
                    },
                )
            )
        t = Table(
            "tab-cw-quartiles",
            c.t(
                "Sagsbehandlere i kvartiler efter effektivitet",
                "Caseworkers in quartiles of effectiveness",
            ),
            c.t(
                "Kvartil 1 er de mindst, 4 de mest effektive; kun forskelle mellem kvartiler kan tolkes, ikke niveauerne.",
                "Quartile 1 is the least, 4 the most effective; only differences between quartiles can be read, not levels.",
            ),
            (
                Col("quartile", c.w("quartile"), "text", False),
                Col("ncw", c.w("n_caseworkers"), "int"),
                Col("pub_ncw", c.w("published"), "int", False),
                Col("rate", c.w("outcome_rate"), "pct"),
                Col("pub_rate", c.w("published"), "pct", False),
                Col("eff", c.w("mean_effect") + " (" + c.t("rå", "raw") + ")", "pct"),
                Col("eff_s", c.w("mean_effect") + " (" + c.t("krympet", "shrunk") + ")", "pct"),
                Col("cpc", c.w("citizens_per_caseworker"), "d1"),
                Col("pub_cpc", c.w("published"), "d1", False),
            ),
            tuple(qrows),
            source=P.ref("cw_outcome_share_by_quartile"),
        )
        s.blocks.append(t)
        st = c.sup(t)
        s.blocks.append(
            Figure(
                "fig-cw-quartiles",
                c.t(
                    "Andel i job/uddannelse og gns. effekt efter kvartil",
                    "Share in job/education and mean effect by quartile",
                ),
                c.t(
                    "Forskellen mellem kvartil 1 og 4 er det, der kan læses; krympede effekter fjerner den del af forskellen, der er støj.",
                    "The gap between quartiles 1 and 4 is what can be read; shrunken effects remove the part of the gap that is noise.",
                ),
                F.grouped_bars(
                    st,
                    "fcwq",
                    c.lang,
                    label_key="quartile",
                    ylabel=c.t("procentpoint / %", "percentage points / %"),
                    series=[
                        {"key": "rate", "label": c.w("outcome_rate"), "scale": 100},
                        {"key": "pub_rate", "label": c.w("published"), "scale": 100, "white": True},
                        {
                            "key": "eff",
                            "label": c.w("mean_effect") + c.t(" (rå)", " (raw)"),
                            "scale": 100,
                        },
                        {
                            "key": "eff_s",
                            "label": c.w("mean_effect") + c.t(" (krympet)", " (shrunk)"),
                            "scale": 100,
                        },
                    ],
                ),
                source=P.ref("cw_outcome_share_by_quartile"),
            )
        )
    eff = ce.get("effects")
    if isinstance(eff, list) and eff:
        small = (
            [e for e in eff if isinstance(e, dict) and _row_small(e)]
            if c.audience != "analyst"
            else []
        )
        keep = [e for e in eff if isinstance(e, dict) and e not in small]
        raw = [e.get("effect") for e in keep if not is_missing(e.get("effect"))]
        shr = [e.get("effect_shrunk") for e in keep if not is_missing(e.get("effect_shrunk"))]
        if raw:
            s.blocks.append(
                Figure(
                    "fig-cw-effects",
                    c.t(
                        "Fordeling af sagsbehandlereffekter: rå og krympede",
                        "Distribution of caseworker effects: raw and shrunken",
                    ),
                    c.t(
                        "De rå effekter (skraveret) spreder sig langt mere end de krympede (stiplet), fordi de indeholder støj.",
                        "The raw effects (hatched) spread far more than the shrunken ones (dashed) because they contain noise.",
                    ),
                    F.histogram_pair(
                        [100 * float(v) for v in raw],
                        [100 * float(v) for v in shr],
                        "fcwe",
                        labels=(c.w("source_method"), c.w("shrunk")),
                        xlabel=c.t("Effekt (procentpoint)", "Effect (percentage points)"),
                        ylabel=c.t("Sagsbehandlere", "Caseworkers"),
                    ),
                    notes=(
                        (
                            c.t(
                                f"{len(small)} sagsbehandlere med færre end 5 borgere er udeladt (<5).",
                                f"{len(small)} caseworkers with fewer than 5 citizens are left out (<5).",
                            ),
                        )
                        if small
                        else ()
                    ),
                )
            )
    if isinstance(a6, dict) and a6:
        skip = {
            "effects",
            "quartiles",
            "policy_experiment",
            "published",
            "regressors",
            "dropped_collinear",
            "caseworker_effectiveness",
        }
        rest = {k: v for k, v in a6.items() if k not in skip}
        if isinstance(rest.get("beyond"), dict):
            rest["beyond"] = {
                k: v
                for k, v in rest["beyond"].items()
                if k
                not in {
                    "quartiles_shrunk",
                    "policy_experiment_shrunk",
                    "explanation_da",
                    "explanation_en",
                }
            }
            expl = a6["beyond"].get(f"explanation_{c.lang}")
            if isinstance(expl, str):
                s.blocks.append(Para(expl))
        s.blocks.extend(generic_tables(rest, "a6", "A6", c))
    return s


def _pct(v):
    return None if v is None or isinstance(v, dict | str) else float(v) / 100


def _row_small(o: dict) -> bool:
    from bip.report.tables import counts

    return counts(row_from(o, {})).is_small()


# ---------------------------------------------------------------- 8 change and belief (A7)


def sec_change(r: dict, c: Ctx) -> Section:
    s = Section("change", section_title("change", c.lang))
    ch = r.get("caseworker_change")
    b = r.get("belief")
    if not isinstance(ch, dict) and not (
        isinstance(b, dict) and "relative_effect_high_vs_low" in b
    ):
        s.blocks.append(c.na("A7"))
    else:
        ch = ch or {}
        b = b or {}
        rows = [
            row_from(
                ch,
                {
                    "q": c.t("Andel med mindst ét skift", "Share with at least one change"),
                    "est": ch.get("share_with_change"),
                    "lo": None,
                    "hi": None,
                    "pub": _pct(P.value("share_experienced_caseworker_change")),
                    "src": P.ref("share_experienced_caseworker_change"),
                },
            ),
            row_from(
                ch,
                {
                    "q": c.t(
                        "Relativ ændring i jobchancen pr. skift",
                        "Relative change in job chance per change",
                    ),
                    "est": ch.get("relative_effect_per_change"),
                    "lo": ch.get("ci_low"),
                    "hi": ch.get("ci_high"),
                    "pub": -_pct(P.value("job_chance_reduction_per_caseworker_change")),
                    "src": P.ref("job_chance_reduction_per_caseworker_change"),
                },
            ),
            row_from(
                b,
                {
                    "q": c.t(
                        "Sagsbehandler med høj vs. lav tro (andre borgere)",
                        "Caseworker with high vs low belief (other citizens)",
                    ),
                    "est": b.get("relative_effect_high_vs_low"),
                    "lo": b.get("ci_low"),
                    "hi": b.get("ci_high"),
                    "pub": _pct(P.value("belief_effect_job_probability")),
                    "src": P.ref("belief_effect_job_probability"),
                },
            ),
        ]
        t = Table(
            "tab-change-belief",
            c.t(
                "Sagsbehandlerskift og sagsbehandlerens tro",
                "Caseworker changes and the caseworker's belief",
            ),
            c.t(
                "Et skift af sagsbehandler går sammen med en lavere jobchance; en sagsbehandler, der tror på sine borgere, med en højere.",
                "A change of caseworker goes with a lower job chance; a caseworker who believes in their citizens with a higher one.",
            ),
            (
                Col("q", c.w("quantity"), "text", False),
                Col("est", c.w("estimate"), "pct"),
                Col("lo", c.w("ci") + " ↓", "pct"),
                Col("hi", c.w("ci") + " ↑", "pct"),
                Col("pub", c.w("published"), "pct", False),
                Col("src", c.w("source"), "text", False),
            ),
            tuple(rows),
            notes=(
                c.t(
                    "Relative effekter: −0,22 betyder 22 % lavere chance (ikke procentpoint).",
                    "Relative effects: −0.22 means a 22% lower chance (not percentage points).",
                ),
            ),
        )
        s.blocks.append(t)
        st = c.sup(Table(t.id, t.caption, t.reading, t.cols, t.rows[1:]))
        s.blocks.append(
            Figure(
                "fig-change-belief",
                c.t("Relative effekter med 95 %-interval", "Relative effects with 95% intervals"),
                c.t(
                    "Punkter til venstre for 0 betyder lavere jobchance; rudene er kildernes tal.",
                    "Points left of 0 mean a lower job chance; diamonds are the sources' numbers.",
                ),
                F.forest(
                    st,
                    "fchg",
                    c.lang,
                    label_key="q",
                    est="est",
                    lo="lo",
                    hi="hi",
                    published="pub",
                    xlabel=c.t("Relativ ændring (%)", "Relative change (%)"),
                ),
                source=P.ref("job_chance_reduction_per_caseworker_change"),
            )
        )
    a7 = r.get("a7_change_belief")
    if (
        isinstance(a7, dict) and a7
    ):  # the SPEC §6 copies (caseworker_change, belief) are shown above
        rest = {
            k: v for k, v in a7.items() if k not in {"caseworker_change", "belief", "published"}
        }
        s.blocks.extend(generic_tables(rest, "a7", "A7", c))
    return s


# ---------------------------------------------------------------- 9 data quality (A9)


def sec_quality(r: dict, c: Ctx) -> Section:
    s = Section("quality", section_title("quality", c.lang))
    a9 = r.get("a9_data_quality")
    if not isinstance(a9, dict) or not a9:
        s.blocks.append(c.na("A9"))
        return s
    s.blocks.extend(generic_tables(a9, "a9", c.t("Datakvalitet", "Data quality"), c))
    return s


BUILDERS = (
    sec_data,
    sec_progression,
    sec_activities,
    sec_who,
    sec_combinations,
    sec_jobchance,
    sec_caseworkers,
    sec_change,
    sec_quality,
)


# ---------------------------------------------------------------- generic rendering

_LABEL_KEYS = {
    "item",
    "code",
    "combination",
    "group",
    "quartile",
    "level",
    "jobcenter_id",
    "jobcenter",
    "caseworker_id",
    "name",
    "label",
    "status",
    "channel",
    "variable",
    "category",
    "key",
    "direction",
    "method",
    "outcome",
    "term",
    "row",
    "id",
    "label_da",
    "label_en",
    "psych_group",
    "stat",
    "table",
    "from",
    "to",
}
_MAX_ROWS = 60


def _kind(key: str) -> str:
    k = key.lower()
    if (
        k.startswith(("n_", "n"))
        and (k == "n" or k.startswith("n_"))
        or k in {"count", "citizens", "measurements"}
    ):
        return "int"
    if "share" in k or "rate" in k or k.startswith("relative") or k.endswith("_pct"):
        return "pct"
    return "auto"


def _scalar(v) -> bool:
    return v is None or isinstance(v, int | float | str | bool)


def generic_tables(
    obj: dict, prefix: str, title: str, c: Ctx, depth: int = 0, inherited_n=None
) -> list:
    """Every number of a results section as plain tables (for parts without a bespoke layout).

    Scalars become one key/value table; a list of row objects or an object of objects
    (keyed by item or code) becomes a table; deeper nesting recurses with the path as title.
    Row citizen counts (``n_citizens``/``n``) feed the suppression rule as everywhere else.
    """
    out: list = []
    n_here = obj.get("n_citizens", inherited_n) if isinstance(obj, dict) else inherited_n
    # an interval stored as [low, high] reads best as one cell "low – high"
    obj = {k: (_interval(v, k, c.lang) if _is_pair(v) else v) for k, v in obj.items()}
    scal = {
        k: v
        for k, v in obj.items()
        if _scalar(v) and k not in {"note", "notes"} and not (isinstance(v, str) and len(v) > 80)
    }
    texts = [
        v for k, v in obj.items() if isinstance(v, str) and (len(v) > 80 or k in {"note", "notes"})
    ]
    if scal:
        rows = tuple(
            Row(
                {"k": word(k, c.lang) if k in _WORDS_OK else c.w(k), "v": v, "_kind": _kind(k)},
                n_citizens=n_here,
                n_obs=None,
            )
            for k, v in scal.items()
        )
        out.append(
            Table(
                f"tab-{prefix}",
                f"{title}",
                c.w("all_numbers_reading"),
                (Col("k", c.w("key"), "text", False), Col("v", c.w("value"), "mixed")),
                rows,
            )
        )
    for tx in texts[:3]:
        out.append(Para(tx))
    if depth >= 3:
        return out
    for k, v in obj.items():
        if _scalar(v):
            continue
        sub_title = f"{title} · {c.w(k)}"
        if isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
            out.append(_list_table(v, f"{prefix}-{k}", sub_title, c, n_here))
        elif (
            isinstance(v, dict)
            and v
            and all(isinstance(x, dict) for x in v.values())
            and all(all(_scalar(y) for y in x.values()) for x in v.values())
        ):
            rows = [{"key": kk, **x} for kk, x in v.items()]
            out.append(_list_table(rows, f"{prefix}-{k}", sub_title, c, n_here))
        elif isinstance(v, dict) and v:
            out.extend(generic_tables(v, f"{prefix}-{k}", sub_title, c, depth + 1, n_here))
        elif isinstance(v, list) and v and all(_scalar(x) for x in v):
            out.append(
                Table(
                    f"tab-{prefix}-{k}",
                    sub_title,
                    c.w("all_numbers_reading"),
                    (Col("i", "#", "text", False), Col("v", c.w("value"), _kind(k))),
                    tuple(
                        Row({"i": str(i + 1), "v": x}, n_citizens=n_here)
                        for i, x in enumerate(v[:_MAX_ROWS])
                    ),
                )
            )
    return out


_WORDS_OK: set[str] = set()


def _is_pair(v) -> bool:
    return (
        isinstance(v, list)
        and len(v) == 2
        and all(isinstance(x, int | float) and not isinstance(x, bool) or x is None for x in v)
    )


def _interval(v: list, key: str, lang: str) -> str:
    kind = _kind(key)
    kind = "auto" if kind == "int" else kind
    return f"{fmt_value(v[0], kind, lang)} – {fmt_value(v[1], kind, lang)}"


def _list_table(rows: list[dict], tid: str, title: str, c: Ctx, inherited_n) -> Table:
    keys: list[str] = []
    for x in rows:
        for k, v in x.items():
            if k not in keys and _scalar(v):
                keys.append(k)
    has_pub = "published_id" in keys
    keys = [k for k in keys if k not in {"published_id", "n_citizens_with"}][:12]
    cols = tuple(
        Col(
            k,
            _col_title(k, c),
            "text" if k in _LABEL_KEYS else ("mixed" if k == "value" else _kind(k)),
            k not in _LABEL_KEYS,
        )
        for k in keys
    )
    if has_pub:
        cols += (
            Col("pub", c.w("published"), "mixed", False),
            Col("src", c.w("source"), "text", False),
        )
    trows = []
    for x in rows[:_MAX_ROWS]:
        vals = {}
        for k in keys:
            v = x.get(k)
            if k in ("item",) and isinstance(v, str):
                v = item_label(v, c.lang)
            elif k == "variable" and isinstance(v, str):
                v = _a3_label(v, c)
            vals[k] = (
                v
                if (_scalar(v) and not isinstance(v, bool))
                else (str(v) if isinstance(v, bool) else None)
            )
        if "value" in vals and x.get("stat") == "share":
            vals["_kind"] = "pct"
        if has_pub:
            pid = x.get("published_id")
            vals["pub"] = _pub_in_units(pid, None, x.get("stat")) if pid else None
            vals["src"] = P.ref(pid) if pid else ""
        rw = row_from(x, vals)
        if rw.n_citizens is None and inherited_n is not None and rw.n_obs is None:
            rw = Row(rw.values, inherited_n, None)
        trows.append(rw)
    notes = ()
    if len(rows) > _MAX_ROWS:
        notes = (
            c.t(
                f"De første {_MAX_ROWS} af {len(rows)} rækker; alle står i results.json.",
                f"The first {_MAX_ROWS} of {len(rows)} rows; all are in results.json.",
            ),
        )
    return Table(f"tab-{tid}", title, c.w("all_numbers_reading"), cols, tuple(trows), notes=notes)


def _col_title(k: str, c: Ctx) -> str:
    if k in {"d", "n"}:
        return c.w(k)
    if k in SERIES:
        return item_label(k, c.lang)
    return c.w(k)
