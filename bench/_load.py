"""Helpers the in-process page benchmarks share (bench_caseload.py, bench_dashboard.py): a fresh
PostgreSQL database, Django set up on it, percentiles and the per-kind latency summary."""

from __future__ import annotations

import os
import statistics
from pathlib import Path

import psycopg


def fresh_database(admin_url: str, name: str) -> str:
    """Drop and create database ``name`` next to ``admin_url``'s; returns its URL."""
    with psycopg.connect(admin_url, autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        con.execute(f'CREATE DATABASE "{name}"')
    return admin_url.rsplit("/", 1)[0] + "/" + name


def setup_django(admin_url: str, db_name: str, data_dir: Path) -> None:
    """Django with the production settings on a fresh database ``db_name``, migrated."""
    os.environ["DATABASE_URL"] = fresh_database(admin_url, db_name).replace(
        "postgresql://", "postgres://"
    )
    os.environ.setdefault("BIP_SECRET_KEY", "bench-secret-key-" + "x" * 40)
    os.environ.setdefault("BIP_HMAC_KEY", "bench-hmac-key-0123456789")
    os.environ["BIP_DATA_DIR"] = str(data_dir)
    os.environ["BIP_ALLOWED_HOSTS"] = "testserver"
    os.environ["DJANGO_SETTINGS_MODULE"] = "bip.web.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def pct(xs: list[float], q: float) -> float:
    """The ``q`` quantile of ``xs`` (nearest rank)."""
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def summarize(times: dict[str, list[float]]) -> dict[str, dict]:
    """Per kind of request: n, p50, p95 and max of its times in ms."""
    return {
        kind: {
            "n": len(v),
            "p50_ms": round(statistics.median(v), 1),
            "p95_ms": round(pct(v, 0.95), 1),
            "max_ms": round(max(v), 1),
        }
        for kind, v in times.items()
    }
