"""Drafts of the measurement form: saved as the caseworker goes, restored, deleted on save."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from bip.web.core.models import AuditLog, Measurement, MeasurementDraft
from bip.web.exchange import export_db

DAY = dt.date(2024, 4, 8)


def _new(world, part="both"):
    return reverse("measurement_new", args=[world.citizens["A"].citizen_id, part])


def test_autosave_stores_the_answers_and_audits_the_fields_only(login, world):
    client = login("caseworker")
    r = client.post(_new(world), {"draft": "1", "measured_on": "2024-04-08", "B1": "4", "B2": "dk"})
    assert r.status_code == 204
    d = MeasurementDraft.objects.get()
    assert d.data == {"measured_on": ["2024-04-08"], "B1": ["4"], "B2": ["dk"]}
    assert d.step == 1 and d.user == world.users[("caseworker", "A")] and d.measurement is None
    entry = AuditLog.objects.filter(action="measurement.draft").get()
    assert entry.object_id == world.citizens["A"].citizen_id
    assert "B1, B2" in entry.detail and "4" not in entry.detail.split(":", 1)[1]
    # a second save replaces the draft (one per user, citizen and form)
    client.post(_new(world), {"draft": "2", "B1": "5", "S1": ["5", "13"], "nonsense": "x"})
    d = MeasurementDraft.objects.get()
    assert d.data == {"B1": ["5"], "S1": ["5", "13"]} and d.step == 2


def test_the_form_opens_with_the_draft_at_its_step(login, world):
    client = login("caseworker")
    client.post(_new(world), {"draft": "2", "B1": "4", "S1": ["13"], "idempotency_key": "k9"})
    page = client.get(_new(world)).content.decode()
    assert 'name="B1" value="4"' in page and "checked" in page.split('name="B1" value="4"')[1][:40]
    assert 'value="k9"' in page  # the same form: a second submit still saves once
    assert 'id="draft-note"' in page
    assert 'id="step-1" data-step="1" aria-labelledby="h-step-1" hidden' in page


def test_step_buttons_without_script_save_and_show_the_other_step(login, world):
    client = login("caseworker")
    r = client.post(_new(world), {"goto": "2", "B1": "3"})
    assert r.status_code == 302 and r["Location"] == _new(world)
    assert MeasurementDraft.objects.get().step == 2
    page = client.get(_new(world)).content.decode()
    assert 'id="step-2" data-step="2" aria-labelledby="h-step-2">' in page


def test_saving_the_measurement_deletes_the_draft(login, world, full_values):
    client = login("caseworker")
    client.post(_new(world), {"draft": "1", "B1": "4"})
    r = client.post(_new(world), {**full_values(DAY), "idempotency_key": "k1", "save": "1"})
    assert r.status_code == 302
    assert Measurement.objects.filter(idempotency_key="k1").exists()
    assert not MeasurementDraft.objects.exists()


def test_a_refused_save_keeps_the_answers_as_the_draft_and_links_each_error(login, world):
    client = login("caseworker")
    r = client.post(_new(world), {"measured_on": "2024-04-08", "B1": "4", "S2": "3", "save": "1"})
    assert r.status_code == 400
    page = r.content.decode()
    summary = page.split('id="error-summary"')[1].split("</div>")[0]
    assert '<a href="#item-B2">' in summary and '<a href="#item-S1">' in summary
    assert '<a href="#item-B1">' not in summary  # answered
    assert 'id="item-B2"' in page and 'id="item-S1"' in page  # every anchor has its question
    assert MeasurementDraft.objects.get().data["B1"] == ["4"]
    assert " hidden" not in page.split('id="step-1"')[1].split(">")[0]  # every step shown


def test_discard_deletes_the_draft_audited(login, world):
    client = login("caseworker")
    client.post(_new(world), {"draft": "1", "B1": "4"})
    r = client.post(_new(world), {"discard": "1"})
    assert r.status_code == 302 and not MeasurementDraft.objects.exists()
    assert AuditLog.objects.filter(action="measurement.draft_discard").count() == 1


def test_an_edit_draft_older_than_someone_elses_save_is_discarded(login, world):
    m = world.measurements["A"]
    url = reverse("measurement_edit", args=[m.measurement_id, "both"])
    client = login("caseworker")
    client.post(url, {"draft": "1", "revision": str(m.revision), "B1": "5"})
    assert MeasurementDraft.objects.get().measurement == m
    assert 'id="draft-note"' in client.get(url).content.decode()
    Measurement.objects.filter(pk=m.pk).update(revision=m.revision + 1)
    page = client.get(url).content.decode()
    assert 'id="draft-note"' not in page and not MeasurementDraft.objects.exists()


@pytest.mark.parametrize("part", ["citizen", "nonsense"])
def test_no_draft_for_the_kiosk_part_or_unknown_parts(login, world, part):
    client = login("caseworker")
    client.post(_new(world, part), {"draft": "1", "B1": "4"})
    assert not MeasurementDraft.objects.exists()


def test_drafts_are_never_exported(login, world, tmp_path):
    client = login("caseworker")
    client.post(_new(world), {"draft": "1", "B1": "4", "B2": "2"})
    out = export_db(tmp_path / "out", "csv")
    assert sorted(p.name for p in out.iterdir() if p.suffix == ".csv") == [
        "caseworkers.csv",
        "citizens.csv",
        "jobcenters.csv",
        "measurements.csv",
    ]
    assert len(Measurement.objects.all()) == 2  # the draft is no measurement


def test_erasing_the_citizen_deletes_their_drafts(login, world):
    from bip.web.core.services.retention import erase_citizens

    client = login("caseworker")
    client.post(_new(world), {"draft": "1", "B1": "4"})
    assert MeasurementDraft.objects.count() == 1
    erase_citizens([world.citizens["A"].pk])
    assert not MeasurementDraft.objects.exists()
