"""Fixtures of the security tests: those of the web tests (Django on SQLite or PostgreSQL), the
example dataset, and a synthetic cohort. ``tests/web/test_postgres.py`` runs this folder again
on PostgreSQL."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.web.conftest import (  # noqa: F401  (fixtures)
    CPR_A,
    CPR_B,
    _audit_guards_allow_flush,
    _force_login_passes_second_factor,
    cohort_dir,
    insight_dir,
    postgres_url,
    world,
)

# Fake CPR numbers with real dates: a day below 10 (its leading zero is lost when stored as an
# integer), a day of 10 or more, and a 2000s birth (7th digit 4).
CPRS = ("010170-1018", "150485-1008", "290200-4000")


@pytest.fixture(scope="session")
def example_master(tmp_path_factory) -> Path:
    from bip.dataset import write_dataset
    from bip.dataset.example import example_tables

    return write_dataset(example_tables(), tmp_path_factory.mktemp("example") / "csv", "csv")


@pytest.fixture
def example(example_master, tmp_path) -> Path:
    """A fresh, writable copy of the example dataset (CSV)."""
    return Path(shutil.copytree(example_master, tmp_path / "example"))
