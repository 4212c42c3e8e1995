"""Measurements through the API: idempotent create, read, correct with optimistic concurrency,
the dataset format's validation and error format, nothing stored on error, every call audited."""

from __future__ import annotations

import datetime as dt

import pytest

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def _audit(action: str):
    from bip.web.core.models import AuditLog

    return list(AuditLog.objects.filter(action=action).order_by("seq"))


def _count():
    from bip.web.core.models import Measurement

    return Measurement.objects.count()


def test_create_stores_the_measurement_and_audits_it_as_the_form_does(api, world, complete):
    from bip.web.core.models import Measurement

    cid = world.citizens["A"].citizen_id
    r = api.post(f"/citizens/{cid}/measurements", complete(TODAY, b=2, s=5))
    assert r.status_code == 201, r.content
    body = r.json()
    m = Measurement.objects.get(measurement_id=body["measurement_id"])
    assert (m.B1, m.S12, m.B10_internet, m.B10_newspapers, m.S1_5, m.S1_22) == (2, 5, 1, 0, 1, 0)
    assert m.caseworker == world.caseworkers["A"] and m.revision == 1 == body["revision"]
    assert body["caseworker_id"] == "WA1" and body["B11"] == 130.0
    (entry,) = _audit("measurement.create")
    assert entry.username.startswith("api:") and entry.role == "api"
    assert entry.object_id == m.measurement_id and "part both" in entry.detail


def test_a_retry_with_the_same_key_creates_one_measurement(api, world, complete):
    cid = world.citizens["A"].citizen_id
    before = _count()
    first = api.post(f"/citizens/{cid}/measurements", complete(TODAY, key="retry-1"))
    again = api.post(f"/citizens/{cid}/measurements", complete(TODAY, key="retry-1"))
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["measurement_id"] == again.json()["measurement_id"]
    assert _count() == before + 1
    assert len(_audit("measurement.resubmit")) == 1
    # another system's same key is its own: keys are per token
    other = api.with_scopes("measurements:write")
    third = other.post(f"/citizens/{cid}/measurements", complete(TODAY, key="retry-1"))
    assert third.status_code == 201 and _count() == before + 2


def test_a_key_reused_for_another_citizen_is_409(api, world, complete):
    from bip.web.core.models import Citizen

    a = world.citizens["A"]
    other = Citizen.objects.create(
        citizen_id="c" * 64, jobcenter=a.jobcenter, caseworker=a.caseworker
    )
    assert (
        api.post(f"/citizens/{a.citizen_id}/measurements", complete(TODAY, key="k")).status_code
        == 201
    )
    r = api.post(f"/citizens/{other.citizen_id}/measurements", complete(TODAY, key="k"))
    assert r.status_code == 409 and r.json()["errors"][0]["field"] == "client_key"


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        ({"B3": 7}, "B3", "value '7' out of range 1–5"),
        ({"S4": 0}, "S4", "value '0' out of range 1–5"),
        ({"B3": "4"}, "B3", "bad number '4' (expected a whole number)"),
        ({"B3": 2.5}, "B3", "bad number '2.5' (expected a whole number)"),
        ({"B10_status": "maybe"}, "B10_status", "unknown value 'maybe'"),
        ({"B10_internet": 2}, "B10_internet", "out of range 0–1"),
        ({"B11": 2500.0}, "B11", "value '2500' out of range 0–2000"),
        ({"B11": -1.0}, "B11", "out of range 0–10000"),
        ({"measured_on": "2024-02-30"}, "measured_on", "bad date '2024-02-30'"),
        ({"measured_on": (TODAY + dt.timedelta(days=1)).isoformat()}, "measured_on", "future"),
        ({"measured_on": "1999-12-31"}, "measured_on", "before 2000-01-01"),
        ({"B3": None}, "B3", "required (an answer 1–5, or a non-answer"),
        ({"B3x": 3}, "B3x", "unknown field"),
        ({"B10_status": "not_searching"}, "B10_internet", "only be 1 when B10_status is searching"),
        ({"S1_22": 1}, "S1", "cannot be combined"),
        ({"nonanswers": {"B2": "dont_know"}}, "B2", "both an answer and a non-answer"),
        ({"nonanswers": {"B2": "maybe"}}, "nonanswers.B2", "unknown value 'maybe'"),
        ({"caseworker_id": "WB1"}, "caseworker_id", "no such caseworker"),
        ({"client_key": ""}, "client_key", ""),
        ({"questionnaire_version": 9}, "questionnaire_version", "version 9 is not in force"),
    ],
)
def test_invalid_input_names_field_and_reason_and_stores_nothing(
    api, world, complete, change, field, reason
):
    cid = world.citizens["A"].citizen_id
    before = _count()
    r = api.post(f"/citizens/{cid}/measurements", {**complete(TODAY), **change})
    assert r.status_code == 400, r.content
    errors = r.json()["errors"]
    assert any(e["field"] == field and reason in e["reason"] for e in errors), errors
    assert _count() == before
    refused = _audit("measurement.refused") + _audit("api.refused")
    assert refused and field.split(".")[0] in refused[-1].detail


