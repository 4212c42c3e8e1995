"""Recording measurements: validation, parts saved separately, double submit, concurrent edits."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from bip.instrument import B_ITEMS, S_ITEMS
from bip.web.core.models import AuditLog, Measurement

DAY = dt.date(2024, 4, 8)


def _new(client, world, part="both"):
    return reverse("measurement_new", args=[world.citizens["A"].citizen_id, part])


def test_full_measurement_is_saved_with_version_and_values(login, world, full_values):
    client = login("caseworker")
    data = full_values(DAY, b=4, s=2)
    data["B3"] = "dk"
    data["S12"] = "wa"
    data["idempotency_key"] = "k1"
    r = client.post(_new(client, world), data)
    assert r.status_code == 302
    m = Measurement.objects.get(idempotency_key="k1")
    assert m.measured_on == DAY and m.questionnaire_version == 1
    assert m.caseworker == world.caseworkers["A"]
    assert m.B1 == 4 and m.B3 is None and m.nonanswers == {"B3": "dont_know", "S12": "wont_answer"}
    assert m.S2 == 2 and m.S12 is None
    assert m.B10_status == "searching" and m.B10_internet == 1 and m.B10_newspapers == 0
    assert m.B11 == 130.0
    assert m.ticked == [5, 9, 13] and m.combination == "1001"
    assert AuditLog.objects.filter(action="measurement.create", object_id=m.measurement_id).exists()


def test_double_submit_creates_one_measurement(login, world, full_values):
    client = login("caseworker")
    data = {**full_values(DAY), "idempotency_key": "same-form"}
    before = Measurement.objects.count()
    r1 = client.post(_new(client, world), data)
    r2 = client.post(_new(client, world), data)
    assert r1.status_code == r2.status_code == 302
    assert Measurement.objects.count() == before + 1
    assert AuditLog.objects.filter(action="measurement.resubmit").count() == 1


def test_idempotency_key_is_decided_by_the_unique_index(world, full_values):
    """A second create with the same key (e.g. two requests racing) returns the first measurement."""
    from bip.web.core import selectors, services
    from bip.web.core.forms import MeasurementForm

    form = MeasurementForm(
        full_values(DAY), instrument=selectors.instrument(), parts={"citizen", "caseworker"}
    )
    assert form.is_valid(), form.errors
    c, cw, u = world.citizens["A"], world.caseworkers["A"], world.users[("caseworker", "A")]
    args = {
        "citizen": c,
        "caseworker_id": cw.pk,
        "version": 1,
        "idempotency_key": "race",
        "user": u,
    }
    m1, created1 = services.measurement_create(values=form.values(), **args)
    m2, created2 = services.measurement_create(values=form.values(), **args)
    assert created1 and not created2 and m1.pk == m2.pk
    assert Measurement.objects.filter(idempotency_key="race").count() == 1


def test_missing_answers_are_refused_with_messages_in_danish_and_english(login, world, full_values):
    client = login("caseworker")
    data = full_values(DAY)
    del data["B4"]
    data["S1"] = ["22", "5"]
    data["B10_status"] = "not_searching"
    before = Measurement.objects.count()
    r = client.post(_new(client, world), data, HTTP_ACCEPT_LANGUAGE="da")
    assert r.status_code == 400
    html = r.content.decode()
    assert "Vælg et svar" in html
    assert "“Ingen aktiviteter” og “Ved ikke” kan ikke kombineres" in html
    assert "Kanaler kan kun" in html
    client.cookies["django_language"] = "en"
    r = client.post(_new(client, world), data)
    html = r.content.decode()
    assert "Choose an answer" in html and "cannot be combined" in html
    assert Measurement.objects.count() == before


def test_future_date_and_out_of_range_wage_are_refused(login, world, full_values):
    client = login("caseworker")
    data = full_values(dt.date.today() + dt.timedelta(days=3))
    data["B11"] = "99999"
    data["B2"] = "7"
    r = client.post(_new(client, world), data, HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 400
    form = r.context["form"]
    assert set(form.errors) >= {"measured_on", "B11", "B2"}


def test_parts_saved_separately(login, world, full_values):
    """The citizen's part on the kiosk screen, then the caseworker's part on their own form."""
    client = login("caseworker")
    full = full_values(DAY)
    citizen_part = {k: v for k, v in full.items() if not k.startswith("S")}
    client.post(reverse("kiosk_start", args=[world.citizens["A"].citizen_id]))
    r = client.post(reverse("kiosk"), citizen_part)
    assert r.status_code == 302 and r["Location"] == reverse("kiosk_done")
    r = client.post(reverse("kiosk_exit"), {"password": world.password})
    m = Measurement.objects.exclude(pk=world.measurements["A"].pk).get(citizen=world.citizens["A"])
    assert r["Location"] == reverse("measurement_edit", args=[m.measurement_id, "caseworker"])
    assert m.has_citizen_part and not m.has_caseworker_part and m.S1_5 is None and m.S2 is None
    assert m.measured_on == dt.date.today()  # the kiosk's date, not one the tablet chose
    cw_part = {k: v for k, v in full.items() if k.startswith("S") or k == "measured_on"}
    r = client.post(
        reverse("measurement_edit", args=[m.measurement_id, "caseworker"]),
        {**cw_part, "revision": "1"},
    )
    assert r.status_code == 302
    m.refresh_from_db()
    assert m.has_citizen_part and m.has_caseworker_part and m.revision == 2
    assert m.B1 == 3 and m.S2 == 4 and m.combination == "1001"


def test_concurrent_edit_second_saver_is_told_to_reload(login, world, full_values):
    client = login("caseworker")
    m = world.measurements["A"]
    url = reverse("measurement_edit", args=[m.measurement_id, "both"])
    # both open the form at revision 1
    first = {**full_values(m.measured_on, b=5, s=5), "revision": "1"}
    second = {**full_values(m.measured_on, b=1, s=1), "revision": "1"}
    assert client.post(url, first).status_code == 302
    r = client.post(url, second, HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 409
    assert "reload" in r.content.decode()
    m.refresh_from_db()
    assert m.revision == 2 and all(getattr(m, i) == 5 for i in (*B_ITEMS, *S_ITEMS))
    assert AuditLog.objects.filter(action="measurement.conflict").count() == 1


def test_edit_form_shows_stored_answers(login, world):
    client = login("caseworker")
    m = world.measurements["A"]
    r = client.get(reverse("measurement_edit", args=[m.measurement_id, "both"]))
    assert r.status_code == 200
    form = r.context["form"]
    assert (
        form.initial["B1"] == "1" and form.initial["S1"] == [22] and form.initial["revision"] == 1
    )


def test_citizen_page_shows_new_measurement_in_chart(login, world, full_values):
    client = login("caseworker")
    c = world.citizens["A"]
    html = client.get(reverse("citizen", args=[c.citizen_id])).content.decode()
    assert html.count("<circle") > 0
    before = html.count("<circle")
    client.post(_new(client, world), {**full_values(DAY), "idempotency_key": "chart"})
    html = client.get(reverse("citizen", args=[c.citizen_id])).content.decode()
    assert html.count("<circle") > before
    assert "1001" in html  # activities over time as JOSH
    assert "B3–S6" in html  # paired items side by side


def test_transfer_is_recorded_as_change_with_warning(login, world):
    from bip.web.core.models import Assignment

    client = login("caseworker")
    c = world.citizens["A"]
    html = client.get(
        reverse("transfer", args=[c.citizen_id]), HTTP_ACCEPT_LANGUAGE="da"
    ).content.decode()
    assert "22 %" in html
    r = client.post(
        reverse("transfer", args=[c.citizen_id]),
        {"caseworker": world.caseworkers["A2"].pk, "started_on": "2024-05-01", "confirm": "on"},
    )
    assert r.status_code == 302
    a = Assignment.objects.filter(citizen=c).last()
    assert (
        a.is_change
        and a.previous == world.caseworkers["A"]
        and a.caseworker == world.caseworkers["A2"]
    )
    c.refresh_from_db()
    assert c.caseworker == world.caseworkers["A2"]
    html = client.get(reverse("citizen", args=[c.citizen_id])).content.decode()
    assert "WA2" in html and "2024-05-01" in html


def test_caseload_status(login, world):
    from bip.web.core.selectors import status_of

    today = dt.date(2024, 6, 1)
    assert status_of(None, today) == "never"
    assert status_of(today - dt.timedelta(weeks=14), today) == "overdue"
    assert status_of(today - dt.timedelta(weeks=12), today) == "due"
    assert status_of(today - dt.timedelta(weeks=4), today) == "ok"
    client = login("caseworker")
    r = client.get(reverse("caseload"))
    rows = r.context["rows"]
    assert [row.citizen_id for row in rows] == [world.citizens["A"].citizen_id]
    assert rows[0].status == "overdue" and rows[0].combination == "0000"
