"""The questionnaire in force, the caseload with due/overdue status, transfers, the export."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def _last(action: str):
    from bip.web.core.models import AuditLog

    return AuditLog.objects.filter(action=action).order_by("-seq").first()


def test_the_questionnaire_is_enough_to_render_the_form(api):
    from bip.instrument import B_ITEMS, S1_OPTIONS, S_ITEMS, load_instrument

    inst = load_instrument(1)
    r = api.with_scopes("exports:read").get("/questionnaire")  # any token may read it
    assert r.status_code == 200
    q = r.json()
    assert q["version"] == 1
    items = {i["id"]: i for i in q["items"]}
    assert set(items) == {*B_ITEMS, "B10", "B11", "S1", *S_ITEMS}
    for item_id in (*B_ITEMS, *S_ITEMS):
        assert [c["value"] for c in items[item_id]["choices"]] == [1, 2, 3, 4, 5]
        assert items[item_id]["label"]["en"] == inst.items[item_id].text("en")
        assert items[item_id]["label"]["da"] == inst.items[item_id].text("da")
        assert items[item_id]["choices"][0]["label"]["da"] == inst.anchors(item_id, "da")[1]
    s1 = items["S1"]
    assert s1["fields"] == [f"S1_{n}" for n in S1_OPTIONS]
    assert [(c["field"], c["group"]) for c in s1["choices"]] == [
        (f"S1_{n}", g) for n, g, _t in inst.s1_options()
    ]
    assert {s["value"] for s in items["B10"]["statuses"]} == {
        "searching",
        "not_searching",
        "no_answer",
    }
    assert items["B11"]["maximum"] == 2000
    assert {n["value"] for n in q["nonanswers"]} == {"dont_know", "wont_answer"}
    assert [g["value"] for g in q["groups"]] == ["J", "O", "S", "H"]
    assert _last("questionnaire.view").object_id == "1"


def test_a_published_version_is_the_one_in_force(api, world):
    from bip.instrument import load_instrument
    from bip.web.core.services import questionnaire_publish

    changed = {"B1": {"da": "Ny formulering", "en": "New wording"}}
    questionnaire_publish(
        user=world.users[("admin", "A")], current=load_instrument(1), changed=changed
    )
    q = api.get("/questionnaire").json()
    assert q["version"] == 2
    b1 = next(i for i in q["items"] if i["id"] == "B1")
    assert b1["wording"] == {"da": "Ny formulering", "en": "New wording"}


def test_the_caseload_has_the_jobcentres_citizens_with_their_status(api, world, complete):
    from bip.web.core.models import Citizen

    a = world.citizens["A"]
    fresh = Citizen.objects.create(citizen_id="n" * 64, jobcenter=a.jobcenter, caseworker=None)
    rows = {r["citizen_id"]: r for r in api.get("/citizens").json()}
    assert set(rows) == {a.citizen_id, fresh.citizen_id}  # not jobcentre B's
    assert rows[a.citizen_id]["status"] == "overdue"  # measured 2024-01-08 only
    assert rows[a.citizen_id]["due_on"] == "2024-04-08"
    assert rows[a.citizen_id]["caseworker_id"] == "WA1"
    assert rows[fresh.citizen_id]["status"] == "never"
    assert _last("caseload.view").detail == "2 citizens"
    day = TODAY - dt.timedelta(weeks=12)
    assert api.post(f"/citizens/{a.citizen_id}/measurements", complete(day)).status_code == 201
    row = next(r for r in api.get("/citizens").json() if r["citizen_id"] == a.citizen_id)
    assert row["status"] == "due" and row["weeks_since_last"] == 12
    assert [r["citizen_id"] for r in api.get("/citizens", status="never").json()] == [
        fresh.citizen_id
    ]
    assert api.get("/citizens", caseworker_id="WA2").json() == []


def test_a_transfer_changes_the_caseworker_and_is_audited(api, world):
    from bip.web.core.models import Citizen

    a = world.citizens["A"]
    body = {"caseworker_id": "WA2", "started_on": TODAY.isoformat(), "reason": "leave"}
    r = api.post(f"/citizens/{a.citizen_id}/transfers", body)
    assert r.status_code == 201, r.content
    assert r.json() == {
        "caseworker_id": "WA2",
        "previous_caseworker_id": "WA1",
        "started_on": TODAY.isoformat(),
        "reason": "leave",
        "is_change": True,
    }
    assert Citizen.objects.get(pk=a.pk).caseworker == world.caseworkers["A2"]
    assert "WA1 -> WA2" in _last("citizen.transfer").detail
    periods = api.get(f"/citizens/{a.citizen_id}/transfers").json()
    assert [p["caseworker_id"] for p in periods] == ["WA1", "WA2"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"caseworker_id": "WB1"}, "caseworker_id"),
        ({"caseworker_id": "WA1"}, "caseworker_id"),
        ({"started_on": "2023-12-31"}, "started_on"),
        ({"started_on": (TODAY + dt.timedelta(days=1)).isoformat()}, "started_on"),
        ({"reason": "x" * 201}, "reason"),
    ],
)
def test_a_refused_transfer_names_the_field_and_changes_nothing(api, world, change, field):
    from bip.web.core.models import Assignment

    a = world.citizens["A"]
    before = Assignment.objects.count()
    body = {"caseworker_id": "WA2", "started_on": TODAY.isoformat(), **change}
    r = api.post(f"/citizens/{a.citizen_id}/transfers", body)
    assert r.status_code == 400
    assert [e["field"] for e in r.json()["errors"]] == [field]
    assert Assignment.objects.count() == before


def test_the_export_is_the_jobcentres_dataset_only(api, world, tmp_path):
    from bip.dataset import validate_dataset

    r = api.with_scopes("exports:read").get("/exports/dataset.zip")
    assert r.status_code == 200 and r["Content-Type"] == "application/zip"
    zipfile.ZipFile(io.BytesIO(r.content)).extractall(tmp_path)
    folder = tmp_path / "bip-dataset"
    assert validate_dataset(folder).ok
    citizens = (folder / "citizens.csv").read_text().splitlines()
    assert len(citizens) == 2 and world.citizens["A"].citizen_id in citizens[1]
    assert "MA1" in (folder / "measurements.csv").read_text()
    assert "MB1" not in (folder / "measurements.csv").read_text()
    assert _last("dataset.export").object_id == "JCA"


def test_openapi_schema_and_docs_page(client, world):
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    schema = r.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/citizens/{citizen_id}/measurements" in schema["paths"]
    create = schema["paths"]["/api/v1/citizens/{citizen_id}/measurements"]["post"]
    assert {"200", "201", "400", "401", "403", "404", "409"} <= set(create["responses"])
    body = schema["components"]["schemas"]["MeasurementIn"]["properties"]
    assert body["B3"]["anyOf"][0] == {"maximum": 5, "minimum": 1, "type": "integer"}
    assert schema["components"]["securitySchemes"]
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html and "cdn" not in html


def test_right_of_access_record_holds_everything_about_the_citizen(api, world):
    from bip.web.core.models import AuditLog

    a = world.citizens["A"]
    api.get("/measurements/MA1")  # a read that the record must show
    r = api.get(f"/citizens/{a.citizen_id}/record")
    assert r.status_code == 200
    rec = r.json()
    assert rec["citizen"] == {
        "citizen_id": a.citizen_id,
        "jobcenter_id": "JCA",
        "enrolled_on": "2024-01-08",
        "caseworker_id": "WA1",
    }
    (m,) = rec["measurements"]
    assert m["measurement_id"] == "MA1" and m["answers"]["B1"] == 1 and len(m["answers"]) == 51
    assert [p["caseworker_id"] for p in rec["caseworker_periods"]] == ["WA1"]
    assert any(e["action"] == "measurement.view" and e["object_id"] == "MA1" for e in rec["audit"])
    assert (
        "MB1" not in r.content.decode() and world.citizens["B"].citizen_id not in r.content.decode()
    )
    last = AuditLog.objects.order_by("-seq").first()
    assert (last.action, last.object_id) == ("citizen.record", a.citizen_id)
    assert api.get(f"/citizens/{world.citizens['B'].citizen_id}/record").status_code == 404


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("da", ["Indsigt", "Idé om arbejde", "130", "Søger job"]),
        ("en", ["Right of access", "Idea of work", "Searching"]),
    ],
)
def test_right_of_access_pdf_in_danish_and_english(api, world, chromium, complete, lang, words):
    import pypdfium2 as pdfium

    a = world.citizens["A"]
    body = {**complete(TODAY), "B11": 130.5}
    assert api.post(f"/citizens/{a.citizen_id}/measurements", body).status_code == 201
    r = api.get(f"/citizens/{a.citizen_id}/record.pdf", lang=lang)
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    doc = pdfium.PdfDocument(r.content)
    text = " ".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    text = " ".join(text.split())
    for word in words:
        assert word in text, word
    assert ("130,5" if lang == "da" else "130.5") in text
    assert a.citizen_id[:20] in text and "MB1" not in text
    from bip.web.core.models import AuditLog

    last = AuditLog.objects.order_by("-seq").first()
    assert (last.action, last.object_id, last.detail) == (
        "citizen.record",
        a.citizen_id,
        f"PDF, {lang}",
    )
