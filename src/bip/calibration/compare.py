"""The one comparison of computed figures with the published ones, and its one summary.

:func:`compare` judges every figure against ``tolerances.yaml``; :class:`Summary` counts the
judgements and gives the single line that ``bip calibrate``, ``bip demo`` and the report all
print. A figure whose source contradicts itself is neither passed nor failed: it is shown as
``INCONSISTENT-SOURCE`` with the reason written in ``tolerances.yaml``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from bip.calibration.sources import load_published, load_tolerances, published_value
from bip.dataset import open_dataset

OK, FAIL, INCONSISTENT, INFO, MISSING = "OK", "FAIL", "INCONSISTENT-SOURCE", "INFO", "MISSING"
STATUSES = (OK, FAIL, INCONSISTENT, INFO, MISSING)

# Beside results.json: the summary of the run's calibration, which the report shows.
CALIBRATION_FILE = "calibration.json"

__all__ = [
    "CALIBRATION_FILE",
    "STATUSES",
    "Row",
    "Summary",
    "calibrate",
    "cohort_scale",
    "compare",
    "get_path",
    "load_published",
    "load_tolerances",
    "read_calibration",
    "write_calibration",
]


@dataclass(frozen=True)
class Row:
    """One compared figure (a table-like figure gives one row per key)."""

    figure: str
    published: float | None
    value: float | None
    tolerance: str
    source: str
    status: str  # one of STATUSES
    note: str = ""  # why a source is inconsistent (from tolerances.yaml)

    @property
    def difference(self) -> float | None:
        if self.published is None or self.value is None:
            return None
        return self.value - self.published


@dataclass(frozen=True)
class Summary:
    """The judgements of one calibration run and the one line that reports them."""

    rows: tuple[Row, ...]

    def count(self, status: str) -> int:
        """How many rows have ``status``."""
        return sum(r.status == status for r in self.rows)

    @property
    def passed(self) -> bool:
        """No figure outside its tolerance (inconsistent sources neither pass nor fail)."""
        return self.count(FAIL) == 0

    def line(self) -> str:
        """``560 OK, 0 FAIL, 3 source inconsistent, 12 info/missing of 575 figures``."""
        return (
            f"{self.count(OK)} OK, {self.count(FAIL)} FAIL, "
            f"{self.count(INCONSISTENT)} source inconsistent, "
            f"{self.count(INFO) + self.count(MISSING)} info/missing of {len(self.rows)} figures"
        )

    def as_dict(self) -> dict:
        """Counts and rows as plain data (for JSON and the report)."""
        return {
            "counts": {s: self.count(s) for s in STATUSES},
            "passed": self.passed,
            "line": self.line(),
            "rows": [
                {
                    "figure": r.figure,
                    "published": r.published,
                    "value": r.value,
                    "tolerance": r.tolerance,
                    "status": r.status,
                    "source": r.source,
                    "note": r.note,
                }
                for r in self.rows
            ],
        }


def _judge(pub: float, val, tol: dict, key: str | None, scale: float) -> tuple[str, str]:
    if tol.get("per_scale"):
        pub = pub * scale
    if tol.get("inconsistent_source"):
        return INCONSISTENT, "-"
    if tol.get("info"):
        return INFO, "info"
    if val is None or val != val:  # absent or NaN
        return MISSING, "-"
    if "rel" in tol:
        lim = abs(pub) * tol["rel"]
        text = f"±{tol['rel'] * 100:g}%"
    else:
        lim = (tol.get("keys") or {}).get(key, tol["abs"]) if key is not None else tol["abs"]
        text = f"±{lim:g}"
    return (OK if abs(val - pub) <= lim + 1e-9 else FAIL), text


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
        pub, source = published_value(fid)
        note = str(tol.get("inconsistent_source") or "")
        val = figures[name]
        if isinstance(pub, dict):
            pairs = [
                (f"{fid}[{k}]", k, p, (_flat(val) if isinstance(val, dict) else {}).get(k))
                for k, p in _flat(pub).items()
            ]
        else:
            pairs = [(fid, None, pub, val)]
        for figure, key, p, v in pairs:
            status, ttext = _judge(float(p), v, tol, key, scale)
            shown = float(p) * scale if tol.get("per_scale") else float(p)
            value = None if v is None else float(v)
            rows.append(Row(figure, shown, value, ttext, source, status, note))
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
) -> Summary:
    """Compare the dataset at ``dataset`` (validated first) and optionally an analysis'
    ``results.json`` (file or folder) with every published figure they can reproduce."""
    from bip.calibration.figures import compute
    from bip.calibration.results_figures import results_figures
    from bip.results import load_results

    ds = open_dataset(dataset)
    scale = cohort_scale(Path(dataset)) if scale is None else scale
    rows = compare(compute(ds), scale=scale)
    if results is not None:
        rows += compare(results_figures(load_results(results)), scale=scale, prefix="results.")
    return Summary(tuple(rows))


def write_calibration(summary: Summary, path: Path | str) -> Path:
    """``summary`` as JSON (:meth:`Summary.as_dict`) at ``path``."""
    path = Path(path)
    data = summary.as_dict()
    for row in data["rows"]:  # a figure that could not be computed is NaN: JSON has null
        for k in ("published", "value"):
            if isinstance(row[k], float) and row[k] != row[k]:
                row[k] = None
    path.write_text(json.dumps(data, indent=1, allow_nan=False), encoding="utf-8")
    return path


def read_calibration(path: Path | str) -> Summary | None:
    """The summary written by :func:`write_calibration` (None when there is no such file)."""
    path = Path(path)
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return Summary(tuple(Row(**r) for r in data["rows"]))
