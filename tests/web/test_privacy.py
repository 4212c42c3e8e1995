"""The CPR number is never stored (no table, no session) and never logged."""

from __future__ import annotations

import logging
import subprocess

from django.contrib.sessions.models import Session
from django.db import connection
from django.urls import reverse

from bip.web.core.models import AuditLog, Citizen

CPRS = ("010170-1018", "230392-1004", "311399-1234")  # found, new (enrolled), invalid date


def _forms(cpr: str) -> set[str]:
    digits = cpr.replace("-", "")
    return {cpr, digits, f"{digits[:6]} {digits[6:]}"}


def _dump_all_rows() -> str:
    """Every row of every table, as text (what an SQL dump would contain)."""
    out = []
    with connection.cursor() as cur:
        for table in connection.introspection.table_names():
            cur.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            out.append(f"-- {table}\n" + "\n".join(map(repr, cur.fetchall())))
    if connection.vendor == "sqlite":
        out.append("\n".join(connection.connection.iterdump()))
    return "\n".join(out)


def _pg_dump() -> str:
    s = connection.settings_dict
    cmd = [
        "pg_dump",
        "--data-only",
        "-h",
        s.get("HOST") or "127.0.0.1",
        "-p",
        str(s.get("PORT") or 5432),
        "-U",
        s.get("USER") or "postgres",
        s["NAME"],
    ]
    return subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=60).stdout


def test_cpr_is_never_stored_nor_logged(transactional_db, client, world, caplog, capfd):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django")
    caplog.set_level(logging.DEBUG, logger="django.db.backends")
    connection.force_debug_cursor = True  # log every SQL statement with its parameters
    try:
        client.force_login(world.users[("caseworker", "A")])
        found = client.post(reverse("find"), {"cpr": CPRS[0]})
        assert found.status_code == 302 and world.citizens["A"].citizen_id in found["Location"]
        new = client.post(reverse("find"), {"cpr": CPRS[1]})
        assert new.status_code == 200 and b"enrol" in new.content
        enrolled = client.post(reverse("enrol"))
        assert enrolled.status_code == 302
        bad = client.post(reverse("find"), {"cpr": CPRS[2]})
        assert bad.status_code == 400
        for r in (found, new, enrolled, bad):
            body = r.content.decode()
            assert not any(f in body for c in CPRS for f in _forms(c))
    finally:
        connection.force_debug_cursor = False
    assert Citizen.objects.count() == 3  # the new citizen was enrolled under the pseudonym
    # every look-up is audited with its outcome, the invalid one too (without a pseudonym)
    assert AuditLog.objects.filter(action="citizen.find").count() == 3
    dump = _dump_all_rows()
    sessions = "\n".join(str(s.get_decoded()) for s in Session.objects.all())
    logs = caplog.text + "\n".join(r.getMessage() + repr(r.args) for r in caplog.records)
    out, err = capfd.readouterr()
    assert "SELECT" in logs  # the SQL log was captured, so the check below means something
    haystacks = {
        "database rows": dump,
        "sessions": sessions,
        "logs": logs,
        "stdout/stderr": out + err,
    }
    if connection.vendor == "postgresql":
        haystacks["pg_dump"] = _pg_dump()
    for where, text in haystacks.items():
        for cpr in CPRS:
            for form in _forms(cpr):
                assert form not in text, f"CPR {form} found in {where}"


def test_pseudonym_is_hmac_sha256_of_the_ten_digits(settings):
    import hashlib
    import hmac
    import os

    from bip.web.identity import citizen_id_for

    key = os.environ["BIP_HMAC_KEY"].encode()
    want = hmac.new(key, b"0101701018", hashlib.sha256).hexdigest()
    assert citizen_id_for("010170-1018") == citizen_id_for("0101701018") == want


def test_missing_key_is_a_clear_error_not_a_crash(login, world, monkeypatch):
    monkeypatch.delenv("BIP_HMAC_KEY")
    monkeypatch.delenv("BIP_HMAC_KEY_FILE", raising=False)
    client = login("caseworker")
    r = client.post(reverse("find"), {"cpr": "010170-1018"}, HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 503 and "pseudonymisation key is not configured" in r.content.decode()
