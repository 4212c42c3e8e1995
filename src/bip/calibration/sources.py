"""The package data: every published figure (``published.yaml``) and its tolerance
(``tolerances.yaml``), read once and checked."""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml

# What a tolerance entry may say about its figure (see the head of tolerances.yaml).
_JUDGEMENTS = {"abs", "rel", "info", "inconsistent_source"}


@cache
def load_published() -> dict[str, dict]:
    """Every published entry by id (``published.yaml`` in this package)."""
    text = resources.files("bip.calibration").joinpath("published.yaml").read_text(encoding="utf-8")
    out: dict[str, dict] = {}
    for topic in yaml.safe_load(text).values():
        for entry in topic:
            out[entry["id"]] = entry
    return out


@cache
def load_tolerances() -> dict[str, dict]:
    """The tolerance entries by figure id (``tolerances.yaml`` in this package)."""
    text = (
        resources.files("bip.calibration").joinpath("tolerances.yaml").read_text(encoding="utf-8")
    )
    figs = yaml.safe_load(text)["figures"]
    for fid, tol in figs.items():
        if not tol.get("reason"):
            raise ValueError(f"tolerances.yaml: {fid} has no reason")
        if not (_JUDGEMENTS & set(tol)):
            raise ValueError(f"tolerances.yaml: {fid} needs abs, rel, info or inconsistent_source")
        if "inconsistent_source" in tol and not str(tol["inconsistent_source"]).strip():
            raise ValueError(f"tolerances.yaml: {fid}: inconsistent_source must say why")
    return figs


def published_value(fid: str):
    """(value, source) of a tolerance id: the entry's value, its printed n (``__n_obs``), exact
    shares from printed counts, or the midpoint of a printed range."""
    base = fid.removeprefix("results.")
    if base.endswith("__n_obs"):
        entry = load_published()[base.removesuffix("__n_obs")]
        return entry["n_obs"], entry["source"] + " (n)"
    entry = load_published()[base]
    value = entry["value"]
    if isinstance(value, dict) and all(
        isinstance(v, dict) and "count" in v for v in value.values()
    ):
        total = sum(v["count"] for v in value.values())  # exact shares from the printed counts
        shares = {k: 100.0 * v["count"] / total for k, v in value.items()}
        return shares, entry["source"] + " (count shares)"
    if isinstance(value, dict) and set(value) == {"min", "max"}:
        mid = (value["min"] + value["max"]) / 2
        return {"B_avg": mid, "S_avg": mid}, entry["source"] + " (midpoint of the range)"
    return value, entry["source"]
