"""CPR look-up is no oracle: one answer whether or not the citizen is enrolled elsewhere, a
per-user limit, every look-up audited with its outcome, implausible numbers refused."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from bip.web.core.models import AuditLog
from tests.web.conftest import CPR_B, CPR_NEW


def _answer(r) -> str:
    """The page without the per-request CSRF token."""
    return re.sub(r'value="[A-Za-z0-9]{32,}"', "", r.content.decode())


def test_enrolled_elsewhere_and_never_enrolled_get_the_same_answer(login, world):
    client = login("caseworker", "A")
    elsewhere = client.post(reverse("find"), {"cpr": CPR_B})  # enrolled at jobcentre B
    never = client.post(reverse("find"), {"cpr": CPR_NEW})  # enrolled nowhere
    assert elsewhere.status_code == never.status_code == 200
    assert _answer(elsewhere) == _answer(never)
    # the audit tells the administrator which was which, and flags the other jobcentre's citizen
    finds = list(AuditLog.objects.filter(action="citizen.find").order_by("seq"))
    assert [e.detail for e in finds] == [
        "absent; enrolled at another jobcentre",
        "absent; not enrolled",
    ]
    assert [e.flagged for e in finds] == [True, False]
    assert finds[0].object_id == world.citizens["B"].citizen_id


def test_enrolling_a_citizen_of_another_jobcentre_is_refused_flagged(login, world):
    client = login("caseworker", "A")
    client.post(reverse("find"), {"cpr": CPR_B})
    r = client.post(reverse("enrol"))
    assert r.status_code == 409
    world.citizens["B"].refresh_from_db()
    assert world.citizens["B"].jobcenter == world.jc["B"]
    e = AuditLog.objects.get(action="citizen.enrol")
    assert e.flagged and "another jobcentre" in e.detail


def test_lookups_are_rate_limited_per_user(login, world, settings):
    settings.BIP_CPR_LOOKUPS_PER_HOUR = 3
    client = login("caseworker", "A")
    codes = [client.post(reverse("find"), {"cpr": CPR_NEW}).status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    assert AuditLog.objects.filter(action="citizen.find", detail__startswith="refused").count() == 2
    # another caseworker has a limit of their own
    other = login("caseworker", "B")
    assert other.post(reverse("find"), {"cpr": CPR_NEW}).status_code == 200


def test_every_lookup_is_audited_with_its_outcome(login, world):
    client = login("caseworker", "A")
    client.post(reverse("find"), {"cpr": "010170-1018"})  # own jobcentre
    client.post(reverse("find"), {"cpr": "311399-1234"})  # not a date
    client.post(reverse("find"), {"cpr": "010120-1010"})  # a newborn in 2020: implausible age
    details = list(
        AuditLog.objects.filter(action="citizen.find")
        .order_by("seq")
        .values_list("detail", flat=True)
    )
    assert details == [
        "found",
        "invalid: not a CPR number or not a real date",
        "invalid: age outside 14-100 years",
    ]


@pytest.mark.parametrize(
    "cpr",
    ["010170-1018", "150485-1008", "230392-1004"],  # pass modulus 11
)
def test_modulus_11_numbers_are_looked_up_directly(login, world, cpr):
    from bip.web.identity import passes_modulus_11

    assert passes_modulus_11(cpr.replace("-", ""))
    r = login("caseworker").post(reverse("find"), {"cpr": cpr})
    assert r.status_code in (200, 302)


def test_a_number_failing_modulus_11_is_questioned_never_refused(login, world):
    """CPR numbers issued since 2007 may fail modulus 11: such a number needs a confirmation,
    and then it is looked up like any other."""
    from bip.web.identity import passes_modulus_11

    cpr = "010170-1019"  # a real date, fails modulus 11
    assert not passes_modulus_11(cpr.replace("-", ""))
    client = login("caseworker")
    r = client.post(reverse("find"), {"cpr": cpr}, HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 400 and "check-digit" in r.content.decode()
    assert 'name="confirmed"' in r.content.decode()
    r = client.post(reverse("find"), {"cpr": cpr, "confirmed": "on"})
    assert r.status_code == 200 and r.context["offer_enrol"]


def test_age_plausibility():
    from bip.web.identity import implausible_age

    today = dt.date(2026, 6, 1)
    assert not implausible_age("0101701018", today)  # 56
    assert implausible_age("0101201010", today)  # 6
    assert implausible_age("0101204018", today)  # 7th digit 4, year 20 -> 2020
    assert implausible_age("0101121018", today)  # 7th digit 1: 1912, 114 years old
    assert not implausible_age("0101271018", today)  # 1927: 99
