"""Names of what the report shows: indicators (from the instrument), activity combinations,
groups and the background variables, each in the language of the report.

Indicator wordings come from the shipped questionnaire (:func:`bip.instrument.load_instrument`),
every other name from the message catalogue. A variable without a name is a bug: it raises
:class:`KeyError` rather than printing the panel's column name.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bip.instrument import B10_CHANNELS, B10_STATUSES, GROUPS, load_instrument
from bip.report.i18n import N_, Catalogue

AVERAGES = {"B_avg": N_("Average B1–B9"), "S_avg": N_("Average S2–S12")}
GROUP_NAMES = {
    "J": N_("job-focused"),
    "O": N_("up-skilling"),
    "S": N_("social"),
    "H": N_("health"),
    "none": N_("no activity"),
}
PSYCH_GROUPS = {
    "none": N_("No diagnosis"),
    "light": N_("Light diagnosis"),
    "severe": N_("Severe diagnosis"),
}

# Background variables of A3 (003 Tabel 4-11) and A8 (000/001), by panel column.
VARIABLES = {
    "age": N_("Age (years)"),
    "female": N_("Women"),
    "married": N_("Married"),
    "no_children": N_("No children"),
    "single_with_children": N_("Single with children"),
    "one_child": N_("One child"),
    "two_three_children": N_("2–3 children"),
    "two_plus_children": N_("2 or more children"),
    "four_plus_children": N_("4 or more children"),
    "origin_danish": N_("Danish origin"),
    "origin_western_immigrant": N_("Western immigrant"),
    "origin_western_descendant": N_("Western descendant"),
    "origin_nonwestern_immigrant": N_("Non-western immigrant"),
    "origin_nonwestern_descendant": N_("Non-western descendant"),
    "education_unskilled": N_("Unskilled (no vocational education)"),
    "education_skilled": N_("Vocational education"),
    "education_higher": N_("Higher education"),
    "share5y_employed": N_("Employed, 5 years before"),
    "share5y_self_supporting": N_("Self-supporting, 5 years before"),
    "share5y_education_su": N_("In education (SU), 5 years before"),
    "share5y_cash_benefit": N_("Cash benefit, 5 years before"),
    "share5y_sickness_benefit": N_("Sickness benefit, 5 years before"),
    "share5y_unemployment_benefit": N_("Unemployment benefit, 5 years before"),
    "share5y_other_benefit": N_("Other benefit, 5 years before"),
    "share3y_employed": N_("Employed, 3 years before"),
    "share3y_self_supporting": N_("Self-supporting, 3 years before"),
    "share3y_education_su": N_("In education (SU), 3 years before"),
    "share3y_cash_benefit": N_("Cash benefit, 3 years before"),
    "share3y_sickness_benefit": N_("Sickness benefit, 3 years before"),
    "share3y_unemployment_benefit": N_("Unemployment benefit, 3 years before"),
    "share3y_other_benefit": N_("Other benefit, 3 years before"),
    "psych_or_psychmed": N_("Psychiatric diagnosis or psychopharmaca"),
    "psych_any": N_("Psychiatric diagnosis, 3 years"),
    "psych_light": N_("Light psychiatric diagnosis, 3 years"),
    "psych_severe": N_("Severe psychiatric diagnosis, 3 years"),
    "psych_F00_F09": N_("F00–F09 Organic disorders"),
    "psych_F10_F19": N_("F10–F19 Substance use"),
    "psych_F20_F29": N_("F20–F29 Schizophrenia and psychoses"),
    "psych_F30_F39": N_("F30–F39 Affective disorders"),
    "psych_F40_F48": N_("F40–F48 Neurotic and stress-related disorders"),
    "psych_F50_F59": N_("F50–F59 Behavioural syndromes with physical factors"),
    "psych_F60_F69": N_("F60–F69 Personality disorders"),
    "psych_F70_F79": N_("F70–F79 Intellectual disability"),
    "psych_F80_F89": N_("F80–F89 Developmental disorders"),
    "psych_F90_F98": N_("F90–F98 Behavioural and emotional disorders"),
    "psych_F99": N_("F99 Unspecified mental disorder"),
    "som_cancer": N_("Cancer"),
    "som_diabetes": N_("Diabetes"),
    "som_nervous": N_("Nervous system"),
    "som_cardio": N_("Heart and circulation"),
    "som_lung": N_("Lungs"),
    "som_musculo": N_("Muscles and skeleton"),
    "som_pregnancy": N_("Pregnancy and childbirth"),
    "som_digestive": N_("Digestion and urinary tract"),
    "som_eye_ear": N_("Eyes and ears"),
    "som_examination": N_("Diagnostic examinations"),
    "som_accident": N_("Accidents"),
    "med_lifestyle": N_("Lifestyle medicine"),
    "med_painkiller": N_("Painkillers"),
    "med_antipsychotic": N_("Antipsychotics"),
    "med_anxiety": N_("Anxiolytics"),
    "med_antidepressant": N_("Antidepressants"),
    "med_addiction": N_("Addiction medicine"),
    "gp_weeks_12m": N_("Weeks with a GP contact, 12 months"),
    "gp_services_12m": N_("GP services, 12 months"),
    "gp_fees_12m": N_("GP fees (DKK), 12 months"),
    "charge_penal_5y": N_("Charged, penal code, 5 years"),
    "charge_traffic_5y": N_("Charged, traffic law, 5 years"),
    "charge_other_5y": N_("Charged, other law, 5 years"),
    "conviction_penal_5y": N_("Convicted, penal code, 5 years"),
    "conviction_traffic_5y": N_("Convicted, traffic law, 5 years"),
    "conviction_other_5y": N_("Convicted, other law, 5 years"),
    "men_charged_or_convicted_5y": N_("Men charged or convicted, 5 years"),
}
_JOBCENTER = re.compile(r"jobcenter_(.+)")


@lru_cache(maxsize=4)
def _items(lang: str) -> dict[str, str]:
    inst = load_instrument()
    return {it.id: it.text(lang) for it in inst.items.values()}


def item(c: Catalogue, item_id: str) -> str:
    """``B1`` -> ``B1 Idé om arbejde``; the averages by name."""
    if item_id in AVERAGES:
        return c._(AVERAGES[item_id])
    return f"{item_id} {_items(c.lang)[item_id]}"


def group(c: Catalogue, g: str) -> str:
    """An activity group (J, O, S, H or none) by name."""
    return c._(GROUP_NAMES[g])


def code(c: Catalogue, josh: str) -> str:
    """``1001`` -> ``1001 (job-focused + health)``; ``0000`` -> ``0000 (no activity)``."""
    names = [group(c, g) for g, flag in zip(GROUPS, josh, strict=True) if flag == "1"]
    return f"{josh} ({' + '.join(names) if names else group(c, 'none')})"


def variable(c: Catalogue, var: str) -> str:
    """A background variable of A3/A8 by name; ``jobcenter_<label>`` is that jobcentre."""
    m = _JOBCENTER.fullmatch(var)
    if m:
        return c._("Jobcentre {name}").format(name=m.group(1))
    return c._(VARIABLES[var])


def psych_group(c: Catalogue, g: str) -> str:
    """A psychiatric diagnosis group (none, light, severe)."""
    return c._(PSYCH_GROUPS[g])


def anchor(c: Catalogue, item_id: str, level: int) -> str:
    """The wording of answer ``level`` of a 1-5 item (S12: 1 "Nej" ... 5 "Ja")."""
    return load_instrument().anchors(item_id, c.lang)[level]


def b10(c: Catalogue, key: str) -> str:
    """A B10 job-search status or channel, worded as in the questionnaire."""
    extra = load_instrument().items["B10"].extra
    if key in B10_STATUSES:
        entry = extra["status"][key]
    elif key in B10_CHANNELS:
        entry = extra["channels"][key]
    else:
        raise KeyError(key)
    return str(entry.get(c.lang) or entry["da"])
