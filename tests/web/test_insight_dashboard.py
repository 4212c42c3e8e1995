"""The jobcentre dashboard: figures against independent computations, scope, suppression, filters."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from django.urls import reverse
from scipy import stats

from tests.analysis.cr2_sim import brute_cr2
from tests.web.insight_fixtures import load_cohort

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(db, cohort_dir, insight_dir):
    return load_cohort(cohort_dir)


def _raw(path):
    """The cohort's measurements straight from the files, with the jobcentre of each citizen."""
    m = pd.read_parquet(path / "measurements.parquet")
    c = pd.read_parquet(path / "citizens.parquet")[["citizen_id", "jobcenter_id"]]
    return m.merge(c, on="citizen_id").sort_values(["citizen_id", "measured_on", "measurement_id"])


def test_figures_match_independent_computation(loaded, cohort_dir):
    """Cadence, no-activity share, mix, changes from plain pandas over the files; the A4 cells
    against statsmodels OLS with citizen-clustered errors on the panel of the original files."""
    import statsmodels.formula.api as smf

    from bip.dataset import open_dataset
    from bip.instrument import S1_GROUP, combination_code
    from bip.panel import build_panel
    from bip.web.insight import figures
    from bip.web.insight.current import current_panel

    jc = loaded.jc[0]
    f = figures.jobcenter_figures(current_panel(), jc, today=dt.date(2017, 1, 1))
    mine = f["jobcenter"]
    m = _raw(cohort_dir)
    m = m[m["jobcenter_id"] == jc].copy()
    m["prev_on"] = m.groupby("citizen_id")["measured_on"].shift()
    m["prev_cw"] = m.groupby("citizen_id")["caseworker_id"].shift()
    rep = m[m["prev_on"].notna()]
    weeks = (pd.to_datetime(rep["measured_on"]) - pd.to_datetime(rep["prev_on"])).dt.days / 7
    assert mine["cadence"]["within_13w"]["value"] == pytest.approx((weeks <= 13).mean())
    assert mine["cadence"]["mean_weeks"]["value"] == pytest.approx(weeks.mean())
    assert mine["changes"]["share_of_repeats"]["value"] == pytest.approx(
        (rep["caseworker_id"] != rep["prev_cw"]).mean()
    )

    def code(row):
        ticked = [n for n in range(1, 24) if row[f"S1_{n}"] == 1]
        if not any(n in S1_GROUP for n in ticked) and 22 not in ticked:
            return None  # unknown: no activity ticked and not "no activities"
        return (
            combination_code([n for n in ticked if n in S1_GROUP])
            if any(n in S1_GROUP for n in ticked)
            else "0000"
        )

    m["code"] = [code(r) for _, r in m.iterrows()]
    end = pd.Timestamp(m["measured_on"].max())
    q = m[(pd.to_datetime(m["measured_on"]) > end - pd.Timedelta(days=91)) & m["code"].notna()]
    assert mine["no_activity"]["value"] == pytest.approx((q["code"] == "0000").mean())
    known = m[m["code"].notna()]
    for c, share in known["code"].value_counts(normalize=True).items():
        cell = mine["mix"][c]
        if not cell["suppressed"]:
            assert cell["value"] == pytest.approx(share), c

    panel = build_panel(open_dataset(cohort_dir))
    p = panel[
        (panel["jobcenter_id"] == jc)
        & panel["is_repeat"]
        & panel["combination"].notna()
        & panel["d_B_avg"].notna()
    ].copy()
    p["code"] = p["combination"].astype(str)
    p["d"] = p["d_B_avg"].astype(float)
    fit = smf.ols("d ~ 0 + C(code)", data=p).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(p["citizen_id"])[0]}, use_t=True
    )
    # The dashboard's intervals are A4's: CR2 by citizen with each code's Bell-McCaffrey df,
    # checked here against a brute-force N x N build (independent of the engine's cr2).
    X = np.asarray(fit.model.exog)
    _, V, df = brute_cr2(X, p["d"].to_numpy(), pd.factorize(p["citizen_id"])[0])
    se = np.sqrt(np.diag(V))
    q = stats.t.ppf(0.975, df)
    ci = pd.DataFrame({0: fit.params - q * se, 1: fit.params + q * se}, index=fit.params.index)
    checked = 0
    for name, b in fit.params.items():
        c = name.split("[")[1].rstrip("]")
        cell = mine["progression"]["B_avg"][c]
        if cell["suppressed"]:
            continue
        assert cell["value"] == pytest.approx(b, abs=1e-9), c
        assert cell["lo"] == pytest.approx(ci.loc[name, 0], rel=1e-6), c
        assert cell["hi"] == pytest.approx(ci.loc[name, 1], rel=1e-6), c
        checked += 1
    assert checked >= 5


