"""`bip api-token create|list|revoke` in its own process: the token is printed once, stored
hashed, listed without its secret, and refused after revocation."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def _bip(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bip", *args], env=env, capture_output=True, text=True, timeout=300
    )


@pytest.mark.slow
def test_token_lifecycle_from_the_command_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "BIP_", "DATABASE"))}
    env["BIP_DATA_DIR"] = str(tmp_path)
    db = tmp_path / "bip.sqlite3"
    r = _bip(env, "api-token", "list")
    assert r.returncode == 0 and "0 token(s)" in r.stdout
    import sqlite3

    with sqlite3.connect(db) as con:
        con.execute("insert into core_jobcenter (jobcenter_id, name) values ('JC1', 'One')")
    r = _bip(
        env,
        "api-token",
        "create",
        "kmd",
        "--jobcentre",
        "JC1",
        "--scope",
        "caseload:read",
        "--scope",
        "measurements:write",
        "--days",
        "10",
    )
    assert r.returncode == 0, r.stderr
    secret = r.stdout.strip().splitlines()[-1]
    assert secret.startswith("bip_") and len(secret) > 40
    with sqlite3.connect(db) as con:
        dump = "\n".join(con.iterdump())
    assert secret not in dump and secret.split("_")[-1] not in dump
    r = _bip(env, "api-token", "list")
    assert "kmd\tJC1" in r.stdout and "active" in r.stdout and secret not in r.stdout
    assert _bip(env, "api-token", "revoke", "kmd").returncode == 0
    assert "revoked" in _bip(env, "api-token", "list").stdout
    r = _bip(env, "audit", "verify")
    assert r.returncode == 0 and "intact" in r.stdout
    with sqlite3.connect(db) as con:
        actions = [a for (a,) in con.execute("select action from core_auditlog order by seq")]
    assert actions == ["apitoken.create", "apitoken.revoke"]
