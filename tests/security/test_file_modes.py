"""Files with personal data are created 0600 and folders 0700 (:mod:`bip.private`).

The ``bip`` command and the web server set the process umask; these tests start them as
separate processes from this one, whose umask is the usual 022, and check what they create.
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import httpx
import pandas as pd
import pytest

from bip.dataset import write_dataset
from bip.dataset.example import example_tables

KEY = "test-hmac-key-0123456789abcdef"


@pytest.fixture(autouse=True)
def _usual_umask():
    """The tests' own process creates files 0644, as a default shell does."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def _mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def _all_private(root: Path) -> list[str]:
    """Every file and folder under ``root`` (itself included) that is not private."""
    paths = [root, *root.rglob("*")]
    return [
        f"{p}: {oct(_mode(p))}"
        for p in paths
        if _mode(p) & 0o077
        or (p.is_file() and _mode(p) != 0o600)
        or (p.is_dir() and _mode(p) != 0o700)
    ]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "BIP_", "DATABASE_URL"))
    }
    env.update({"BIP_DATA_DIR": str(tmp_path / "data"), "BIP_HMAC_KEY": KEY, **extra})
    return env


def _bip(env, *args: str) -> subprocess.CompletedProcess:
    r = subprocess.run(
        [sys.executable, "-m", "bip", *args], env=env, capture_output=True, text=True, timeout=600
    )
    assert r.returncode == 0, r.stderr[-2000:]
    return r


@pytest.fixture
def example(tmp_path) -> Path:
    return write_dataset(example_tables(), tmp_path / "example", "csv")


def test_cli_outputs_are_private(tmp_path, example):
    """SQLite database (import-db), export-db, convert, export, pseudonymise, synth, analyze."""
    env = _env(tmp_path)
    _bip(env, "import-db", str(example))
    db = tmp_path / "data" / "bip.sqlite3"
    assert db.is_file()
    _bip(env, "export-db", str(tmp_path / "exported"))
    _bip(env, "dataset", "convert", str(example), str(tmp_path / "converted"), "--to", "parquet")
    _bip(env, "export", "--panel", str(example), str(tmp_path / "panel.csv"), "--to", "csv")
    src = tmp_path / "with-cpr.csv"
    pd.DataFrame({"cpr": ["010170-1018"], "sex": ["f"]}).to_csv(src, index=False)
    _bip(env, "pseudonymise", str(src), str(tmp_path / "pseudonymised.csv"))
    _bip(env, "synth", str(tmp_path / "cohort"), "--scale", "0.05")
    _bip(env, "analyze", str(tmp_path / "cohort"), "--out", str(tmp_path / "an"), "--no-report")
    for p in (
        tmp_path / "data",
        tmp_path / "exported",
        tmp_path / "converted",
        tmp_path / "panel.csv",
        tmp_path / "pseudonymised.csv",
        tmp_path / "cohort",
        tmp_path / "an",
    ):
        assert _all_private(p) == []
    assert _mode(src) == 0o644  # written by this process: the umask is the command's own


def test_in_process_commands_restore_the_umask(tmp_path, example):
    from click.testing import CliRunner

    from bip.cli import main

    r = CliRunner().invoke(
        main, ["dataset", "convert", str(example), str(tmp_path / "c"), "--to", "csv"]
    )
    assert r.exit_code == 0, r.output
    assert _all_private(tmp_path / "c") == []
    assert os.umask(0o022) == 0o022


def test_wsgi_entry_point_sets_the_umask(tmp_path):
    code = "import os, bip.web.wsgi; print(oct(os.umask(0o022)))"
    env = _env(tmp_path, BIP_SECRET_KEY="k" * 50, DATABASE_URL=f"sqlite:///{tmp_path}/db")
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert r.stdout.strip() == "0o77", r.stderr[-2000:]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_served_tool_stores_uploads_and_database_privately(tmp_path):
    """`bip serve` with two gunicorn workers: the SQLite database and an uploaded register."""
    from tests.web.test_serve import _start
    from tests.web.twofactor import http_second_factor

    proc, text, port = _start(tmp_path, "--workers", "2", "--threads", "2")
    try:
        assert "BIP is running" in text, text
        user, password = re.search(r"^\s+admin\s+(\S+)\s+(\S+)$", text, re.M).groups()
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as c:
            token = re.search(
                r'name="csrfmiddlewaretoken" value="([^"]+)"', c.get("/login/").text
            ).group(1)
            r = c.post(
                "/login/",
                data={"username": user, "password": password, "csrfmiddlewaretoken": token},
            )
            assert r.status_code == 302
            http_second_factor(c, r)  # an administrator: the authenticator's code next
            # citizens the tool holds: the demo imports its copy moved to the present
            live = tmp_path / "data" / "demo-dataset" / "citizens.parquet"
            ids = pd.read_parquet(live)["citizen_id"].head(2).tolist()
            body = f"citizen_id,month,employed\n{ids[0]},2016-01,1\n{ids[1]},2016-01,0\n"
            r = c.post(
                "/administration/registers/",
                data={"table": "employment_months", "csrfmiddlewaretoken": c.cookies["csrftoken"]},
                files={"file": ("employment_months.csv", body.encode(), "text/csv")},
            )
            assert r.status_code == 302, r.text[-3000:]
        data = tmp_path / "data"
        stored = list((data / "registers").rglob("*.csv"))
        assert len(stored) == 1
        assert _all_private(data / "registers") == []
        for p in data.iterdir():
            if p.name.startswith("bip.sqlite3"):
                assert _mode(p) == 0o600, p
        assert _mode(data) == 0o700
    finally:
        proc.terminate()
        proc.wait(timeout=30)
