"""Words and numbers of the report in Danish and English.

Every label the report prints comes from here (item labels from the instrument), so a
translation is one place to edit. Number formatting follows the language: Danish uses a
decimal comma and a dot as thousands separator.
"""

from __future__ import annotations

import math
from functools import lru_cache

from bip.instrument import GROUPS, load_instrument

LANGS = ("da", "en")

# key -> (da, en)
WORDS: dict[str, tuple[str, str]] = {
    "title": (
        "BIP-rapport: progression, indsats og beskæftigelse",
        "BIP report: progression, activities and employment",
    ),
    "subtitle_analyst": (
        "Analytikerudgave – alle celler vises",
        "Analyst edition – all cells shown",
    ),
    "subtitle_manager": (
        "Ledelsesudgave – celler med færre end 5 borgere vises som «<5»",
        "Manager edition – cells with fewer than 5 citizens are shown as “<5”",
    ),
    "contents": ("Indhold", "Contents"),
    "table": ("Tabel", "Table"),
    "figure": ("Figur", "Figure"),
    "reading": ("Sådan læses den", "How to read it"),
    "ours": ("Vores resultat", "Ours"),
    "published": ("Publiceret", "Published"),
    "published_short": ("Publ.", "Publ."),
    "source": ("Kilde", "Source"),
    "not_available": ("Ikke tilgængelig i disse resultater.", "Not available in these results."),
    "generated": ("Dannet", "Generated"),
    "dataset": ("Datasæt", "Dataset"),
    "fingerprint": ("Fingeraftryk", "Fingerprint"),
    "version": ("Version", "Version"),
    "item": ("Indikator", "Indicator"),
    "code": ("Kombination", "Combination"),
    "n": ("Antal obs.", "N obs."),
    "n_citizens": ("Borgere", "Citizens"),
    "mean": ("Gns. progression", "Mean progression"),
    "share_unchanged": ("Andel uændret", "Share unchanged"),
    "share_up": ("Andel op", "Share up"),
    "share_down": ("Andel ned", "Share down"),
    "count": ("Antal", "Count"),
    "share": ("Andel", "Share"),
    "value": ("Værdi", "Value"),
    "quantity": ("Størrelse", "Quantity"),
    "d": ("Effektstørrelse d", "Effect size d"),
    "ci": ("95 %-interval", "95% interval"),
    "places": ("Pladser af 100", "Places of 100"),
    "raw": ("Uden kontrol", "Unadjusted"),
    "controlled": (
        "Med kontrol for baggrund og tidligere niveau",
        "Controlling for background and previous level",
    ),
    "controlled_short": ("Justeret", "Adjusted"),
    "level": ("Svar", "Answer"),
    "outcome52": ("Job eller uddannelse inden 52 uger", "Job or education within 52 weeks"),
    "outcome13": ("Beskæftiget inden 13 uger", "Employed within 13 weeks"),
    "quartile": ("Kvartil", "Quartile"),
    "n_caseworkers": ("Sagsbehandlere", "Caseworkers"),
    "outcome_rate": ("Andel i job/uddannelse", "Share in job/education"),
    "mean_effect": ("Gns. effekt", "Mean effect"),
    "citizens_per_caseworker": ("Borgere pr. sagsbehandler", "Citizens per caseworker"),
    "source_method": ("Kildens metode (faste effekter)", "Source method (fixed effects)"),
    "shrunk": ("Krympede effekter (empirisk Bayes)", "Shrunken effects (empirical Bayes)"),
    "estimate": ("Estimat", "Estimate"),
    "se": ("Std.fejl", "Std. error"),
    "suppressed_note": (
        "«<5»: færre end 5 borgere – tallet vises ikke. «x»: skjult, så et «<5»-tal ikke kan "
        "regnes ud fra de andre og totalen.",
        "“<5”: fewer than 5 citizens – the number is not shown. “x”: hidden so that a “<5” number "
        "cannot be worked out from the others and the total.",
    ),
    "josh_legend": (
        "Kode JOSH: J = jobrettet, O = opkvalificering, S = social, H = helbredsrettet; "
        "1 = deltog, 0 = ikke. 0000 = ingen aktivitet.",
        "Code JOSH: J = job-focused, O = up-skilling, S = social, H = health; "
        "1 = took part, 0 = did not. 0000 = no activity.",
    ),
    "pdf_skipped": ("PDF ikke dannet", "PDF not produced"),
    "all_numbers": ("Alle tal i afsnittet", "All numbers of the section"),
    "all_numbers_reading": (
        "Tallene som analysen har beregnet dem; se docs/results-schema.md for definitioner.",
        "The numbers as the analysis computed them; see docs/results-schema.md for definitions.",
    ),
    "key": ("Nøgle", "Key"),
    "n_measurements": ("Målinger", "Measurements"),
    "n_intervals": ("Intervaller", "Intervals"),
    "n_jobcenters": ("Jobcentre", "Jobcentres"),
    "r2_without_fe": ("R² uden sagsbehandlereffekter", "R² without caseworker effects"),
    "r2_with_fe": ("R² med sagsbehandlereffekter", "R² with caseworker effects"),
    "r2_within": ("R² inden for sagsbehandler", "R² within caseworker"),
    "true_effect_sd": ("SD af sande sagsbehandlereffekter", "SD of true caseworker effects"),
    "raw_effect_sd": ("SD af rå effekter", "SD of raw effects"),
    "mean_reliability": ("Gns. reliabilitet", "Mean reliability"),
    "status": ("Status", "Status"),
    "method": ("Metode", "Method"),
    "jobcenter": ("Jobcenter", "Jobcentre"),
    "mean_weeks_between": ("Gns. uger mellem målinger", "Mean weeks between measurements"),
    "share_within_13_weeks": ("Andel inden for 13 uger", "Share within 13 weeks"),
    "measurements_per_citizen_mean": (
        "Målinger pr. borger (gns.)",
        "Measurements per citizen (mean)",
    ),
    "measurements_per_citizen_median": (
        "Målinger pr. borger (median)",
        "Measurements per citizen (median)",
    ),
    "share_citizens_with_repeat": (
        "Andel borgere med gentagen måling",
        "Share of citizens with a repeat",
    ),
    "share_citizen_part": ("Andel med borgerdel", "Share with citizen part"),
    "share_caseworker_part": ("Andel med sagsbehandlerdel", "Share with caseworker part"),
    "share_both_parts": ("Andel med begge dele", "Share with both parts"),
    "n_unknown_combination": ("Ukendt kombination", "Unknown combination"),
    "slope_per_week": ("Hældning pr. uge", "Slope per week"),
    "intercept": ("Konstant", "Intercept"),
    "ci_low": ("95 %-interval, nedre", "95% CI, lower"),
    "ci_high": ("95 %-interval, øvre", "95% CI, upper"),
    "p_value": ("p-værdi", "p-value"),
    "variable": ("Variabel", "Variable"),
    "stat": ("Mål", "Statistic"),
    "median": ("Median", "Median"),
    "sd": ("Std.afv.", "SD"),
    "weeks_between": ("Uger mellem målinger", "Weeks between measurements"),
    "weeks_regression": (
        "Progression og uger siden sidste måling",
        "Progression and weeks since the last measurement",
    ),
}

