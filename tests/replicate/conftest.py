"""Shared fixtures of the replication tests: one small synthetic cohort, its analysis run and
its replication package, made once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

# Small enough to be quick, large enough for A6 (at least four caseworkers with ten citizens).
SCALE = 0.1
SEED = 1


@pytest.fixture(scope="session")
def cohort(tmp_path_factory) -> Path:
    from bip.synth import generate_cohort

    return generate_cohort(tmp_path_factory.mktemp("repl") / "cohort", scale=SCALE, seed=SEED)


@pytest.fixture(scope="session")
def results_dir(cohort, tmp_path_factory) -> Path:
    from bip import pipeline

    out = tmp_path_factory.mktemp("repl-results") / "results"
    return pipeline.run(cohort, out, pipeline.RunOptions(report=False)).out_dir


@pytest.fixture(scope="session")
def package(results_dir, tmp_path_factory) -> Path:
    from bip.replicate import build_package

    return build_package(results_dir, tmp_path_factory.mktemp("repl-pkg") / "pkg")
