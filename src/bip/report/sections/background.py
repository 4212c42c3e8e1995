"""Section 4, who gets what (A3): the citizens' background by activity group, 003 Tabel 4-11,
with 003's value beside each group."""

from __future__ import annotations

from bip.disclosure import Counts
from bip.report import names
from bip.report import published as P
from bip.report.blocks import Block, Para
from bip.report.i18n import N_
from bip.report.sections.base import GROUPS, Ctx, Spec
from bip.report.tables import Col, Row, Table
from bip.results import Results
from bip.results.activities import BackgroundRow
from bip.results.base import Group

# The names 003 uses for the activity groups in published.yaml
PUBLISHED_GROUPS = {
    "J": "jobrettet",
    "O": "opkvalificering",
    "S": "social",
    "H": "helbredsrettet",
    "none": "ingen",
}
TITLES = {
    "tabel4": N_("Socio-economic background by activity group"),
    "tabel5": N_("Labour-market history before the first measurement by activity group"),
    "tabel6": N_("Psychiatric diagnoses and psychopharmaca by activity group"),
    "tabel7": N_("Psychiatric diagnoses by chapter and activity group"),
    "tabel8": N_("Somatic diagnoses by activity group"),
    "tabel9": N_("Medicine by activity group"),
    "tabel10": N_("GP contacts by activity group"),
    "tabel11": N_("Charges and convictions by activity group"),
}
# The 003 figure beside each variable (the jobcentres of 003 are not ours: none)
PUBLISHED = {
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


def build(r: Results, c: Ctx) -> list[Block]:
    """The blocks of section 4."""
    a3 = r.a3_background
    tables: dict[str, dict[str, dict[str, BackgroundRow]]] = {}
    for x in a3.rows:
        tables.setdefault(x.table, {}).setdefault(x.variable, {})[x.group] = x
    out: list[Block] = [
        Para(
            c._(
                "The background of the citizens by the activity group of the measurement "
                "(003 Tabel 4–11). A measurement counts in every group it has; none is 0000."
            )
        ),
        _sizes(r, c),
    ]
    for name in sorted(tables, key=lambda t: int(t.removeprefix("tabel"))):
        out.append(_table(name, tables[name], c))
    return out


def _sizes(r: Results, c: Ctx) -> Table:
    groups = r.a3_background.groups
    return Table(
        "tab-a3-groups",
        c._("Measurements and citizens in each activity group"),
        c._("The columns of the tables below: how many measurements and citizens each holds."),
        (
            Col("g", c._("Activity group"), "text", False),
            Col("n", c._("Measurements"), "int"),
            Col("cit", c._("Citizens"), "int"),
        ),
        tuple(
            Row(
                {"g": _group(c, g), "n": groups[g].n, "cit": groups[g].n_citizens},
                n_citizens=groups[g].n_citizens,
                n_obs=groups[g].n,
            )
            for g in GROUPS
        ),
    )


def _group(c: Ctx, g: Group) -> str:
    return names.group(c, g) if g == "none" else f"{g} ({names.group(c, g)})"


def _published(var: str, group: str, share: bool) -> float | None:
    pid = PUBLISHED.get(var)
    if pid is None:
        return None
    return P.fraction(pid, group) if share else P.value(pid, group)


def _table(name: str, variables: dict[str, dict[str, BackgroundRow]], c: Ctx) -> Table:
    rows = []
    for var, cells in variables.items():
        stat = next(iter(cells.values())).stat
        share = stat == "share" or var.startswith("share")
        values: dict[str, object] = {"var": names.variable(c, var)}
        cell_n: dict[str, Counts] = {}
        for g in GROUPS:
            pub_name = PUBLISHED_GROUPS[g]
            x = cells[g]
            values[g] = x.value
            values["pub_" + g] = _published(var, pub_name, share)
            cell_n[g] = Counts(x.n_citizens, x.n, x.n_citizens_with)
        rows.append(Row(values, cell_n=cell_n, kind="pct" if share else "d1"))
    cols = [Col("var", c._("Characteristic"), "text", False)]
    for g in GROUPS:
        cols.append(Col(g, c._("none") if g == "none" else g, "mixed"))
        cols.append(Col("pub_" + g, "003", "mixed", False, published=True))
    return Table(
        f"tab-a3-{name}",
        c._(TITLES[name]),
        c._(
            "Each column is the measurements with that activity group; grey columns are "
            "003's numbers."
        ),
        tuple(cols),
        tuple(rows),
        source="003, Tabel " + name.removeprefix("tabel"),
    )


SECTION = Spec("background", N_("Who gets what"), build)
