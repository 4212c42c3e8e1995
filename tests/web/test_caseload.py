"""The caseload page: rows against a reference built measurement by measurement, and its cost.

``selectors.caseload`` reads the newest measurement and its JOSH code from the citizen row,
where core/newest.py keeps them (computed in the database, one number per measurement decoded
through ``combination_code``); the reference here uses the model's own ``combination``
property and plain Python, so the two are independent. Runs on SQLite and, in
tests/web/test_postgres.py, on PostgreSQL (where the newest-measurement query differs).
"""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.urls import reverse

from bip.instrument import NO_ACTIVITY_OPTION, S1_GROUP, S1_OPTIONS

TODAY = dt.date(2024, 6, 3)
PAGE_SIZE = 50  # selectors.PAGE_SIZE, written out so that a change is seen here


def _ticks(rng: random.Random) -> dict[int, int] | None:
    """S1 answers of one measurement: not filled in, or a mix that covers every code path."""
    kind = rng.choice(["none", "activities", "no_activity", "dont_know", "activities"])
    if kind == "none":
        return None
    ticked = set()
    if kind == "activities":
        ticked = set(rng.sample(sorted(S1_GROUP), rng.randint(1, 4)))
    elif kind == "no_activity":
        ticked = {NO_ACTIVITY_OPTION}
    else:
        ticked = {23}
    return {n: int(n in ticked) for n in S1_OPTIONS}


def _make_citizens(jc, caseworkers, n: int, seed: int = 7):
    """``n`` citizens with 0-4 measurements each, several on the same day (ties go to the later id)."""
    from bip.web.core.models import Citizen, Measurement

    rng = random.Random(seed)
    citizens = []
    for k in range(n):
        cw = caseworkers[k % len(caseworkers)] if k % 9 else None  # some without a caseworker
        c = Citizen.objects.create(
            citizen_id=f"{seed:02d}cit{k:04d}" + "f" * 50, jobcenter=jc, caseworker=cw
        )
        citizens.append(c)
        days = [TODAY - dt.timedelta(days=rng.randint(0, 200)) for _ in range(rng.randint(0, 4))]
        if days and rng.random() < 0.3:
            days.append(max(days))  # a second measurement on the newest day
        for j, day in enumerate(days):
            m = Measurement(
                measurement_id=f"m{seed}-{k}-{j}",
                citizen=c,
                caseworker=cw or caseworkers[0],
                measured_on=day,
            )
            for opt, v in (_ticks(rng) or {}).items():
                setattr(m, f"S1_{opt}", v)
            m.save()
    return citizens


def _reference(citizens) -> dict[str, tuple]:
    from bip.web.core.selectors import status_of

    out = {}
    for c in citizens:
        ms = sorted(c.measurements.all(), key=lambda m: (m.measured_on, m.id))
        last = ms[-1] if ms else None
        day = last.measured_on if last else None
        name = (
            c.caseworker.user.username
            if c.caseworker and c.caseworker.user_id
            else c.caseworker.caseworker_id
            if c.caseworker
            else ""
        )
        out[c.citizen_id] = (name, day, status_of(day, TODAY), last.combination if last else None)
    return out


