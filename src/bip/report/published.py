"""The sources' published numbers (``src/bip/calibration/published.yaml``) for the report.

The YAML holds every number the five source documents print, with its table reference.
Results do not carry published values; the report sets these beside ours. An unknown id is
a bug and raises :class:`KeyError`; a key the entry does not print (a group the source left
out) is ``None``.
"""

from __future__ import annotations

import re
from typing import Any

from bip.calibration import load_published
from bip.calibration.compare import get_path

# Units whose values are percents (0-100) of something the results hold as a fraction.
PERCENT_UNITS = ("percent", "pp", "r2_percent")


def entry(pid: str) -> dict[str, Any]:
    """One entry of published.yaml."""
    return load_published()[pid]


def value(pid: str, *path: str) -> float | None:
    """The entry's number, optionally inside a table (``value('t3_combinations', '0000',
    'count')``); None where the source prints none."""
    v = get_path(entry(pid).get("value"), *path)
    return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None


def fraction(pid: str, *path: str) -> float | None:
    """A published percent (or percentage points) as a fraction, as the results hold it."""
    v = value(pid, *path)
    if v is None:
        return None
    unit = entry(pid).get("unit")
    if unit not in PERCENT_UNITS:
        raise ValueError(f"{pid}: unit {unit!r} is not a percent")
    return v / 100


def published_n(pid: str) -> float | None:
    """The number of observations printed beside the value (003 Tabel 1)."""
    n = entry(pid).get("n_obs")
    return float(n) if isinstance(n, int | float) else None


def ref(pid: str) -> str:
    """Short reference of the first source in the source's own words: the document and its
    table, figure or box (``003, Tabel 1``), else the section or slide title it prints
    (``002, SAGSBEHANDLER-SKIFT``), else the document alone. published.yaml's English notes
    on where ("text after", "footnote") are left out, so a Danish page stays Danish."""
    return source_ref(str(entry(pid).get("source", "")))


def source_ref(source: str) -> str:
    """:func:`ref` of a published.yaml ``source`` text itself."""
    first = source.split(";")[0].strip()
    seed, _, where = first.partition(",")
    seed = seed.split("_")[0]
    label = _LABEL.search(where)
    if label:
        return f"{seed}, {label.group(1).capitalize()} {label.group(2)}"
    title = re.split(r" and |\s\(|, FIGUR", _PREFIX.sub("", where.strip()))[0].strip()
    return f"{seed}, {title}" if title and not title.startswith("footnote") else seed


_LABEL = re.compile(r"\b(Tabel|Figur|FIGUR|Boks)\s+(\d+(?:-\d+)?)")
_PREFIX = re.compile(r"^(sections?|slides?):\s*")


# 003 Tabel 1 rows by indicator
T1_IDS = {
    "B_avg": "t1_b_avg",
    "B1": "t1_b1_ide_om_arbejde",
    "B2": "t1_b2_tage_kontakt",
    "B3": "t1_b3_samarbejde",
    "B4": "t1_b4_netvaerk",
    "B5": "t1_b5_hverdagsmestring",
    "B6": "t1_b6_helbred",
    "B7": "t1_b7_kompetence",
    "B8": "t1_b8_klare_et_arbejde",
    "B9": "t1_b9_viden_om_muligheder",
    "S_avg": "t1_s_avg",
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
}