def test_small_cells_are_suppressed(loaded):
    from bip.web.insight import figures
    from bip.web.insight.current import current_panel

    f = figures.jobcenter_figures(current_panel(), loaded.jc[0])["jobcenter"]
    small = [c for c, cell in f["mix"].items() if 0 < cell["n_citizens"] < 5]
    big = [c for c, cell in f["mix"].items() if cell["n_citizens"] >= 5]
    assert big
    for c in small:
        assert f["mix"][c]["suppressed"] and f["mix"][c]["value"] is None
    # the 16 shares add up to 1, so one more code is withheld ("x"): the smallest with 5 or more
    withheld = [c for c in big if f["mix"][c].get("mark") == "x"]
    assert withheld == ([min(big, key=lambda c: (f["mix"][c]["n_citizens"], c))] if small else [])
    for c in withheld:
        assert (
            f["mix"][c]["suppressed"] and f["mix"][c]["value"] is None and f["mix"][c]["n"] is None
        )
    for c in set(big) - set(withheld):
        assert not f["mix"][c]["suppressed"] and f["mix"][c]["value"] is not None
    for item in ("B_avg", "S_avg"):
        for c, cell in f["progression"][item].items():
            if 0 < cell["n_citizens"] < 5:
                assert cell["value"] is None and cell["lo"] is None and cell["hi"] is None, (
                    item,
                    c,
                )


def test_one_citizen_world_page_shows_only_suppressed_cells(client, world, insight_dir):
    """The small two-citizen world: every citizen-based figure on the page is "< 5"."""
    client.force_login(world.users[("manager", "A")])
    r = client.get(reverse("dashboard"))
    assert r.status_code == 200
    html = r.content.decode()
    row = html.split('data-code="0000"')[1].split("</tr>")[0]
    assert "&lt; 5" in row and "100 %" not in row
    assert 'id="no-registers"' in html


def test_manager_scope_and_filters(client, loaded):
    from bip.web.core.models import Caseworker, Jobcenter
    from bip.web.insight.models import Team

    a, b = loaded.jc[0], loaded.jc[1]
    client.force_login(loaded.users["manager0"])
    r = client.get(reverse("dashboard"))
    assert (
        r.status_code == 200
        and f"<h1>{Jobcenter.objects.get(jobcenter_id=a)}" in r.content.decode()
    )
    assert client.get(reverse("dashboard") + f"?jobcenter={b}").status_code == 404
    other = Team.objects.create(jobcenter=Jobcenter.objects.get(jobcenter_id=b), name="other")
    assert client.get(reverse("dashboard") + f"?team={other.pk}").status_code == 404
    assert client.get(reverse("insight_effectiveness") + f"?jobcenter={b}").status_code == 404

    # a team of the own jobcentre narrows the figures to its caseworkers' measurements
    cws = list(Caseworker.objects.filter(jobcenter__jobcenter_id=a).order_by("caseworker_id")[:5])
    r = client.post(
        reverse("insight_teams"),
        {"name": "Team Nord", "caseworkers": [c.caseworker_id for c in cws]},
    )
    assert r.status_code == 302
    team = Team.objects.get(name="Team Nord")
    assert set(team.caseworkers.all()) == set(cws)
    r = client.get(reverse("dashboard") + f"?team={team.pk}&start=2015-01-01&end=2015-12-31")
    assert r.status_code == 200
    f = r.context["f"]
    from bip.web.core.models import Measurement

    expected = Measurement.objects.filter(
        caseworker__in=cws,
        measured_on__gte=dt.date(2015, 1, 1),
        measured_on__lte=dt.date(2015, 12, 31),
    ).count()
    assert f["n_measurements"] == expected
    assert (
        r.context["every"]["n_measurements"]
        == Measurement.objects.filter(
            measured_on__gte=dt.date(2015, 1, 1), measured_on__lte=dt.date(2015, 12, 31)
        ).count()
    )
    r = client.get(reverse("dashboard") + "?start=2016-01-01&end=2015-01-01")
    html = r.content.decode()
    assert r.status_code == 200 and 'role="alert"' in html


