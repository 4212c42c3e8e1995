"""`bip serve --demo`: the README's command brings up the tool with demo logins and citizens."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from bip.dataset import write_dataset
from bip.dataset.example import example_tables


def _port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(tmp_path, *args: str) -> tuple[subprocess.Popen, str, int]:
    """``bip serve --demo`` in a subprocess; returns it, its output up to "BIP is running", its port."""
    ds = write_dataset(example_tables(), tmp_path / "ds", "csv")
    port = _port()
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "BIP_", "DATABASE_URL"))
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bip",
            "serve",
            "--demo",
            str(ds),
            "--port",
            str(port),
            "--data-dir",
            str(tmp_path / "data"),
            *args,
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    out = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        out.append(line)
        if "BIP is running" in line:
            _wait_listening(port, deadline)
            break
    return proc, "".join(out), port


def _wait_listening(port: int, deadline: float) -> None:
    """The message comes before the server binds its port (gunicorn starts after it)."""
    import socket

    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)


def test_serve_demo(tmp_path):
    proc, text, port = _start(tmp_path)
    try:
        assert "BIP is running" in text, text
        logins = dict(re.findall(r"^\s+caseworker\s+(\S+)\s+(\S+)$", text, re.M))
        cprs = re.search(r"find by CPR \(fake numbers\): (.+)$", text, re.M).group(1).split(", ")
        assert len(cprs) == 3 and "demo-secrets.env" in text
        assert (tmp_path / "data" / "demo-secrets.env").stat().st_mode & 0o077 == 0
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=30) as c:
            r = c.get("/login/")
            assert r.status_code == 200 and r.headers["content-security-policy"]
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', r.text).group(1)
            user, password = next(iter(logins.items()))
            r = c.post(
                "/login/",
                data={"username": user, "password": password, "csrfmiddlewaretoken": token},
            )
            assert r.status_code == 302
            r = c.post(
                "/find/", data={"cpr": cprs[0], "csrfmiddlewaretoken": c.cookies["csrftoken"]}
            )
            assert r.status_code == 302 and "/citizen/" in r.headers["location"]
            r = c.get(r.headers["location"])
            assert r.status_code == 200 and "<svg" in r.text
            assert c.get("/static/bip/bip.css").status_code == 200  # whitenoise, DEBUG off
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _children(pid: int) -> list[int]:
    kids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            kids.append(int(stat.parent.name))
    return kids


@pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="worker processes are counted in /proc"
)
def test_serve_with_worker_processes_shares_login_throttling(tmp_path):
    """Two gunicorn workers serve the tool, and failed logins count across both: each attempt
    comes on a new connection, which either worker may take."""
    proc, text, port = _start(tmp_path, "--workers", "2", "--threads", "2")
    try:
        assert "BIP is running" in text and "2 process(es)" in text, text
        base = f"http://127.0.0.1:{port}"
        user = re.search(r"^\s+caseworker\s+(\S+)\s+\S+$", text, re.M).group(1)
        for _ in range(30):  # workers start after the message
            if len(_children(proc.pid)) == 2:
                break
            time.sleep(0.2)
        assert len(_children(proc.pid)) == 2
        answers = []
        for _ in range(8):
            with httpx.Client(base_url=base, timeout=30, headers={"Accept-Language": "en"}) as c:
                token = re.search(
                    r'name="csrfmiddlewaretoken" value="([^"]+)"', c.get("/login/").text
                ).group(1)
                r = c.post(
                    "/login/",
                    data={
                        "username": user,
                        "password": "wrong-password-123",
                        "csrfmiddlewaretoken": token,
                    },
                )
                answers.append("Too many failed logins" in r.text)
        # the 5th failure sets the lock and says so; from then on the password is not checked
        assert answers[:4] == [False] * 4 and all(answers[4:]), answers
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert not _children(proc.pid)
