"""The sources' published numbers (``src/bip/calibration/published.yaml``) for the report.

The YAML is the project's copy of ``calibration/published.yaml`` (every number the five
seed documents print, with its table reference). The report sets these beside ours.
"""

from __future__ import annotations

from bip.calibration import load_published as published  # entries by id, cached
from bip.calibration.compare import get_path


def entry(pid: str) -> dict | None:
    """One entry, or None if the id is unknown."""
    return published().get(pid)


def value(pid: str, *path):
    """The entry's value, optionally indexed (``value('t3_combinations', '0000', 'count')``)."""
    e = entry(pid)
    if e is None:
        return None
    return get_path(e.get("value"), *path)


def ref(pid: str) -> str:
    """Short seed reference: ``003, Tabel 1`` from the entry's ``source``."""
    e = entry(pid)
    if e is None:
        return ""
    first = str(e.get("source", "")).split(";")[0].strip()
    seed, _, where = first.partition(",")
    seed = seed.split("_")[0]
    return f"{seed}, {where.strip()}" if where else seed


# A1 Tabel 1 rows of 003 by item id
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
