"""Citizens' names: encrypted at rest, searchable through a blind index, shown only within the
citizen's jobcentre, and never in a dataset, export, analysis panel, audit entry or log."""

from __future__ import annotations

import logging
import os
import stat

import pytest
from cryptography.fernet import Fernet
from django.db import connection
from django.urls import reverse

from bip.web.core import fieldcrypt

NAME = "Åse Kirstine Bønnelykke"


def _all_rows_text() -> str:
    """Every value of every table of the database, as text."""
    out = []
    with connection.cursor() as cur:
        for table in connection.introspection.table_names():
            cur.execute(f'SELECT * FROM "{table}"')
            out.extend(repr(row) for row in cur.fetchall())
    return "\n".join(out)


@pytest.fixture
def named(world, login):
    c = login("caseworker")
    r = c.post(reverse("citizen", args=[world.citizens["A"].citizen_id]), {"name": NAME})
    assert r.status_code == 302
    world.citizens["A"].refresh_from_db()
    return world


def test_name_is_encrypted_at_rest_and_decrypts(named):
    cit = named.citizens["A"]
    assert cit.name == NAME and cit.name_enc.startswith("gAAAA")  # a Fernet token
    text = _all_rows_text()
    for word in (*NAME.split(), NAME.casefold()):
        assert word not in text and word.casefold() not in text.casefold()


def test_name_shown_to_own_jobcentre_only(named, client):
    cit = named.citizens["A"]
    for role in ("caseworker", "manager"):
        client.force_login(named.users[(role, "A")])
        html = client.get(reverse("caseload") + "?scope=all").content.decode()
        assert NAME in html, role
    client.force_login(named.users[("caseworker", "A")])
    assert NAME in client.get(reverse("citizen", args=[cit.citizen_id])).content.decode()
    client.force_login(named.users[("caseworker", "B")])
    assert client.get(reverse("citizen", args=[cit.citizen_id])).status_code == 404
    assert NAME not in client.get(reverse("caseload") + "?scope=all").content.decode()
    for role in ("analyst", "admin"):
        client.force_login(named.users[(role, "A")])
        for path in ("/caseload/", "/administration/audit/", "/analyst/", "/dashboard/"):
            assert NAME not in client.get(path).content.decode(), (role, path)


def test_caseload_search_by_name_words(named, login):
    c = login("caseworker")
    cid = named.citizens["A"].citizen_id
    for q in ("bønnelykke", "ÅSE", "Kirstine Åse"):
        rows = c.get(reverse("caseload"), {"q": q, "scope": "all"}).context["rows"]
        assert [r.citizen_id for r in rows] == [cid], q
    for q in ("Bønne", "Hansen", "ase"):  # whole words only; å is not a
        assert c.get(reverse("caseload"), {"q": q, "scope": "all"}).context["rows"] == [], q
    assert [r.citizen_id for r in c.get(reverse("caseload"), {"q": cid[:6]}).context["rows"]] == [
        cid
    ]


def test_name_never_in_export_analysis_audit_or_logs(named, tmp_path, caplog, capsys):
    from bip.web.core.models import AuditLog
    from bip.web.exchange import export_db

    caplog.set_level(logging.DEBUG)
    out = export_db(tmp_path / "ds")
    blobs = [p.read_bytes() for p in out.rglob("*") if p.is_file()]
    assert blobs
    token = named.citizens["A"].name_enc
    for blob in blobs:
        for needle in (*NAME.split(), token[:20]):
            assert needle.encode() not in blob
    from bip.dataset import open_dataset
    from bip.panel import build_panel

    frame_text = build_panel(open_dataset(out)).to_csv()
    assert not any(w in frame_text for w in NAME.split())
    audit_text = "\n".join(
        repr(row) for row in AuditLog.objects.values_list("action", "object_id", "detail")
    )
    assert "citizen.name" in audit_text and not any(w in audit_text for w in NAME.split())
    logged = caplog.text + "".join(capsys.readouterr())
    assert not any(w in logged for w in NAME.split())


def test_key_file_created_private_and_keys_rotate(named, tmp_path, monkeypatch):
    from bip.web.core.models import Citizen

    monkeypatch.delenv("BIP_FIELD_KEY", raising=False)
    monkeypatch.setenv("BIP_DATA_DIR", str(tmp_path))
    fieldcrypt.reset()
    try:
        token = fieldcrypt.encrypt("x")
        path = tmp_path / "field.key"
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        assert fieldcrypt.decrypt(token) == "x"
        # rotation: a new key goes first, the old one stays until rotate_all has run
        old = os.environ.get("BIP_FIELD_KEY")
        assert old is None
        Citizen.objects.filter(pk=named.citizens["A"].pk).update(
            name_enc=fieldcrypt.encrypt(NAME), name_index=fieldcrypt.name_index(NAME)
        )
        new = Fernet.generate_key().decode()
        path.write_text(new + "\n" + path.read_text())
        fieldcrypt.reset()
        assert fieldcrypt.rotate_all() >= 1
        c = Citizen.objects.get(pk=named.citizens["A"].pk)
        assert Fernet(new.encode()).decrypt(c.name_enc.encode()).decode() == NAME
        assert c.name_index == fieldcrypt.name_index(NAME)
        path.write_text(new + "\n")  # the old key removed: everything still opens
        fieldcrypt.reset()
        assert Citizen.objects.get(pk=c.pk).name == NAME
    finally:
        fieldcrypt.reset()


def test_bad_key_is_one_line(monkeypatch):
    monkeypatch.setenv("BIP_FIELD_KEY", "not-a-key")
    fieldcrypt.reset()
    try:
        with pytest.raises(fieldcrypt.FieldKeyError, match=r"^BIP_FIELD_KEY: not a Fernet key"):
            fieldcrypt.encrypt("x")
    finally:
        monkeypatch.undo()
        fieldcrypt.reset()


def test_enrol_with_a_name(world, login):
    from bip.web.core.models import Citizen
    from tests.web.conftest import CPR_NEW

    c = login("caseworker")
    c.post(reverse("find"), {"cpr": CPR_NEW})
    r = c.post(reverse("enrol"), {"name": "Ny Borger"})
    assert r.status_code == 302
    cit = Citizen.objects.get(name_index__contains=f" {fieldcrypt.word_index('borger')} ")
    assert cit.name == "Ny Borger" and "Ny Borger" not in cit.name_enc
