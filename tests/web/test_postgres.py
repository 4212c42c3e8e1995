"""The whole web test suite, and the security tests, again on PostgreSQL (127.0.0.1:5432).

Runs in a subprocess because Django picks its database once per process. Skips visibly when
PostgreSQL is unreachable, except in CI (CI=true) where it fails (see conftest.postgres_url).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent


@pytest.mark.postgres
def test_web_suite_on_postgres(postgres_url):
    env = {**os.environ, "BIP_TEST_DATABASE_URL": postgres_url}
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        str(HERE),
        str(HERE.parent / "security"),
        "-q",
        "-p",
        "no:cacheprovider",
        "-m",
        "not postgres and not browser and not slow",
        "-x",
        # these start their own processes on their own SQLite files: nothing to learn on PostgreSQL
        "-k",
        "not test_serve_demo and not test_cli_creates_database and not test_production_settings",
    ]
    r = subprocess.run(
        cmd, env=env, capture_output=True, text=True, timeout=1800, cwd=HERE.parent.parent
    )
    tail = "\n".join(r.stdout.splitlines()[-30:])
    assert r.returncode == 0, f"web suite failed on PostgreSQL:\n{tail}\n{r.stderr[-2000:]}"
    assert " passed" in tail and "skipped" not in tail.split(" passed")[0][-5:], tail
    print(tail)


def test_runs_on_the_configured_vendor(db):
    """Sanity: under BIP_TEST_DATABASE_URL=postgres://... the suite really uses PostgreSQL."""
    from django.db import connection

    want = (
        "postgresql"
        if os.environ.get("BIP_TEST_DATABASE_URL", "").startswith("postgres")
        else "sqlite"
    )
    assert connection.vendor == want
