"""The web demo looks alive: data ending this week, registers loaded, one finished analysis run."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from django.urls import reverse

from bip.dataset import open_dataset
from bip.web.demo_live import DEMO_CPRS, DEMO_MIN_HISTORY, LEFT_AFTER_WEEKS, live_dataset

TODAY = dt.date(2026, 12, 3)  # a Thursday; the cohort's last meeting is a Saturday


def _fake_pseudonym(cpr: str) -> str:
    return "demo" + cpr.replace("-", "")


@pytest.fixture(scope="module")
def live(cohort_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("live") / "ds"
    return live_dataset(cohort_dir, out, today=TODAY, pseudonym=_fake_pseudonym)


def _status(last: pd.Series, today: dt.date) -> pd.Series:
    from bip.web.core.selectors.caseload import status_of

    return last.map(lambda d: status_of(d.date(), today))


def test_live_data_end_this_week_with_the_cohort_s_gaps(live, cohort_dir):
    src = open_dataset(cohort_dir).frame("measurements")
    out = open_dataset(live.folder).frame("measurements")
    last = out["measured_on"].max().date()
    assert TODAY - dt.timedelta(days=7) < last <= TODAY, last
    assert (out["measured_on"].dt.date <= TODAY).all()
    assert live.shift_weeks * 7 == (last - src["measured_on"].max().date()).days
    # every kept citizen's meetings are the cohort's, moved by the same whole number of weeks
    # (weekday and gaps unchanged)
    real = out[~out["citizen_id"].str.startswith("demo")]
    moved = src.set_index("measurement_id").loc[real["measurement_id"], "measured_on"]
    delta = real.set_index("measurement_id")["measured_on"] - moved
    assert (delta == pd.Timedelta(weeks=live.shift_weeks)).all()


def test_live_caseload_has_a_realistic_share_due_and_overdue(live):
    m = open_dataset(live.folder).frame("measurements")
    latest = m.groupby("citizen_id")["measured_on"].max()
    weeks = (pd.Timestamp(TODAY) - latest).dt.days / 7
    assert weeks.max() <= LEFT_AFTER_WEEKS  # nobody overdue by years: they have left
    share = _status(latest, TODAY).value_counts(normalize=True)
    # BIP met citizens about every 22 weeks against a 13-week cadence: a good part overdue,
    # some due in the next two weeks, the rest within the cadence
    assert 0.3 <= share["overdue"] <= 0.65, share
    assert 0.03 <= share["due"] <= 0.2, share
    assert share["ok"] >= 0.25, share


def test_live_registers_end_before_today_and_outcomes_are_known_a_year_back(live):
    from bip.panel import build_panel

    ds = open_dataset(live.folder)
    this_week = f"{TODAY.isocalendar()[0]}-W{TODAY.isocalendar()[1]:02d}"
    assert ds.frame("benefit_weeks")["week"].max() == live.register_week < this_week
    assert ds.frame("employment_months")["month"].max() == live.register_month < "2026-12"
    for table, col in (("diagnoses", "diagnosed_on"), ("gp_contacts", "contact_on")):
        assert (ds.frame(table)[col].dt.date < TODAY).all()
    panel = build_panel(ds)
    when = pd.to_datetime(panel["measured_on"])
    old = when < pd.Timestamp(TODAY) - pd.Timedelta(weeks=60)
    recent = when > pd.Timestamp(TODAY) - pd.Timedelta(weeks=40)
    y = panel["job_or_education_52w"]
    assert y[old].notna().mean() > 0.9 and 0.05 < y[old].mean() < 0.4
    assert y[recent].isna().all() and panel.loc[recent, "job_or_education_52w_censored"].all()


def test_demo_cpr_citizens_have_a_real_history(live):
    ds = open_dataset(live.folder)
    m, persons = ds.frame("measurements"), ds.frame("persons").set_index("citizen_id")
    weeks = ds.frame("benefit_weeks")
    assert list(live.demo_citizens) == list(DEMO_CPRS)
    last_cw = m.sort_values(["citizen_id", "measured_on"]).groupby("citizen_id")["caseworker_id"]
    for cpr, cid in live.demo_citizens.items():
        mine = m[m["citizen_id"] == cid]
        assert len(mine) >= 4, (cpr, len(mine))  # a history, not one measurement
        assert last_cw.last()[cid] == live.demo_caseworker
        assert (weeks["citizen_id"] == cid).sum() > 52 * 5  # registers back to before the start
        born = 1900 + int(cpr[4:6])
        assert persons.loc[cid, "birth_year"] == born and persons.loc[cid, "sex"] == "f"
    # the three are in different cadence states where the caseworker's caseload has them
    latest = m[m["citizen_id"].isin(live.demo_citizens.values())].groupby("citizen_id")
    states = set(_status(latest["measured_on"].max(), TODAY))
    assert len(states) >= 2, states


@pytest.mark.parametrize("today", [TODAY + dt.timedelta(days=k) for k in range(7)])
def test_demo_cpr_citizens_have_a_history_whatever_the_weekday(cohort_dir, tmp_path, today):
    # Every weekday moves the calendar differently; on Saturdays (the cohort's last meeting is
    # one) the longest history in the "due" state used to be 2 measurements.
    live = live_dataset(cohort_dir, tmp_path / "ds", today=today, pseudonym=_fake_pseudonym)
    m = open_dataset(live.folder).frame("measurements")
    counts = {cpr: int((m["citizen_id"] == cid).sum()) for cpr, cid in live.demo_citizens.items()}
    assert len(counts) == len(DEMO_CPRS) and min(counts.values()) >= DEMO_MIN_HISTORY, counts


@pytest.mark.django_db
def test_prepare_demo_loads_registers_and_finishes_one_run(client, cohort_dir, insight_dir):
    from bip.dataset import REGISTER_TABLES
    from bip.web.core.models import Citizen, Measurement
    from bip.web.demo import prepare_demo
    from bip.web.identity import citizen_id_for
    from bip.web.insight.models import AnalysisRun, RegisterUpload, RunStatus
    from bip.web.insight.runs import latest_results

    said: list[str] = []
    info = prepare_demo(cohort_dir, insight_dir, echo=said.append)
    assert {u.table for u in RegisterUpload.objects.filter(active=True)} == set(REGISTER_TABLES)
    run = AnalysisRun.objects.get()
    assert run.status == RunStatus.DONE, run.log
    assert latest_results()[1].dataset.outcome_coverage is not None  # registers were in it
    for cpr in DEMO_CPRS:
        c = Citizen.objects.get(citizen_id=citizen_id_for(cpr))
        assert c.measurements.count() >= 4 and c.caseworker.caseworker_id == info["caseworker"]
    assert Measurement.objects.order_by("-measured_on").first().measured_on > dt.date.today() - (
        dt.timedelta(days=7)
    )

    # what the manager sees at the first login: effects from that run, register outcomes
    from django.contrib.auth import get_user_model

    manager = get_user_model().objects.get(username="demo-leder")
    client.force_login(manager)
    page = client.get(reverse("insight_effectiveness")).content.decode()
    assert 'id="no-run"' not in page and 'id="teams"' in page
    page = client.get(reverse("dashboard")).content.decode()
    assert 'id="outcomes"' in page and 'id="no-registers"' not in page

    # a second start imports nothing and runs nothing more
    n = Measurement.objects.count()
    prepare_demo(cohort_dir, insight_dir, echo=said.append)
    assert Measurement.objects.count() == n and AnalysisRun.objects.count() == 1
    assert RegisterUpload.objects.count() == len(REGISTER_TABLES)
