"""scripts/apt.sh: setup waits a bounded time for a busy dpkg lock and never aborts on apt."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(
    not Path("/proc/locks").exists(), reason="the lock holder is read from Linux's /proc/locks"
)

HOLD_FCNTL = """
import fcntl, sys, time
f = open(sys.argv[1], "a")
fcntl.lockf(f, fcntl.LOCK_EX)  # what apt and dpkg take (fcntl, not flock)
print("held", flush=True)
time.sleep(float(sys.argv[2]))
"""


def _hold(path: Path, seconds: float) -> subprocess.Popen:
    p = subprocess.Popen(
        [sys.executable, "-c", HOLD_FCNTL, str(path), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert p.stdout is not None and p.stdout.readline().strip() == "held"
    return p


def _bash(script: str, lock: Path, **env: str) -> subprocess.CompletedProcess:
    full = {
        "PATH": "/usr/bin:/bin",
        "PY_FOR_APT": sys.executable,
        "BIP_APT_LOCKS": str(lock),
        "BIP_APT_POLL": "1",
        **env,
    }
    return subprocess.run(
        ["bash", "-c", f"set -euo pipefail; . scripts/apt.sh; {script}"],
        cwd=ROOT,
        env=full,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_waits_for_the_lock_and_names_who_holds_it(tmp_path):
    lock = tmp_path / "lock-frontend"
    lock.touch()
    holder = _hold(lock, 3)
    try:
        r = _bash("wait_for_apt_lock; echo rc=$?", lock, BIP_APT_WAIT="60")
    finally:
        holder.wait(timeout=30)
    assert r.returncode == 0 and "rc=0" in r.stdout, r.stdout + r.stderr
    assert f"held by process {holder.pid} (python" in r.stdout, r.stdout
    assert f"on {lock}" in r.stdout and "is free after" in r.stdout


def test_gives_up_after_the_bounded_wait_and_later_steps_skip_apt(tmp_path):
    lock = tmp_path / "lock-frontend"
    lock.touch()
    holder = _hold(lock, 60)
    try:
        start = time.monotonic()
        r = _bash(
            'wait_for_apt_lock || echo "gave up"; apt_install R r-base-core || echo "skipped"',
            lock,
            BIP_APT_WAIT="2",
        )
        took = time.monotonic() - start
    finally:
        holder.kill()
        holder.wait(timeout=30)
    assert r.returncode == 0, r.stderr
    assert "gave up" in r.stdout and "skipped" in r.stdout, r.stdout
    assert "still held by process" in r.stderr and "BIP_APT_WAIT" in r.stderr
    assert "skipping R (r-base-core)" in r.stderr
    assert took < 50  # bounded: it did not sit out the holder's 60 s


def test_a_flock_holder_is_waited_for_too(tmp_path):
    lock = tmp_path / "lock"
    lock.touch()
    # its own process group: the lock belongs to the open file, which `sleep` inherits
    p = subprocess.Popen(["flock", str(lock), "sleep", "30"], start_new_session=True)
    try:
        for _ in range(50):  # until flock(1) has the lock
            r = _bash("apt_lock_holder", lock)
            if r.returncode == 0:
                break
            time.sleep(0.1)
        assert r.returncode == 0 and "on " + str(lock) in r.stdout, r.stdout
    finally:
        os.killpg(p.pid, signal.SIGKILL)
        p.wait(timeout=30)
    time.sleep(0.2)
    assert _bash("apt_lock_holder", lock).returncode == 1  # free again


def test_apt_s_own_error_is_shown_and_the_caller_carries_on(tmp_path):
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "apt-get").write_text(
        "#!/bin/sh\n"
        'case " $* " in *" update "*) exit 0;; esac\n'
        'echo "E: Unable to locate package nosuchpackage" >&2\nexit 100\n'
    )
    (fake / "apt-get").chmod(0o755)
    lock = tmp_path / "free-lock"
    lock.touch()
    r = _bash(
        f'PATH="{fake}:$PATH"; apt_install "the thing" nosuchpackage || echo "carried on"',
        lock,
    )
    assert r.returncode == 0 and "carried on" in r.stdout, r.stdout + r.stderr
    assert "could not install the thing (nosuchpackage)" in r.stderr
    assert "E: Unable to locate package nosuchpackage" in r.stderr
