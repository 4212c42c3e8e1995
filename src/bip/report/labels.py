"""Variable and value labels (Danish and English) for the exported panel and dataset.

Labels follow ``docs/panel.md`` and the dataset schema; indicator names come from the
shipped instrument so that a relabelled questionnaire relabels the exports too.
"""

from __future__ import annotations

import re

from bip.dataset.schema import BENEFIT_STATUSES, EDUCATIONS, ORIGINS, TABLES
from bip.instrument import B10_CHANNELS, B_ITEMS, S_ITEMS, load_instrument

_L = {  # fixed column -> (da, en)
    "measurement_id": ("Måling (id)", "Measurement id"),
    "citizen_id": ("Borger (pseudonym)", "Citizen (pseudonym)"),
    "caseworker_id": ("Sagsbehandler (id)", "Caseworker id"),
    "jobcenter_id": ("Jobcenter (id)", "Jobcentre id"),
    "measured_on": ("Dato for mødet", "Date of the meeting"),
    "meas_no": ("Målingens nummer for borgeren", "Position in the citizen's measurements"),
    "is_repeat": ("Gentagen måling", "Repeat measurement"),
    "has_citizen_part": ("Borgerdel besvaret", "Citizen part present"),
    "has_caseworker_part": ("Sagsbehandlerdel besvaret", "Caseworker part present"),
    "B10_status": ("B10 Jobsøgning: status", "B10 Job search: status"),
    "B11": ("B11 Reservationsløn (kr./time)", "B11 Reservation wage (DKK/hour)"),
    "B_avg": ("Gennemsnit B1–B9", "Average B1–B9"),
    "S_avg": ("Gennemsnit S2–S12", "Average S2–S12"),
    "weeks_since_prev": ("Uger siden forrige måling", "Weeks since previous measurement"),
    "combination": ("Indsatskombination JOSH", "Activity combination JOSH"),
    "act_J": ("Jobrettet indsats (J)", "Job-focused activity (J)"),
    "act_O": ("Opkvalificering (O)", "Up-skilling (O)"),
    "act_S": ("Social indsats (S)", "Social activity (S)"),
    "act_H": ("Helbredsrettet indsats (H)", "Health activity (H)"),
    "s1_contradictory": (
        "S1 modstridende (22/23 sammen med aktivitet)",
        "S1 contradictory (22/23 with an activity)",
    ),
    "cw_changed": (
        "Skift af sagsbehandler ved denne måling",
        "Caseworker changed at this measurement",
    ),
    "n_cw_changes": ("Antal sagsbehandlerskift indtil nu", "Caseworker changes so far"),
    "job_or_education_52w": (
        "Job eller SU-uddannelse inden 52 uger",
        "Job or SU education within 52 weeks",
    ),
    "job_13w": ("Beskæftiget måned inden 13 uger", "Employed month within 13 weeks"),
    "job_or_education_52w_censored": (
        "52-ugersvindue går ud over registrenes slut",
        "52-week window reaches past the registers' end",
    ),
    "job_13w_censored": (
        "13-ugersvindue går ud over registrenes slut",
        "13-week window reaches past the registers' end",
    ),
    "age": ("Alder ved første måling (år)", "Age at first measurement (years)"),
    "female": ("Kvinde", "Female"),
    "married": ("Gift", "Married"),
    "single_parent": ("Enlig forsørger", "Single parent"),
    "n_children": ("Antal børn", "Number of children"),
    "origin": ("Herkomst", "Origin"),
    "education": ("Uddannelse", "Education"),
    "psych_light": ("Let psykiatrisk diagnose, 3 år", "Light psychiatric diagnosis, 3 years"),
    "psych_severe": ("Svær psykiatrisk diagnose, 3 år", "Severe psychiatric diagnosis, 3 years"),
    "psych_any": ("Psykiatrisk diagnose, 3 år", "Any psychiatric diagnosis, 3 years"),
    "psych_or_psychmed": (
        "Psykiatrisk diagnose eller psykofarmaka",
        "Psychiatric diagnosis or psychopharmaca",
    ),
    "gp_weeks_12m": ("Uger med lægekontakt, 12 mdr.", "Weeks with a GP contact, 12 months"),
    "gp_services_12m": ("Lægeydelser, 12 mdr.", "GP services, 12 months"),
    "gp_fees_12m": ("Lægehonorar kr., 12 mdr.", "GP fees DKK, 12 months"),
    # dataset tables
    "name": ("Navn", "Name"),
    "enrolled_on": ("Dato for indskrivning", "Enrolment date"),
    "birth_year": ("Fødselsår", "Year of birth"),
    "sex": ("Køn", "Sex"),
    "week": ("ISO-uge", "ISO week"),
    "status": ("Ydelsesstatus", "Benefit status"),
    "month": ("Måned", "Month"),
    "employed": ("Beskæftiget (eIndkomst)", "Employed (eIndkomst)"),
    "diagnosed_on": ("Diagnosedato", "Diagnosis date"),
    "icd10": ("ICD-10-kode", "ICD-10 code"),
    "dispensed_on": ("Udleveringsdato", "Dispensing date"),
    "atc": ("ATC-kode", "ATC code"),
    "contact_on": ("Kontaktdato", "Contact date"),
    "n_services": ("Antal ydelser", "Number of services"),
    "fee_dkk": ("Honorar kr.", "Fee DKK"),
    "decided_on": ("Afgørelsesdato", "Decision date"),
    "kind": ("Sigtelse/dom", "Charge/conviction"),
    "law": ("Lov", "Law"),
}
_STATUS = {
    "employed": ("beskæftiget", "employed"),
    "self_supporting": ("selvforsørget", "self-supporting"),
    "education_su": ("SU-uddannelse", "SU education"),
    "cash_benefit": ("kontanthjælp", "cash benefit"),
    "sickness_benefit": ("sygedagpenge", "sickness benefit"),
    "unemployment_benefit": ("dagpenge", "unemployment benefit"),
    "other_benefit": ("anden ydelse", "other benefit"),
}
_SOM = {
    "cancer": ("kræft", "cancer"),
    "diabetes": ("diabetes", "diabetes"),
    "nervous": ("nervesystem", "nervous system"),
    "cardio": ("hjerte-kar", "cardiovascular"),
    "lung": ("lunger", "lung"),
    "musculo": ("muskler og skelet", "musculoskeletal"),
    "pregnancy": ("graviditet", "pregnancy"),
    "digestive": ("fordøjelse/urinveje", "digestive/urinary"),
    "eye_ear": ("øje/øre", "eye/ear"),
    "examination": ("undersøgelse", "examination"),
    "accident": ("ulykke", "accident"),
}
_MED = {
    "lifestyle": ("livsstilsmedicin", "lifestyle medicine"),
    "painkiller": ("smertestillende", "painkillers"),
    "antipsychotic": ("antipsykotika", "antipsychotics"),
    "anxiety": ("angstdæmpende", "anxiolytics"),
    "antidepressant": ("antidepressiva", "antidepressants"),
    "addiction": ("misbrugsmedicin", "addiction medicine"),
}
_LAW = {
    "penal": ("straffelov", "penal code"),
    "traffic": ("færdselslov", "traffic law"),
    "other": ("anden lov", "other law"),
}

