"""Register uploads (validated, pseudonymised, all or nothing) and analysis runs from the tool."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.web.conftest import CPR_A, CPR_B
from tests.web.insight_fixtures import load_cohort, register_copy

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(db, cohort_dir, insight_dir):
    return load_cohort(cohort_dir)


def _stored_files(root):
    d = root / "registers"
    return sorted(p for p in d.rglob("*") if p.is_file()) if d.exists() else []


def test_bad_register_file_shows_line_errors_and_stores_nothing(
    client, loaded, cohort_dir, insight_dir, tmp_path
):
    from bip.web.insight.models import RegisterUpload

    src = register_copy(cohort_dir, tmp_path / "reg")
    lines = src.read_text().splitlines()
    # line 3 of the file (header = line 1): an impossible month; line 5: employed must be 0/1
    parts = lines[2].split(",")
    lines[2] = ",".join([parts[0], "2016-13", parts[2]])
    parts = lines[4].split(",")
    lines[4] = ",".join([parts[0], parts[1], "7"])
    client.force_login(loaded.users["admin"])
    up = SimpleUploadedFile(
        "employment_months.csv", ("\n".join(lines) + "\n").encode(), content_type="text/csv"
    )
    r = client.post(reverse("insight_registers"), {"table": "employment_months", "file": up})
    assert r.status_code == 400
    problems = r.context["problems"]
    where = {(p.line, p.column) for p in problems}
    assert (3, "month") in where and (5, "employed") in where, problems
    assert all(p.file == "employment_months.csv" for p in problems if p.line in (3, 5))
    html = r.content.decode()
    assert 'id="upload-problems"' in html and "employment_months.csv" in html
    assert RegisterUpload.objects.count() == 0
    assert _stored_files(insight_dir) == []


def test_cpr_register_is_pseudonymised_and_stored(client, world, insight_dir, cohort_dir, tmp_path):
    from bip.web.insight.models import RegisterUpload

    persons = pd.read_parquet(cohort_dir / "persons.parquet").head(2).copy()
    persons.insert(0, "cpr", [CPR_A, CPR_B])
    persons = persons.drop(columns="citizen_id")
    body = persons.to_csv(index=False).encode()
    client.force_login(world.users[("admin", "A")])
    r = client.post(
        reverse("insight_registers"),
        {"table": "persons", "file": SimpleUploadedFile("persons.csv", body)},
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    up = RegisterUpload.objects.get()
    assert up.pseudonymised and up.rows == 2 and up.table == "persons"
    stored = up.path.read_bytes()
    for cpr in (CPR_A, CPR_B):
        assert cpr.encode() not in stored and cpr.replace("-", "").encode() not in stored
    ids = set(pd.read_csv(up.path)["citizen_id"])
    assert ids == {world.citizens["A"].citizen_id, world.citizens["B"].citizen_id}


def test_invalid_cpr_rejects_the_whole_file(client, world, insight_dir, cohort_dir):
    from bip.web.insight.models import RegisterUpload

    persons = (
        pd.read_parquet(cohort_dir / "persons.parquet").head(2).copy().drop(columns="citizen_id")
    )
    persons.insert(0, "cpr", [CPR_A, "321399-1234"])
    client.force_login(world.users[("admin", "A")])
    r = client.post(
        reverse("insight_registers"),
        {
            "table": "persons",
            "file": SimpleUploadedFile("persons.csv", persons.to_csv(index=False).encode()),
        },
    )
    assert r.status_code == 400
    assert [(p.line, p.column) for p in r.context["problems"]] == [(3, "cpr")]
    assert "321399" not in r.content.decode()  # the reason names the line, not the number
    assert RegisterUpload.objects.count() == 0 and _stored_files(insight_dir) == []


def test_analysis_run_end_to_end(client, loaded, cohort_dir, insight_dir, tmp_path):
    from bip.web.insight.current import current_panel
    from bip.web.insight.models import AnalysisRun, RunStatus
    from bip.web.insight.runs import expected_steps, start_run
    from bip.web.insight.uploads import accept_register_file

    for table in ("persons", "employment_months", "benefit_weeks"):
        accept_register_file(
            register_copy(cohort_dir, tmp_path / "reg", table), table, f"{table}.csv"
        )
    panel = current_panel()
    assert panel["job_or_education_52w"].notna().mean() > 0.5  # registers reach the dashboard panel

    client.force_login(loaded.users["analyst"])
    html = client.get(reverse("dashboard")).content.decode()
    assert 'id="outcomes"' in html and 'id="no-registers"' not in html

    run = start_run(loaded.users["analyst"], background=False)
    assert run.status == RunStatus.DONE, run.log
    assert run.steps_done <= expected_steps(run)  # the progress bar never runs past its end
    results = json.loads((run.folder / "results" / "results.json").read_text())
    assert run.fingerprint == results["meta"]["dataset_fingerprint"]
    assert run.n_measurements == results["dataset"]["measurements"] == len(panel)
    assert "employment_months" in run.registers
    r = client.get(reverse("insight_run", args=[run.pk]))
    assert r.status_code == 200
    for name in ("report.html", "results.json", "panel.csv", "panel.dta", "dataset.zip"):
        assert name in r.context["downloads"], name
        d = client.get(reverse("insight_download", args=[run.pk, name]))
        assert d.status_code == 200 and b"".join(d.streaming_content), name
    assert (
        client.get(reverse("insight_run", args=[run.pk]) + "..%2F..%2Fsettings.py").status_code
        == 404
    )
    assert client.get(reverse("insight_download", args=[run.pk, "dataset"])).status_code == 404

    # effectiveness: analysts see shrunken effects with intervals, by id; managers teams only
    a6 = results["a6_caseworkers"]
    assert a6["status"] == "ok"
    r = client.get(reverse("insight_effectiveness") + f"?jobcenter={loaded.jc[0]}")
    html = r.content.decode()
    assert 'id="caution"' in html and 'id="caseworkers"' in html
    rows = r.context["rows"]
    assert rows and [x["caseworker_id"] for x in rows] == sorted(x["caseworker_id"] for x in rows)
    by_id = {e["caseworker_id"]: e for e in a6["effects"]}
    for x in rows:
        if not x["suppressed"]:
            e = by_id[x["caseworker_id"]]
            assert x["value"] == e["effect_shrunk"] and x["lo"] < x["value"] < x["hi"]
            assert abs(x["value"]) <= abs(e["effect"]) + 1e-12  # shrunk towards zero, never away
    client.force_login(loaded.users["manager0"])
    r = client.get(reverse("insight_effectiveness"))
    html = r.content.decode()
    assert r.status_code == 200 and 'id="teams"' in html and 'id="caseworkers"' not in html
    assert not any(e["caseworker_id"] in html for e in a6["effects"])
    assert AnalysisRun.objects.count() == 1


def test_failed_run_keeps_log_and_no_output(loaded, monkeypatch):
    import bip.pipeline
    from bip.web.insight.models import RunStatus
    from bip.web.insight.runs import start_run

    def boom(*a, **k):
        raise RuntimeError("planted failure")

    monkeypatch.setattr(bip.pipeline, "analyze", boom)
    run = start_run(None, background=False)
    assert run.status == RunStatus.FAILED and "planted failure" in run.log
    assert not run.folder.exists() and not run.folder.with_name(f"{run.pk}.tmp").exists()
    # a finished (failed) run does not block the next one


def test_second_run_refused_while_one_is_running(client, loaded):
    from bip.web.insight.models import AnalysisRun, RunStatus

    AnalysisRun.objects.create(status=RunStatus.RUNNING)
    client.force_login(loaded.users["analyst"])
    r = client.post(reverse("insight_runs"))
    assert r.status_code == 302 and AnalysisRun.objects.count() == 1


@pytest.mark.parametrize(
    "role,code", [("caseworker", 403), ("manager", 403), ("admin", 403), ("analyst", 200)]
)
def test_run_pages_are_for_analysts(client, world, insight_dir, role, code):
    client.force_login(world.users[(role, "A")])
    assert client.get(reverse("insight_runs")).status_code == code
    assert client.get(reverse("insight_registers")).status_code == (200 if role == "admin" else 403)


def test_run_of_a_stopped_server_process_does_not_block(loaded, monkeypatch):
    import socket

    import bip.web.insight.runs as runs
    from bip.web.insight.models import AnalysisRun, RunStatus

    dead = AnalysisRun.objects.create(
        status=RunStatus.RUNNING, worker=f"{socket.gethostname()}:999999999"
    )
    monkeypatch.setattr(
        runs, "execute", lambda run_id: None
    )  # the new run itself is not the point here
    new = runs.start_run(None, background=False)
    dead.refresh_from_db()
    assert dead.status == RunStatus.FAILED and "interrupted" in dead.log
    assert new.pk != dead.pk


INSIGHT_SCREENS = {
    "dashboard": {"manager", "analyst"},
    "insight_effectiveness": {"manager", "analyst"},
    "insight_teams": {"manager"},
    "insight_runs": {"analyst"},
    "insight_registers": {"admin"},
}


@pytest.mark.parametrize("role", ["caseworker", "manager", "analyst", "admin"])
def test_insight_screens_by_role(client, world, insight_dir, role):
    from bip.web.core.models import AuditLog

    client.force_login(world.users[(role, "A")])
    for name, allowed in INSIGHT_SCREENS.items():
        before = AuditLog.objects.filter(action="access.denied").count()
        r = client.get(reverse(name))
        if role in allowed:
            assert r.status_code == 200, (role, name, r.status_code)
        else:
            assert r.status_code == 403, (role, name, r.status_code)
            assert AuditLog.objects.filter(action="access.denied").count() == before + 1


def test_effectiveness_says_when_caseworkers_cannot_be_told_apart(client, world, monkeypatch):
    """An estimated spread of true effects of 0 makes every shrunken effect 0 with a zero-width
    interval; the page says the data cannot tell caseworkers apart instead of showing that
    table (seen on the scale-1 synthetic cohort, where A6 estimates the spread as 0)."""
    import types

    from django.utils import timezone

    from bip.results.caseworkers import CaseworkerEffect
    from bip.web.insight import runs

    def results(sd):
        effect = CaseworkerEffect(
            caseworker_id="WA1",
            effect=0.08,
            effect_shrunk=0.0 if sd == 0 else 0.03,
            se=0.05,
            reliability=0.0 if sd == 0 else 0.4,
            n_citizens=40,
            n_measurements=90,
            quartile=4,
            quartile_shrunk=4,
        )
        beyond = types.SimpleNamespace(true_effect_sd=sd, median_citizens_per_caseworker=40.0)
        a6 = types.SimpleNamespace(status="ok", effects=(effect,), beyond=beyond)
        return types.SimpleNamespace(a6_caseworkers=a6)

    run = types.SimpleNamespace(finished_at=timezone.now(), fingerprint="f" * 40)
    client.force_login(world.users[("analyst", "A")])
    for sd, shown in ((0.0, False), (0.03, True)):
        monkeypatch.setattr(runs, "latest_results", lambda sd=sd: (run, results(sd)))
        html = client.get(
            reverse("insight_effectiveness") + "?jobcenter=JCA", HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
        assert ('id="no-spread"' not in html) == shown
        assert ('id="caseworkers"' in html) == shown and ('id="teams"' in html) == shown
        assert 'id="caution"' in html
    monkeypatch.setattr(runs, "latest_results", lambda: (run, results(0.0)))
    html = client.get(
        reverse("insight_effectiveness") + "?jobcenter=JCA", HTTP_ACCEPT_LANGUAGE="da"
    ).content.decode()
    assert "ikke kan skelne dem fra hinanden" in html  # Danish first