SECTIONS: dict[str, tuple[str, str]] = {
    "data": ("Datagrundlag og borgerne", "Data and the citizens"),
    "progression": ("Progression", "Progression"),
    "activities": ("Aktive indsatser", "Activities"),
    "who": ("Hvem får hvad", "Who gets what"),
    "combinations": ("Progression efter indsatskombination", "Progression by activity combination"),
    "jobchance": ("Indikatorer og jobchance", "Indicators and job chance"),
    "caseworkers": ("Sagsbehandlereffektivitet", "Caseworker effectiveness"),
    "change": ("Sagsbehandlerskift og tro på borgeren", "Caseworker change and belief"),
    "quality": ("Datakvalitet", "Data quality"),
}

GROUP_NAMES: dict[str, tuple[str, str]] = {
    "J": ("jobrettet", "job-focused"),
    "O": ("opkvalificering", "up-skilling"),
    "S": ("social", "social"),
    "H": ("helbredsrettet", "health"),
}


def word(key: str, lang: str) -> str:
    """The label ``key`` in ``lang``; unknown keys are humanised rather than failing."""
    pair = WORDS.get(key)
    if pair is None:
        return humanise(key)
    return pair[LANGS.index(lang)]


def section_title(key: str, lang: str) -> str:
    """Title of report section ``key``."""
    return SECTIONS[key][LANGS.index(lang)]