STATA_LABEL_MAX = 80


def _i(lang: str) -> int:
    return 0 if lang == "da" else 1


def variable_label(col: str, lang: str = "da") -> str:
    """Label of a panel or dataset column in ``lang`` (falls back to the column name)."""
    i = _i(lang)
    inst = load_instrument()
    if col in _L:
        return _L[col][i]
    if col in (*B_ITEMS, *S_ITEMS):
        return f"{col} {inst.items[col].text(lang)} (1–5)"
    m = re.fullmatch(r"d_(.+)", col)
    if m:
        return ("Progression " if lang == "da" else "Progression ") + variable_label(
            m.group(1), lang
        ).replace(" (1–5)", "")
    m = re.fullmatch(r"B10_(\w+)", col)
    if m and m.group(1) in B10_CHANNELS:
        ch = inst.items["B10"].extra["channels"][m.group(1)]
        return f"B10 {'Kanal' if lang == 'da' else 'Channel'}: {ch.get(lang) or ch['da']}"
    m = re.fullmatch(r"S1_(\d+)", col)
    if m:
        n = int(m.group(1))
        for num, grp, text in inst.s1_options(lang):
            if num == n:
                return f"S1.{n} [{grp}] {text}"
    m = re.fullmatch(r"share([35])y_(\w+)", col)
    if m and m.group(2) in _STATUS:
        return (
            f"Andel uger {_STATUS[m.group(2)][0]}, {m.group(1)} år før"
            if lang == "da"
            else f"Share of weeks {_STATUS[m.group(2)][1]}, {m.group(1)} years before"
        )
    m = re.fullmatch(r"psych_(F\d\d)_?(F\d\d)?", col)
    if m:
        rng = m.group(1) + (f"–{m.group(2)}" if m.group(2) else "")
        return f"{'Diagnose' if lang == 'da' else 'Diagnosis'} {rng}, 3 {'år' if lang == 'da' else 'years'}"
    m = re.fullmatch(r"som_(\w+)", col)
    if m and m.group(1) in _SOM:
        return f"{'Somatisk' if lang == 'da' else 'Somatic'}: {_SOM[m.group(1)][i]}, 3 {'år' if lang == 'da' else 'years'}"
    m = re.fullmatch(r"med_(\w+)", col)
    if m and m.group(1) in _MED:
        return f"{'Medicin' if lang == 'da' else 'Medicine'}: {_MED[m.group(1)][i]}, 6 {'mdr.' if lang == 'da' else 'months'}"
    m = re.fullmatch(r"(charge|conviction)_(\w+)_5y", col)
    if m and m.group(2) in _LAW:
        kind = {"charge": ("Sigtet", "Charged"), "conviction": ("Dømt", "Convicted")}[m.group(1)][i]
        return f"{kind}, {_LAW[m.group(2)][i]}, 5 {'år' if lang == 'da' else 'years'}"
    for t in TABLES.values():
        for c in t.columns:
            if c.name == col and c.doc:
                return c.doc
    return col


def value_labels(col: str, lang: str = "da") -> dict[int, str] | None:
    """Integer value labels for coded columns (scales 1–5, 0/1 flags), else None."""
    inst = load_instrument()
    if col in (*B_ITEMS, *S_ITEMS):
        return {k: v for k, v in inst.anchors(col, lang).items()}
    yes_no = {0: "Nej", 1: "Ja"} if lang == "da" else {0: "No", 1: "Yes"}
    flag = re.fullmatch(
        r"(S1_\d+|B10_(?!status)\w+|act_[JOSH]|female|married|single_parent|employed|job_13w|"
        r"job_or_education_52w|(job_13w|job_or_education_52w)_censored|psych_\w+|som_\w+|med_\w+|(charge|conviction)_\w+_5y)",
        col,
    )
    return yes_no if flag else None


def category_values(col: str) -> tuple[str, ...] | None:
    """Allowed values of a text category column (documentation of string codes)."""
    return {"origin": ORIGINS, "education": EDUCATIONS, "status": BENEFIT_STATUSES}.get(col)