def test_svg_has_no_external_reference(client, loaded):
    client.force_login(loaded.users["analyst"])
    html = client.get(reverse("dashboard")).content.decode()
    assert html.count("<svg") >= 3
    assert (
        "http://" not in html.replace("http://www.w3.org/2000/svg", "") and "https://" not in html
    )
    assert "<script" not in html


def test_panel_is_rebuilt_when_data_change(loaded):
    from bip.web.core.models import Measurement
    from bip.web.insight.current import current_panel

    p1 = current_panel()
    assert current_panel() is p1  # cached
    # A measurement with every S item answered, so its S average is defined.
    full = {f"S{i}__isnull": False for i in range(2, 13)}
    m = Measurement.objects.filter(**full).order_by("id").first()
    m.S2 = 5 if m.S2 != 5 else 4
    m.save()
    p2 = current_panel()
    assert p2 is not p1
    s_avg = sum(getattr(m, f"S{i}") for i in range(2, 13)) / 11
    assert float(
        p2.loc[p2["measurement_id"] == m.measurement_id, "S_avg"].iloc[0]
    ) == pytest.approx(s_avg)


def test_stale_panel_served_while_new_one_builds(transactional_db, world, insight_dir, monkeypatch):
    """After a change a request gets the previous panel at once; a thread builds the new one."""
    import time

    from bip.web.core.models import Measurement
    from bip.web.insight import current

    monkeypatch.setattr(current, "SERVE_STALE", True)
    v1, p1, _, fresh = current.panel_state()
    assert fresh and len(p1) == 2
    m = world.measurements["A"]
    m.S2 = 5 if m.S2 != 5 else 4
    m.save()
    v2, p2, _, fresh = current.panel_state()
    assert v2 == v1 and p2 is p1 and not fresh  # stale, at once
    for _ in range(300):
        v3, p3, _, fresh = current.panel_state()
        if fresh:
            break
        time.sleep(0.1)
    assert fresh and v3 != v1
    m = Measurement.objects.get(pk=m.pk)
    s_avg = sum(getattr(m, f"S{i}") for i in range(2, 13)) / 11
    assert float(
        p3.loc[p3["measurement_id"] == m.measurement_id, "S_avg"].iloc[0]
    ) == pytest.approx(s_avg)


def test_activity_mix_withholds_a_second_code_and_the_page_shows_x():
    """One code with 3 citizens: the shares add up to 1, so it could be worked out from the
    other 15; the smallest code with 5 or more citizens (0100, 6) is withheld with it."""
    from django.template import Context, Template

    from bip.web.insight import figures

    codes = ["1000"] * 10 + ["0100"] * 6 + ["0010"] * 3 + ["0000"] * 20
    p = pd.DataFrame({"citizen_id": [f"c{i}" for i in range(len(codes))], "combination": codes})
    mix = figures.activity_mix(p)
    assert mix["0010"]["suppressed"] and mix["0010"].get("mark") is None
    assert mix["0100"]["suppressed"] and mix["0100"]["mark"] == "x" and mix["0100"]["value"] is None
    assert mix["1000"]["value"] == pytest.approx(10 / 39) and not mix["1000"]["suppressed"]
    assert mix["0001"] == {
        "value": 0.0,
        "n_citizens": 0,
        "suppressed": False,
        "n": 0,
    }  # nobody: a true 0, nothing to hide
    html = Template("{% load insight %}{{ a|pct }}|{{ a|ncit }}|{{ b|pct }}").render(
        Context({"a": mix["0100"], "b": mix["0010"]})
    )
    assert html.count(">x</span>") == 2 and "&lt; 5" in html.split("|")[2]
    del codes[16:19]  # without the 3 citizens of 0010 no code is small: nothing withheld
    p = pd.DataFrame({"citizen_id": [f"c{i}" for i in range(len(codes))], "combination": codes})
    assert not any(c.get("mark") for c in figures.activity_mix(p).values())
