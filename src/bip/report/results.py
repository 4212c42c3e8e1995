"""``results.json``: schema id, JSON-safe writing, reading and validation (schema bip-results/1).

The JSON Schema is ``results.schema.json`` beside this module (draft 2020-12), documented in
``docs/results-schema.md``.
"""

from __future__ import annotations

import json
import math
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

SCHEMA_ID = "bip-results/1"
SPEC_KEYS = (
    "dataset",
    "progression",
    "mean_weeks_between",
    "combinations",
    "combination_effects",
    "caseworker_effectiveness",
    "caseworker_change",
    "belief",
)
SECTION_KEYS = (
    "a1_progression",
    "a2_activities",
    "a3_background",
    "a4_combination_effects",
    "a5_job_chance",
    "a6_caseworkers",
    "a7_change_belief",
    "a8_cohort",
    "a9_data_quality",
)


class ResultsError(ValueError):
    """A results document that does not match schema bip-results/1."""


@cache
def schema() -> dict:
    """The JSON Schema of results.json (draft 2020-12)."""
    text = (resources.files("bip.report") / "results.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


def clean(obj: Any) -> Any:
    """A JSON-ready copy: numpy scalars to Python, NaN/inf/NA to None, tuples to lists."""
    if isinstance(obj, dict):
        return {str(k): clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [clean(v) for v in obj]
    if isinstance(obj, bool | np.bool_):
        return bool(obj)
    if isinstance(obj, int | np.integer):
        return int(obj)
    if isinstance(obj, float | np.floating):
        v = float(obj)
        return v if math.isfinite(v) else None
    if obj is None or isinstance(obj, str):
        return obj
    try:
        import pandas as pd

        if obj is pd.NA or obj is pd.NaT:
            return None
    except ImportError:  # pragma: no cover
        pass
    return obj


def validate_results(results: dict) -> None:
    """Raise :class:`ResultsError` naming the first problems if ``results`` breaks the schema."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema())
    errors = sorted(validator.iter_errors(results), key=lambda e: list(e.absolute_path))
    if errors:
        shown = "; ".join(
            f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}" for e in errors[:5]
        )
        raise ResultsError(f"results do not match {SCHEMA_ID}: {shown}")


def write_results(results: dict, path: Path | str) -> Path:
    """Write ``results`` as JSON (NaN never written: it becomes null)."""
    path = Path(path)
    path.write_text(
        json.dumps(clean(results), ensure_ascii=False, indent=1, allow_nan=False), encoding="utf-8"
    )
    return path


def load_results(path: Path | str, *, validate: bool = True) -> dict:
    """Read ``results.json`` (a file, or a folder holding one) and check it against the schema."""
    path = Path(path)
    if path.is_dir():
        path = path / "results.json"
    results = json.loads(path.read_text(encoding="utf-8"))
    if validate:
        validate_results(results)
    return results
