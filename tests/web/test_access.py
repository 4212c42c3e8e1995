"""Role x view matrix: every view refuses other jobcentres' citizens and roles it is not for."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from bip.web.core.access import RoleView

ROLES = ("caseworker", "manager", "analyst", "admin")
PUBLIC = {"login", "logout", "set_language", "login_code", "oidc_login", "oidc_callback"}


def _citizen_urls(world, side):
    c = world.citizens[side].citizen_id
    m = world.measurements[side].measurement_id
    return [
        ("GET", reverse("citizen", args=[c])),
        ("GET", reverse("transfer", args=[c])),
        *[
            ("GET", reverse("measurement_new", args=[c, p]))
            for p in ("both", "citizen", "caseworker")
        ],
        *[
            ("GET", reverse("measurement_edit", args=[m, p]))
            for p in ("both", "citizen", "caseworker")
        ],
        ("POST", reverse("measurement_new", args=[c, "both"])),
        ("POST", reverse("measurement_edit", args=[m, "both"])),
        ("POST", reverse("transfer", args=[c])),
    ]


def _post_data(world, side, url, full_values):
    if "transfer" in url:
        return {
            "caseworker": world.caseworkers[side + "2"].pk,
            "started_on": "2024-03-01",
            "confirm": "on",
        }
    data = full_values(dt.date(2024, 4, 1))
    data["revision"] = "1"
    data["idempotency_key"] = f"k-{abs(hash(url))}"
    return data


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("user_side", ["A", "B"])
def test_citizen_views_matrix(client, world, role, user_side, full_values):
    """Own jobcentre's citizen: only a caseworker gets in. Other jobcentre: 404 for a caseworker
    (existence not revealed), 403 for roles that never see citizen data. Nothing is written."""
    from bip.web.core.models import Assignment, Measurement

    client.force_login(world.users[(role, user_side)])
    n_meas, n_assign = Measurement.objects.count(), Assignment.objects.count()
    for citizen_side in ("A", "B"):
        for method, url in _citizen_urls(world, citizen_side):
            if method == "GET":
                r = client.get(url)
            else:
                r = client.post(url, _post_data(world, citizen_side, url, full_values))
            own = citizen_side == user_side
            if role == "caseworker" and own:
                assert r.status_code in (200, 302), (role, user_side, url, r.status_code)
            elif role == "caseworker":
                assert r.status_code == 404, (role, user_side, url, r.status_code)
            else:
                assert r.status_code == 403, (role, user_side, url, r.status_code)
    if role != "caseworker":
        assert Measurement.objects.count() == n_meas
        assert Assignment.objects.count() == n_assign


SCREENS = {
    # url name: roles that may open it
    "home": set(ROLES),
    "caseload": {"caseworker", "manager"},
    "find": {"caseworker"},
    "dashboard": {"manager", "analyst"},
    "analyst": {"analyst"},
    "analyst_export": {"analyst"},
    "admin_jobcenters": {"admin"},
    "admin_users": {"admin"},
    "admin_versions": {"admin"},
    "admin_audit": {"admin"},
    "admin_import": {"admin"},
}


@pytest.mark.parametrize("role", ROLES)
def test_screens_by_role(client, world, role):
    client.force_login(world.users[(role, "A")])
    for name, allowed in SCREENS.items():
        r = client.get(reverse(name))
        if role in allowed:
            assert r.status_code in (200, 302), (role, name, r.status_code)
        else:
            assert r.status_code == 403, (role, name, r.status_code)


def test_anonymous_is_sent_to_login(client, world):
    for name in SCREENS:
        r = client.get(reverse(name))
        assert r.status_code == 302 and r["Location"].startswith(reverse("login")), name
    r = client.get(reverse("citizen", args=[world.citizens["A"].citizen_id]))
    assert r.status_code == 302


def test_every_view_is_role_checked():
    """No view can forget the role check: every routed view (but login/logout/language) is a RoleView."""

    def walk(patterns):
        for p in patterns:
            if isinstance(p, URLResolver) and p.namespace == "api-v1":
                continue  # token-checked instead: tests/web/api/test_api_auth.py
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns)
            elif isinstance(p, URLPattern):
                yield p

    checked = 0
    for p in walk(get_resolver().url_patterns):
        if p.name in PUBLIC:
            continue
        cls = getattr(p.callback, "view_class", None)
        assert cls is not None and issubclass(cls, RoleView) and cls.roles, p.name
        checked += 1
    assert checked >= 15


def test_caseload_lists_only_own_jobcentre(client, world):
    a, b = world.citizens["A"].short_id, world.citizens["B"].short_id
    for role in ("caseworker", "manager"):
        client.force_login(world.users[(role, "A")])
        html = client.get(reverse("caseload") + "?scope=all").content.decode()
        assert a in html and b not in html, role
    # a manager cannot open another jobcentre's caseworker's caseload either
    client.force_login(world.users[("manager", "A")])
    html = client.get(reverse("caseload") + "?caseworker=WB1").content.decode()
    assert b not in html


def test_manager_sees_only_own_dashboard_analyst_any(client, world):
    client.force_login(world.users[("manager", "A")])
    assert client.get(reverse("dashboard")).status_code == 200
    assert client.get(reverse("dashboard") + "?jobcenter=JCB").status_code == 404
    client.force_login(world.users[("analyst", "A")])
    assert client.get(reverse("dashboard") + "?jobcenter=JCB").status_code == 200


def test_manager_caseload_has_no_links_to_citizen_pages(client, world):
    client.force_login(world.users[("manager", "A")])
    html = client.get(reverse("caseload")).content.decode()
    assert reverse("citizen", args=[world.citizens["A"].citizen_id]) not in html


def test_transfer_only_within_jobcentre(client, world):
    from bip.web.core.models import Citizen

    client.force_login(world.users[("caseworker", "A")])
    c = world.citizens["A"]
    r = client.post(
        reverse("transfer", args=[c.citizen_id]),
        {"caseworker": world.caseworkers["B"].pk, "started_on": "2024-03-01", "confirm": "on"},
    )
    assert r.status_code == 400
    assert Citizen.objects.get(pk=c.pk).caseworker_id == world.caseworkers["A"].pk


def test_analyst_export_is_pseudonymous(client, world):
    import io
    import zipfile

    client.force_login(world.users[("analyst", "A")])
    r = client.get(reverse("analyst_export"))
    assert r.status_code == 200
    z = zipfile.ZipFile(io.BytesIO(b"".join(r.streaming_content)))
    names = {n.split("/")[-1] for n in z.namelist()}
    assert {"jobcenters.csv", "caseworkers.csv", "citizens.csv", "measurements.csv"} <= names
    citizens = z.read("bip-dataset/citizens.csv").decode()
    assert world.citizens["A"].citizen_id in citizens
    assert "0101701018" not in citizens and "010170-1018" not in citizens
