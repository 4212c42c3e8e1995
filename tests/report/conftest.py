"""Shared fixtures for the report tests: a full fixture results dict and real results."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from fixture_results import make_results  # noqa: E402


@pytest.fixture(scope="session")
def fixture_results() -> dict:
    return make_results(0)


@pytest.fixture(scope="session")
def example_dataset(tmp_path_factory) -> Path:
    from bip.dataset import write_dataset
    from bip.dataset.example import example_tables

    out = tmp_path_factory.mktemp("ds") / "example"
    write_dataset(example_tables(), out, "csv")
    return out


@pytest.fixture(scope="session")
def real_results(example_dataset, tmp_path_factory) -> dict:
    """results.json of the analysis engine on the example dataset (real layout, tiny data)."""
    from bip import pipeline

    out = tmp_path_factory.mktemp("res") / "results"
    pipeline.run(example_dataset, out, pipeline.RunOptions(report=False))
    return json.loads((out / "results.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def rendered(fixture_results, tmp_path_factory) -> dict:
    """HTML (analyst/da, manager/en) of the fixture results, rendered once per session."""
    from bip.report.render import report_html

    return {
        ("da", "analyst"): report_html(fixture_results, lang="da", audience="analyst"),
        ("en", "manager"): report_html(fixture_results, lang="en", audience="manager"),
    }
