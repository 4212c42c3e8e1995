"""Shared test configuration: Chromium for the PDF and browser tests, the environment header.

A missing service skips with a visible reason, except under CI=true, where it must be there
and its absence fails. (PostgreSQL's fixture is in ``tests/web/conftest.py``, its only user.)
"""

from __future__ import annotations

import os
import shutil
import socket

import pytest

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def need(condition: bool, what: str) -> None:
    """Skip with a visible reason, except in CI, where the missing piece is a failure."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI=true but {what}")
    pytest.skip(f"{what}; these tests run in CI")


@pytest.fixture(scope="session")
def chromium() -> str:
    """Path of Debian's Chromium (scripts/setup.sh installs it as root; never downloaded)."""
    path = shutil.which("chromium")
    need(path is not None, "Debian's chromium is not installed (apt-get install -y chromium)")
    return path


def _postgres_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


def pytest_report_header(config) -> list[str]:
    return [
        f"bip: CI={'yes' if IN_CI else 'no'}, "
        f"postgres 127.0.0.1:5432={'reachable' if _postgres_reachable() else 'NOT reachable'}, "
        f"chromium={shutil.which('chromium') or 'absent'}",
    ]
