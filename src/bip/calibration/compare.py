"""Side-by-side comparison of computed figures with the published ones, within tolerances."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import yaml

from bip.dataset import open_dataset


@dataclass(frozen=True)
class Row:
    """One compared figure (a table-like figure gives one row per key)."""

    figure: str
    published: float | None
    value: float | None
    tolerance: str
    source: str
    status: str  # OK, FAIL, INFO, MISSING

    @property
    def difference(self) -> float | None:
        if self.published is None or self.value is None:
            return None
        return self.value - self.published


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
        if not ({"abs", "rel", "info"} & set(tol)):
            raise ValueError(f"tolerances.yaml: {fid} needs abs, rel or info")
    return figs


def _published_value(fid: str):
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
        return {k: 100.0 * v["count"] / total for k, v in value.items()}, entry[
            "source"
        ] + " (count shares)"
    if isinstance(value, dict) and set(value) == {"min", "max"}:
        mid = (value["min"] + value["max"]) / 2
        return {"B_avg": mid, "S_avg": mid}, entry["source"] + " (midpoint of the range)"
    return value, entry["source"]


def _judge(pub: float, val, tol: dict, key: str | None, scale: float) -> tuple[str, str]:
    if tol.get("per_scale"):
        pub = pub * scale
    if tol.get("info"):
        return "INFO", "info"
    if val is None or val != val:  # absent or NaN
        return "MISSING", "-"
    if "rel" in tol:
        lim = abs(pub) * tol["rel"]
        text = f"±{tol['rel'] * 100:g}%"
    else:
        lim = (tol.get("keys") or {}).get(key, tol["abs"]) if key is not None else tol["abs"]
        text = f"±{lim:g}"
    return ("OK" if abs(val - pub) <= lim + 1e-9 else "FAIL"), text


def compare(figures: dict, *, scale: float = 1.0, prefix: str = "") -> list[Row]:
    """Rows for every tolerance entry (with ``prefix``) whose figure was computed."""
    rows: list[Row] = []
    for fid, tol in load_tolerances().items():
        if prefix and not fid.startswith(prefix):
            continue
        if not prefix and fid.startswith("results."):
            continue
        name = fid.removeprefix(prefix)
        if name not in figures:
            continue
        pub, source = _published_value(fid)
        val = figures[name]
        if isinstance(pub, dict):
            pub, val = _flat(pub), _flat(val) if isinstance(val, dict) else {}
            for key, p in pub.items():
                v = val.get(key)
                status, ttext = _judge(float(p), v, tol, key, scale)
                shown = float(p) * scale if tol.get("per_scale") else float(p)
                rows.append(
                    Row(
                        f"{fid}[{key}]",
                        shown,
                        None if v is None else float(v),
                        ttext,
                        source,
                        status,
                    )
                )
        else:
            status, ttext = _judge(float(pub), val, tol, None, scale)
            shown = float(pub) * scale if tol.get("per_scale") else float(pub)
            rows.append(Row(fid, shown, None if val is None else float(val), ttext, source, status))
    return rows


def _flat(d: dict, prefix: str = "") -> dict:
    """Nested mappings as one level with ``a/b`` keys."""
    out = {}
    for k, v in d.items():
        if isinstance(v, dict):
            out.update(_flat(v, f"{prefix}{k}/"))
        else:
            out[f"{prefix}{k}"] = v
    return out


def get_path(d, *path):
    """d[path[0]][path[1]]..., or None where a key is missing or a level is not a dict."""
    for p in path:
        if not isinstance(d, dict) or p not in d:
            return None
        d = d[p]
    return d


def results_figures(results: dict) -> dict:
    """Published-comparable figures read from a ``results.json`` (SPEC §6 keys)."""
    pct = lambda x: None if x is None else 100.0 * float(x)  # noqa: E731
    out: dict = {}
    out["mean_weeks_between_responses"] = get_path(results, "mean_weeks_between")
    combos = get_path(results, "combinations") or {}
    out["t3_combinations"] = {c: pct(get_path(v, "share")) for c, v in combos.items()}
    out["share_experienced_caseworker_change"] = pct(
        get_path(results, "caseworker_change", "share_with_change")
    )
    rel = get_path(results, "caseworker_change", "relative_effect_per_change")
    out["job_chance_reduction_per_caseworker_change"] = None if rel is None else -100.0 * rel
    out["belief_effect_job_probability"] = pct(
        get_path(results, "belief", "relative_effect_high_vs_low")
    )
    ce = get_path(results, "caseworker_effectiveness") or {}
    out["policy_actual_share"] = pct(get_path(ce, "policy_experiment", "actual"))
    out["policy_effective_share"] = pct(get_path(ce, "policy_experiment", "counterfactual"))
    out["cw_r2_without_cw_effects"] = pct(ce.get("r2_without_fe"))
    out["cw_r2_with_cw_effects"] = pct(ce.get("r2_with_fe"))
    out["cw_analysis_caseworkers"] = ce.get("n_caseworkers")
    out["cw_analysis_citizens"] = ce.get("n_citizens")
    keys = ["q1_least_effective", "q2", "q3", "q4_most_effective"]
    quart = ce.get("quartiles") or []
    out["cw_outcome_share_by_quartile"] = {
        keys[int(q["quartile"]) - 1]: pct(q.get("outcome_rate"))
        for q in quart
        if 1 <= int(q.get("quartile", 0)) <= 4
    }
    j13 = get_path(results, "belief", "job13_rate_by_S12")
    levels = ["nej", "tvivler", "det_svinger", "gode_chancer", "ja"]
    if isinstance(j13, dict):
        out["pct_in_job_by_caseworker_belief"] = {
            levels[i]: pct(j13.get(str(i + 1))) for i in range(5)
        }
    elif isinstance(j13, list) and len(j13) == 5:
        out["pct_in_job_by_caseworker_belief"] = {levels[i]: pct(j13[i]) for i in range(5)}
    out["es_no_activity_citizen_avg"] = get_path(
        results, "combination_effects", "B_avg", "0000", "d"
    )
    out["es_no_activity_caseworker_avg"] = get_path(
        results, "combination_effects", "S_avg", "0000", "d"
    )
    return {k: v for k, v in out.items() if v is not None and v != {}}


def cohort_scale(path: Path) -> float:
    """The synthetic cohort's scale from ``truth.json`` beside the dataset (1 when absent)."""
    truth = Path(path) / "truth.json"
    if truth.is_file():
        try:
            return float(json.loads(truth.read_text(encoding="utf-8")).get("scale", 1.0))
        except (ValueError, OSError):
            return 1.0
    return 1.0


def calibrate(
    dataset: Path | str, results: Path | str | None = None, *, scale: float | None = None
) -> list[Row]:
    """Compare the dataset at ``dataset`` (validated first) and optionally a ``results.json``
    with every published figure they can reproduce."""
    from bip.calibration.figures import compute

    ds = open_dataset(dataset)
    scale = cohort_scale(Path(dataset)) if scale is None else scale
    rows = compare(compute(ds), scale=scale)
    if results is not None:
        res = json.loads(Path(results).read_text(encoding="utf-8"))
        rows += compare(results_figures(res), scale=scale, prefix="results.")
    return rows
