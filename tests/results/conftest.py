"""A results document of schema bip-results/1, and the before/after comparison of bench/."""

from __future__ import annotations

import gzip
import importlib.util
import json
from pathlib import Path

import pytest

HERE = Path(__file__).parent
ROOT = HERE.parents[1]


@pytest.fixture(scope="session")
def v1_doc() -> dict:
    """results.json of BIP 0.1 (schema bip-results/1) for a small cohort (data/README.md)."""
    with gzip.open(HERE / "data" / "v1-scale0.25-seed3.json.gz", "rt", encoding="utf-8") as fh:
        return json.load(fh)


@pytest.fixture(scope="session")
def compare_results():
    """bench/compare_results.py as a module (its ``compare`` is what the tests use)."""
    spec = importlib.util.spec_from_file_location(
        "compare_results", ROOT / "bench" / "compare_results.py"
    )
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod
