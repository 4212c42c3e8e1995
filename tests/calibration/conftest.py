"""A small synthetic cohort and a real results document for the calibration tests."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from bip.synth import generate_cohort

RESULTS_V1 = Path(__file__).parents[1] / "results" / "data" / "v1-scale0.25-seed3.json.gz"


@pytest.fixture(scope="session")
def small_cohort(tmp_path_factory):
    """Scale 0.3 (~1,100 citizens), seed 7, CSV."""
    return generate_cohort(tmp_path_factory.mktemp("cal") / "cohort", scale=0.3, seed=7)


@pytest.fixture(scope="session")
def results_doc() -> dict:
    """results.json of an analysis of a scale-0.25 cohort (tests/results/data/README.md)."""
    with gzip.open(RESULTS_V1, "rt", encoding="utf-8") as fh:
        return json.load(fh)


@pytest.fixture()
def results_file(tmp_path, results_doc) -> Path:
    path = tmp_path / "results" / "results.json"
    path.parent.mkdir()
    path.write_text(json.dumps(results_doc), encoding="utf-8")
    return path
