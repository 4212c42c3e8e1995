"""Shared test environment: PostgreSQL and Chromium are required in CI, optional elsewhere."""

from __future__ import annotations

import os
import shutil
import socket

import pytest

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
PG_HOST, PG_PORT = "127.0.0.1", 5432


def postgres_reachable() -> bool:
    try:
        with socket.create_connection((PG_HOST, PG_PORT), timeout=1):
            return True
    except OSError:
        return False


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def need(condition: bool, what: str) -> None:
    """Skip with a visible reason, except in CI where the missing service is a failure."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI=true but {what}")
    pytest.skip(f"{what}; these tests run in CI")


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """URL of the PostgreSQL test database (127.0.0.1:5432, database test)."""
    need(postgres_reachable(), f"PostgreSQL is not reachable at {PG_HOST}:{PG_PORT}")
    return os.environ.get("BIP_TEST_DATABASE_URL", f"postgres://postgres@{PG_HOST}:{PG_PORT}/test")


@pytest.fixture(scope="session")
def chromium() -> str:
    """Path of Debian's Chromium for browser tests and PDF printing."""
    path = chromium_path()
    need(path is not None, "Debian's chromium is not installed (scripts/setup.sh installs it as root)")
    return path


def pytest_report_header(config) -> list[str]:
    return [
        f"bip: CI={'yes' if IN_CI else 'no'}, "
        f"postgres={'reachable' if postgres_reachable() else 'NOT reachable'}, "
        f"chromium={chromium_path() or 'absent'}",
    ]
