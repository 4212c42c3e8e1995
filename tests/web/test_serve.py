"""`bip serve --demo`: the README's command brings up the tool with demo logins and citizens."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import httpx

from bip.dataset import write_dataset
from bip.dataset.example import example_tables


def _port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_demo(tmp_path):
    ds = write_dataset(example_tables(), tmp_path / "ds", "csv")
    port = _port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "BIP_", "DATABASE_URL"))}
    proc = subprocess.Popen([sys.executable, "-m", "bip", "serve", "--demo", str(ds), "--port", str(port),
                             "--data-dir", str(tmp_path / "data")], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    out = []
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            out.append(line)
            if "BIP is running" in line:
                break
        text = "".join(out)
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
            r = c.post("/login/", data={"username": user, "password": password, "csrfmiddlewaretoken": token})
            assert r.status_code == 302
            r = c.post("/find/", data={"cpr": cprs[0], "csrfmiddlewaretoken": c.cookies["csrftoken"]})
            assert r.status_code == 302 and "/citizen/" in r.headers["location"]
            r = c.get(r.headers["location"])
            assert r.status_code == 200 and "<svg" in r.text
            assert c.get("/static/bip/bip.css").status_code == 200  # whitenoise, DEBUG off
    finally:
        proc.terminate()
        proc.wait(timeout=30)
