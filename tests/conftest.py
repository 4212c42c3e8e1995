"""Shared test configuration: the environment line in pytest's header.

The fixtures that need PostgreSQL or Chromium live in ``tests/web/conftest.py``: they skip
with a visible reason when the service is missing, and fail under CI=true, where it must run.
"""

from __future__ import annotations

import os
import shutil
import socket


def _postgres_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


def pytest_report_header(config) -> list[str]:
    ci = os.environ.get("CI", "").lower() in ("1", "true", "yes")
    return [
        f"bip: CI={'yes' if ci else 'no'}, "
        f"postgres 127.0.0.1:5432={'reachable' if _postgres_reachable() else 'NOT reachable'}, "
        f"chromium={shutil.which('chromium') or 'absent'}",
    ]
