"""Demo logins and demo citizens for `bip serve --demo` (fake but valid CPR numbers)."""

from __future__ import annotations

import datetime as dt
import random
import secrets

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count

from bip.instrument import B_ITEMS, S1_OPTIONS, S_ITEMS
from bip.web.core.models import Caseworker, Citizen, Jobcenter, Measurement, Profile, Role
from bip.web.identity import citizen_id_for, validate_cpr

# Fake CPR numbers with valid dates that also pass the old modulus-11 check.
DEMO_CPRS = ("010170-1018", "150485-1008", "230392-1004")


def _password() -> str:
    return "demo-" + secrets.token_urlsafe(9)


def _user(username: str, role: str, jobcenter, full_name: str) -> tuple[str, str]:
    User = get_user_model()
    pw = _password()
    user, _ = User.objects.get_or_create(username=username)
    first, _s, last = full_name.partition(" ")
    user.first_name, user.last_name = first, last
    user.set_password(pw)
    user.save()
    Profile.objects.update_or_create(user=user, defaults={"role": role, "jobcenter": jobcenter})
    return username, pw


@transaction.atomic
def create_demo(seed: int = 0) -> dict:
    """Logins for every role (new passwords each time) and three demo citizens; returns them."""
    jc = Jobcenter.objects.annotate(n=Count("citizens")).order_by("-n", "jobcenter_id").first()
    if jc is None:
        jc = Jobcenter.objects.create(jobcenter_id="DEMO", name="Demo Jobcenter")
    cw = (
        Caseworker.objects.filter(jobcenter=jc, user__isnull=True)
        .annotate(n=Count("citizens"))
        .order_by("-n", "caseworker_id")
        .first()
    )
    logins = {
        "caseworker": _user("demo-sagsbehandler", Role.CASEWORKER, jc, "Sara Sagsbehandler"),
        "manager": _user("demo-leder", Role.MANAGER, jc, "Lars Leder"),
        "analyst": _user("demo-analytiker", Role.ANALYST, None, "Anna Analytiker"),
        "admin": _user("demo-admin", Role.ADMIN, None, "Adam Administrator"),
    }
    user = get_user_model().objects.get(username="demo-sagsbehandler")
    if cw is None:
        cw = Caseworker.objects.filter(user=user).first() or Caseworker.objects.create(
            caseworker_id="demo-cw", jobcenter=jc
        )
    if cw.user_id != user.pk:
        Caseworker.objects.filter(user=user).exclude(pk=cw.pk).update(user=None)
        cw.user = user
        cw.save(update_fields=["user"])
    rng = random.Random(seed)
    today = dt.date.today()
    for k, cpr in enumerate(DEMO_CPRS):
        assert validate_cpr(cpr) is None, cpr
        cid = citizen_id_for(cpr)
        citizen, created = Citizen.objects.get_or_create(
            citizen_id=cid,
            defaults={
                "jobcenter": jc,
                "caseworker": cw,
                "enrolled_on": today - dt.timedelta(weeks=40),
            },
        )
        if not created:
            continue
        citizen.assignments.create(caseworker=cw, started_on=citizen.enrolled_on, reason="demo")
        level = rng.uniform(1.8, 2.6)
        for j in range(k + 1):  # 1-3 earlier measurements, the last one 11-16 weeks ago
            day = today - dt.timedelta(weeks=11 + 2 * k + 13 * (k - j))
            m = Measurement(
                measurement_id=f"demo-{k}-{j}",
                citizen=citizen,
                caseworker=cw,
                measured_on=day,
                B10_status="searching",
            )
            for item in (*B_ITEMS, *S_ITEMS):
                setattr(m, item, max(1, min(5, round(level + 0.4 * j + rng.uniform(-0.7, 0.7)))))
            for n in S1_OPTIONS:
                setattr(m, f"S1_{n}", int(n in (5, 13) if j else n in (4, 9)))
            for ch in (
                "newspapers",
                "internet",
                "unsolicited",
                "network",
                "internship",
                "temp_agency",
            ):
                setattr(m, f"B10_{ch}", int(ch == "internet"))
            m.save()
    return {
        "logins": logins,
        "cprs": DEMO_CPRS,
        "jobcenter": str(jc),
        "caseworker": cw.caseworker_id,
    }