def test_caseload_rows_match_a_measurement_by_measurement_reference(world):
    from bip.web.core.models import Citizen
    from bip.web.core.selectors import caseload

    jc = world.jc["A"]
    cws = [world.caseworkers["A"], world.caseworkers["A2"]]
    citizens = _make_citizens(jc, cws, 120)
    rows = caseload(Citizen.objects.filter(pk__in=[c.pk for c in citizens]), today=TODAY)
    want = _reference(citizens)
    got = {r.citizen_id: (r.caseworker, r.last, r.status, r.combination) for r in rows}
    assert got == want
    # every kind of activity answer occurs, so each branch of the code was compared
    codes = {v[3] for v in want.values()}
    assert None in codes and "0000" in codes and len(codes - {None, "0000"}) >= 5
    assert {v[2] for v in want.values()} == {"never", "overdue", "due", "ok"}
    # order: overdue (oldest first), never measured, due, ok
    order = {"overdue": 0, "never": 1, "due": 2, "ok": 3}
    keys = [(order[r.status], r.last or dt.date.min) for r in rows]
    assert keys == sorted(keys)
    assert all(r.weeks == ((TODAY - r.last).days // 7 if r.last else None) for r in rows)


def test_caseload_status_filter_in_the_database_keeps_the_rows_of_that_status(world):
    """The API's ``?status=`` filter runs in the database: for every status (and an unknown
    one) it must give exactly the rows of the full list with that status, in the same order."""
    from bip.web.core.fieldcrypt import encrypt
    from bip.web.core.models import Citizen
    from bip.web.core.selectors import caseload

    jc = world.jc["A"]
    citizens = _make_citizens(jc, [world.caseworkers["A"]], 80, seed=11)
    qs = Citizen.objects.filter(pk__in=[c.pk for c in citizens])
    qs.update(name_enc=encrypt("Anna Borgersen"))
    full = caseload(qs, today=TODAY)
    assert {r.status for r in full} == {"never", "overdue", "due", "ok"}
    assert {r.name for r in full} == {"Anna Borgersen"}  # names=True decrypts
    for status in ("never", "overdue", "due", "ok", "soon"):
        got = caseload(qs, today=TODAY, status=status, names=False)
        assert [r.citizen_id for r in got] == [r.citizen_id for r in full if r.status == status]
        assert all(r.name == "" for r in got)


@pytest.mark.parametrize("n", [5, 60])
def test_caseload_page_cost_does_not_grow_with_citizens(login, world, django_assert_num_queries, n):
    """A fixed number of queries whatever the caseload's size (session, user with role,
    the counts, the page's rows with their caseworker names and newest measurements (kept on
    the citizen row), the audit entry with its chain head locked and moved on, and the
    transaction)."""
    _make_citizens(world.jc["A"], [world.caseworkers["A"], world.caseworkers["A2"]], n, seed=n)
    client = login("caseworker")
    with django_assert_num_queries(9):
        r = client.get(reverse("caseload") + "?scope=all")
    assert r.status_code == 200
    assert len(r.context["rows"]) == min(n + 1, PAGE_SIZE)
    assert r.context["result"].total == n + 1


def test_saving_a_measurement_takes_seventeen_queries(
    login, world, full_values, django_assert_num_queries
):
    """Session, user (with role and caseworker link), citizen, questionnaire version, the
    service's savepoint, the citizen row locked, the insert in its own savepoint, the citizen's
    newest measurement refreshed (core/newest.py), the deletion of the form's draft, the audit
    entry with its chain head (read locked, moved on), and the transaction: 17 round trips."""
    client = login("caseworker")
    data = {**full_values(TODAY), "idempotency_key": "q1"}
    with django_assert_num_queries(17):
        r = client.post(
            reverse("measurement_new", args=[world.citizens["A"].citizen_id, "both"]), data
        )
    assert r.status_code == 302


def test_caseload_rows_escape_and_quote_unusual_ids(login, world):
    """Ids from an imported dataset are opaque text and may hold "/", "?" or "<": the row shows
    them escaped and links to the citizen's page in one path segment, and the link opens it."""
    from bip.web.core.models import Caseworker, Citizen

    odd = 'x<b>&"/?#' + "0" * 20
    Citizen.objects.create(
        citizen_id=odd, jobcenter=world.jc["A"], caseworker=world.caseworkers["A"]
    )
    Caseworker.objects.filter(pk=world.caseworkers["A2"].pk).update(caseworker_id="W<i>2")
    Citizen.objects.create(
        citizen_id="plain" + "0" * 20, jobcenter=world.jc["A"], caseworker=world.caseworkers["A2"]
    )
    client = login("caseworker")
    html = client.get(reverse("caseload") + "?scope=all").content.decode()
    assert "x&lt;b&gt;&amp;&quot;/?#" in html and "<b>" not in html and "W&lt;i&gt;2" in html
    href = reverse("citizen", args=[odd])
    assert href.startswith("/citizen/~") and href.count("/") == 3  # one path segment
    assert f'href="{href}"' in html
    assert (
        reverse("citizen", args=["plain" + "0" * 20]) == "/citizen/plain" + "0" * 20 + "/"
    )  # plain ids as they are
    r = client.get(href)
    assert r.status_code == 200 and r.context["citizen"].citizen_id == odd


def _all_pages(citizens, **kw) -> list:
    from bip.web.core.selectors import caseload_select

    first = caseload_select(citizens, today=TODAY, page_size=17, **kw)
    rows = list(first.rows)
    for p in range(2, first.pages + 1):
        rows += caseload_select(citizens, today=TODAY, page_size=17, page=p, **kw).rows
    assert len(rows) == first.total
    return rows


def test_sorting_filtering_and_paging_match_a_python_reference(world):
    """Every sort (both directions), every filter and the search, page by page (17 a page), against
    the same citizens sorted and filtered in Python from the model's own properties."""
    from bip.web.core.models import Citizen

    cws = [world.caseworkers["A"], world.caseworkers["A2"]]
    made = _make_citizens(world.jc["A"], cws, 90)
    qs = Citizen.objects.filter(pk__in=[c.pk for c in made])
    ref = _reference(made)  # id -> (caseworker name, last day, status, code)
    rank = {"overdue": 0, "never": 1, "due": 2, "ok": 3}
    ids = sorted(ref)
    keys = {
        "due": lambda i: (rank[ref[i][2]], ref[i][1] or dt.date.min),
        "last": lambda i: (0, -ref[i][1].toordinal()) if ref[i][1] else (1, 0),
        "caseworker": lambda i: (ref[i][0] == "", ref[i][0]),
        "name": lambda i: (),
    }
    for sort, key in keys.items():
        want = sorted(ids, key=lambda i: (*key(i), i))
        got = [r.citizen_id for r in _all_pages(qs, sort=sort)]
        assert got == want, sort
        got_desc = [r.citizen_id for r in _all_pages(qs, sort=sort, descending=True)]
        assert got_desc == want[::-1], sort
    for status in ("overdue", "due", "never"):
        got = {r.citizen_id for r in _all_pages(qs, status=status)}
        assert got == {i for i in ids if ref[i][2] == status} and got, status
    quarter_ago = TODAY - dt.timedelta(weeks=13)
    quiet = {i for i in ids if ref[i][1] and ref[i][1] >= quarter_ago and ref[i][3] == "0000"}
    assert quiet and {r.citizen_id for r in _all_pages(qs, status="quiet")} == quiet
    prefix = ids[3][:9]
    assert {r.citizen_id for r in _all_pages(qs, search=prefix)} == {
        i for i in ids if i.startswith(prefix)
    }


def test_caseload_page_links_keep_filters_and_mark_the_sort(login, world):
    _make_citizens(world.jc["A"], [world.caseworkers["A"]], 70, seed=3)
    c = login("caseworker")
    r = c.get(reverse("caseload") + "?scope=all&status=overdue&sort=last&page=2")
    html = r.content.decode()
    res = r.context["result"]
    assert res.page == 2 and res.sort == "last" and all(x.status == "overdue" for x in res.rows)
    assert html.count('aria-sort="ascending"') == 1  # the "last measurement" column
    assert (
        'rel="prev"' in html and "status=overdue" in html.split('rel="prev"')[0].rsplit("<a", 1)[1]
    )
    assert 'aria-current="page">2<' in html
    bad = c.get(reverse("caseload") + "?sort=evil&status=x&page=zz")
    assert bad.status_code == 200 and bad.context["result"].sort == "due"
