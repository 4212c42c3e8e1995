"""Fixtures of the web tool's tests: Django on SQLite (or PostgreSQL), a two-jobcentre world."""

from __future__ import annotations

import datetime as dt
import os
import socket
from dataclasses import dataclass, field
from pathlib import Path

import pytest

os.environ["DJANGO_SETTINGS_MODULE"] = "bip.web.settings_test"
# Playwright's sync API runs an event loop
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import django  # noqa: E402

django.setup()  # test modules import views and models at collection time

PG_URL = os.environ.get("BIP_PG_URL", "postgres://127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

# Fake CPR numbers (valid dates); the tests check that none of them is ever stored or logged.
CPR_A = "010170-1018"
CPR_B = "150485-1008"
CPR_NEW = "230392-1004"


def pg_reachable(url: str = PG_URL) -> str | None:
    """None if PostgreSQL answers at ``url``, else the reason."""
    import psycopg

    try:
        with psycopg.connect(url.replace("postgres://", "postgresql://"), connect_timeout=3) as con:
            con.execute("select 1")
    except Exception as exc:  # any failure means: not usable here
        return (
            f"PostgreSQL not reachable at {url}: {exc.__class__.__name__}: {str(exc).strip()[:120]}"
        )
    return None


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """The PostgreSQL URL; skips visibly when unreachable, but fails in CI (CI=true)."""
    reason = pg_reachable()
    if reason:
        if IN_CI:
            pytest.fail(f"CI=true requires PostgreSQL: {reason}")
        pytest.skip(reason)
    return PG_URL


@pytest.fixture(scope="session")
def chromium_path(chromium) -> str:
    """Debian's chromium (tests/conftest.py) and the playwright package to drive it."""
    try:
        import playwright  # noqa: F401
    except ImportError:
        if IN_CI:
            pytest.fail("the playwright package is required in CI")
        pytest.skip("the playwright package is not installed")
    return chromium


@pytest.fixture(scope="session")
def axe_js() -> Path:
    """axe-core's script (scripts/setup.sh installs it with npm; never fetched by a test)."""
    from tests.conftest import need
    from tests.web.axe import AXE_JS

    need(AXE_JS.is_file(), f"axe-core is not installed at {AXE_JS} (run scripts/setup.sh)")
    return AXE_JS


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class World:
    """Two jobcentres with one login of each role, caseworkers, citizens and measurements."""

    jc: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)  # (role, "A"|"B") -> User
    caseworkers: dict = field(default_factory=dict)
    citizens: dict = field(default_factory=dict)  # "A"|"B" -> Citizen
    measurements: dict = field(default_factory=dict)
    password: str = "correct horse battery staple 42"


def _full_values(day: dt.date, b: int = 3, s: int = 4) -> dict:
    """POST data of a complete measurement (both parts)."""
    from bip.instrument import B_ITEMS, S_ITEMS

    data = {
        "measured_on": day.isoformat(),
        "B10_status": "searching",
        "B10_channels": ["internet", "network"],
        "B11": "130",
        "S1": ["5", "13", "9"],
    }
    data.update({i: str(b) for i in B_ITEMS})
    data.update({i: str(s) for i in S_ITEMS})
    return data


@pytest.fixture
def full_values():
    """``full_values(day, b=3, s=4)``: POST data of a complete measurement."""
    return _full_values


@pytest.fixture
def world(db) -> World:
    from django.contrib.auth import get_user_model

    from bip.instrument import B_ITEMS, S1_OPTIONS, S_ITEMS
    from bip.web.core.models import Assignment, Caseworker, Citizen, Jobcenter, Measurement, Profile
    from bip.web.identity import citizen_id_for

    w = World()
    User = get_user_model()
    for side, cpr in (("A", CPR_A), ("B", CPR_B)):
        jc = Jobcenter.objects.create(jobcenter_id=f"JC{side}", name=f"Jobcenter {side}")
        w.jc[side] = jc
        for role in ("caseworker", "manager", "analyst", "admin"):
            u = User.objects.create_user(f"{role}{side}", password=w.password)
            Profile.objects.create(
                user=u, role=role, jobcenter=jc if role in ("caseworker", "manager") else None
            )
            w.users[(role, side)] = u
        cw = Caseworker.objects.create(
            caseworker_id=f"W{side}1", jobcenter=jc, user=w.users[("caseworker", side)]
        )
        cw2 = Caseworker.objects.create(caseworker_id=f"W{side}2", jobcenter=jc)
        w.caseworkers[side] = cw
        w.caseworkers[side + "2"] = cw2
        c = Citizen.objects.create(
            citizen_id=citizen_id_for(cpr),
            jobcenter=jc,
            caseworker=cw,
            enrolled_on=dt.date(2024, 1, 8),
        )
        Assignment.objects.create(citizen=c, caseworker=cw, started_on=dt.date(2024, 1, 8))
        w.citizens[side] = c
        m = Measurement(
            measurement_id=f"M{side}1",
            citizen=c,
            caseworker=cw,
            measured_on=dt.date(2024, 1, 8),
            B10_status="not_searching",
        )
        for i, item in enumerate((*B_ITEMS, *S_ITEMS)):
            setattr(m, item, 1 + i % 5)
        for ch in ("newspapers", "internet", "unsolicited", "network", "internship", "temp_agency"):
            setattr(m, f"B10_{ch}", 0)
        for n in S1_OPTIONS:
            setattr(m, f"S1_{n}", int(n == 22))
        m.save()
        w.measurements[side] = m
    return w


@pytest.fixture
def login(client, world):
    """``login(role, side)`` logs the test client in as that user and returns it."""

    def _login(role: str, side: str = "A"):
        client.force_login(world.users[(role, side)])
        return client

    return _login


@pytest.fixture(autouse=True)
def _force_login_passes_second_factor(monkeypatch):
    """``Client.force_login`` skips the password; for administrators and analysts it also
    passes the second factor (tests/web/twofactor.py), as a real login would have to. The
    production settings keep requiring it (tests/web/security/test_second_factor.py)."""
    from django.test import Client

    from bip.web.signin.twofactor import needs_second_factor
    from tests.web.twofactor import pass_second_factor

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        if needs_second_factor(user):
            pass_second_factor(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture(autouse=True)
def _audit_guards_allow_flush(request):
    """Tests that commit (transactional_db, live_server) end with a flush of every table; the
    append-only triggers would refuse it for the audit log, so they are lifted for the flush
    only and reinstalled for the next test that needs them (see ``audit_guards``)."""
    names = request.fixturenames
    if "transactional_db" not in names and "live_server" not in names:
        yield
        return
    request.getfixturevalue("transactional_db")
    from django.db import connection

    from bip.web.core.dbguard import install_guards, remove_guards

    install_guards(connection)
    yield
    remove_guards(connection)


@pytest.fixture
def audit_guards(db):
    """Make sure the append-only triggers are in place (a committing test may have lifted them)."""
    from django.db import connection

    from bip.web.core.dbguard import install_guards

    install_guards(connection)
    return connection


# Shared fixtures of the insight tests (cohort on disk, a data folder per test).
from tests.web.insight_fixtures import cohort_dir, insight_dir  # noqa: E402, F401

# Browser tests: Playwright driving Debian's chromium; screenshots go to ARTIFACTS.
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path, args=ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()
