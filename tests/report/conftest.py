"""Shared fixtures of the report tests: real typed results of a small synthetic cohort (with
small cells, so suppression has something to hide), its renderings, and the example dataset."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

EDITIONS = [("da", "analyst"), ("da", "manager"), ("en", "analyst"), ("en", "manager")]


@pytest.fixture(scope="session")
def example_dataset(tmp_path_factory) -> Path:
    from bip.dataset import write_dataset
    from bip.dataset.example import example_tables

    out = tmp_path_factory.mktemp("ds") / "example"
    write_dataset(example_tables(), out, "csv")
    return out


@pytest.fixture(scope="session")
def small_results_dir(tmp_path_factory) -> Path:
    """results.json of the analyses on a synthetic cohort of about 740 citizens (scale 0.2)."""
    from bip import pipeline
    from bip.synth import generate_cohort

    root = tmp_path_factory.mktemp("small")
    cohort = generate_cohort(root / "cohort", scale=0.2, seed=0, fmt="parquet")
    return pipeline.run(cohort, root / "results", pipeline.RunOptions(report=False)).out_dir


@pytest.fixture(scope="session")
def small_results(small_results_dir):
    """The typed results (meta.dataset_path is the cohort's absolute path on this machine)."""
    from bip.results import load_results

    return load_results(small_results_dir)


@pytest.fixture(scope="session")
def small_calibration(small_results_dir):
    """The calibration summary of that cohort and its results (the report's last section)."""
    from bip.calibration import calibrate

    return calibrate(small_results_dir.parent / "cohort", small_results_dir / "results.json")


@pytest.fixture(scope="session")
def rendered(small_results, small_calibration) -> dict[tuple[str, str], str]:
    """The report HTML of every edition (language, audience), rendered once per session, with
    the calibration section, so every scan covers it."""
    from bip.report.render import report_html

    return {
        (lang, aud): report_html(
            small_results, lang=lang, audience=aud, calibration=small_calibration
        )
        for lang, aud in EDITIONS
    }