def humanise(key: str) -> str:
    """``share_with_change`` -> ``Share with change`` (fallback for keys without a label)."""
    s = str(key).replace("_", " ").strip()
    return s[:1].upper() + s[1:] if s else s


@lru_cache(maxsize=4)
def _items(lang: str) -> dict[str, str]:
    inst = load_instrument()
    out = {it.id: it.text(lang) for it in inst.items.values()}
    out["B_avg"] = "Gennemsnit B1–B9" if lang == "da" else "Average B1–B9"
    out["S_avg"] = "Gennemsnit S2–S12" if lang == "da" else "Average S2–S12"
    return out


def item_label(item: str, lang: str) -> str:
    """``B1`` -> ``B1 Idé om arbejde`` (label from the shipped instrument)."""
    lab = _items(lang).get(item)
    return f"{item} {lab}" if lab and not item.endswith("_avg") else (lab or item)


def code_label(code: str, lang: str) -> str:
    """``1001`` -> ``1001 (jobrettet + helbredsrettet)``."""
    if code == "0000":
        return "0000 (" + ("ingen" if lang == "da" else "none") + ")"
    names = [
        GROUP_NAMES[g][LANGS.index(lang)]
        for g, flag in zip(GROUPS, code, strict=False)
        if flag == "1"
    ]
    return f"{code} ({' + '.join(names)})" if names else code


def is_missing(x) -> bool:
    """None, NaN and non-numbers count as missing."""
    if x is None:
        return True
    try:
        return math.isnan(float(x))
    except (TypeError, ValueError):
        return True


def fmt_num(x, lang: str, decimals: int = 2) -> str:
    """A number in the language's convention; missing -> en dash."""
    if is_missing(x):
        return "–"
    s = f"{float(x):,.{decimals}f}"
    if lang == "da":
        s = s.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    if s.startswith("-"):
        s = "−" + s[1:]  # typographic minus reads better in print
    return s


def fmt_int(x, lang: str) -> str:
    """A count."""
    if is_missing(x):
        return "–"
    return fmt_num(round(float(x)), lang, 0)


def fmt_pct(fraction, lang: str, decimals: int = 1) -> str:
    """A fraction 0.1476 shown as a percentage ``14,8 %``."""
    if is_missing(fraction):
        return "–"
    return fmt_num(100 * float(fraction), lang, decimals) + (" %" if lang == "da" else "%")


def fmt_value(x, kind: str, lang: str) -> str:
    """Format by kind: ``pct`` (fraction), ``pct_pub`` (published 0–100), ``int``, ``d2``, ``d3``."""
    if isinstance(x, str):
        return x
    if kind == "pct":
        return fmt_pct(x, lang)
    if kind == "pct_pub":
        return fmt_pct(None if is_missing(x) else float(x) / 100, lang)
    if kind == "int":
        return fmt_int(x, lang)
    if kind == "d3":
        return fmt_num(x, lang, 3)
    if kind == "d1":
        return fmt_num(x, lang, 1)
    if kind == "d4":
        return fmt_num(x, lang, 4)
    if kind == "auto":
        if isinstance(x, bool) or is_missing(x):
            return fmt_num(x, lang, 0) if not is_missing(x) else "–"
        a = abs(float(x))
        if float(x).is_integer() and a < 1e15:
            return fmt_int(x, lang)
        dec = 3 if a >= 0.1 or a == 0 else min(8, 2 - math.floor(math.log10(a)))
        return fmt_num(x, lang, dec)
    return fmt_num(x, lang, 2)