def test_a_missing_part_item_and_the_empty_body(api, world, complete):
    cid = world.citizens["A"].citizen_id
    body = complete(TODAY)
    del body["S7"]
    r = api.post(f"/citizens/{cid}/measurements", body)
    assert [e["field"] for e in r.json()["errors"]] == ["S7"]
    only_date = {"client_key": "x", "measured_on": TODAY.isoformat()}
    r = api.post(f"/citizens/{cid}/measurements", only_date)
    assert r.status_code == 400 and r.json()["errors"][0]["field"] is None
    r = api.post(f"/citizens/{cid}/measurements", "not json")
    assert r.status_code == 400 and r.json()["errors"]


def test_the_caseworker_part_alone_and_nonanswers(api, world, complete):
    from bip.instrument import S1_OPTIONS, S_ITEMS

    cid = world.citizens["A"].citizen_id
    body = {"client_key": "cw", "measured_on": TODAY.isoformat(), "S1_22": 1}
    body.update({s: 3 for s in S_ITEMS})
    body["S5"] = None
    body["nonanswers"] = {"S5": "wont_answer"}
    r = api.post(f"/citizens/{cid}/measurements", body)
    assert r.status_code == 201, r.content
    got = r.json()
    assert got["B1"] is None and got["S5"] is None and got["nonanswers"] == {"S5": "wont_answer"}
    assert [n for n in S1_OPTIONS if got[f"S1_{n}"]] == [22]
    assert "part caseworker" in _audit("measurement.create")[-1].detail


def test_another_jobcentres_citizen_and_measurement_are_404(api, world, complete):
    cid = world.citizens["B"].citizen_id
    before = _count()
    r = api.post(f"/citizens/{cid}/measurements", complete(TODAY))
    assert r.status_code == 404 and _count() == before
    assert api.get("/measurements/MB1").status_code == 404
    assert api.get(f"/citizens/{cid}/measurements").status_code == 404
    denied = _audit("access.denied")
    assert [d.object_id for d in denied[-3:]] == [cid, "MB1", cid]


def test_read_then_correct_then_a_stale_revision_is_409(api, world):
    from bip.web.core.models import Measurement

    r = api.get("/measurements/MA1")
    assert r.status_code == 200
    read = r.json()
    assert read["revision"] == 1 and read["B1"] == 1
    assert _audit("measurement.view")[-1].object_id == "MA1"
    r = api.patch("/measurements/MA1", {"revision": 1, "B1": 4})
    assert r.status_code == 200, r.content
    assert r.json()["revision"] == 2 and r.json()["B1"] == 4
    # the second writer read revision 1 too: refused, nothing overwritten
    r = api.patch("/measurements/MA1", {"revision": 1, "B1": 5})
    assert r.status_code == 409 and r.json()["errors"][0]["field"] == "revision"
    m = Measurement.objects.get(measurement_id="MA1")
    assert (m.B1, m.revision) == (4, 2)
    assert _audit("measurement.update")[-1].object_id == "MA1"
    assert _audit("measurement.conflict")[-1].object_id == "MA1"


def test_a_correction_is_validated_as_a_whole(api, world):
    from bip.web.core.models import Measurement

    r = api.patch("/measurements/MA1", {"revision": 1, "B10_internet": 1})
    assert r.status_code == 400
    assert r.json()["errors"][0]["field"] == "B10_internet"
    r = api.patch(
        "/measurements/MA1", {"revision": 1, "B2": None, "nonanswers": {"B2": "dont_know"}}
    )
    assert r.status_code == 200, r.content
    m = Measurement.objects.get(measurement_id="MA1")
    assert m.B2 is None and m.nonanswers == {"B2": "dont_know"}
    r = api.patch("/measurements/MA1", {"revision": 2, "B2": 3})
    assert r.status_code == 200 and r.json()["nonanswers"] == {}
    assert Measurement.objects.get(measurement_id="MA1").revision == 3


def test_the_audit_chain_holds_after_api_calls(api, world, complete):
    from bip.web.core.audit import verify

    cid = world.citizens["A"].citizen_id
    api.post(f"/citizens/{cid}/measurements", complete(TODAY))
    api.get("/citizens")
    api.patch("/measurements/MA1", {"revision": 7, "B1": 2})
    assert verify().ok


def test_the_readme_curl_example_is_a_valid_create(api, world):
    """README's "Connecting your case-management system" body, sent as curl would send it."""
    import json
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text()
    section = readme.split("## Connecting your case-management system", 1)[1].split("\n## ", 1)[0]
    raw = re.search(r"-d '(\{.*?\})'", section, re.S).group(1)
    body = json.loads(raw.replace("\\\n", ""))
    r = api.post(f"/citizens/{world.citizens['A'].citizen_id}/measurements", body)
    assert r.status_code == 201, r.content
    assert "/api/v1/citizens?status=overdue" in section
    assert api.get("/citizens", status="overdue").status_code == 200
