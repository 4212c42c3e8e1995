"""`bip serve --demo`: the tool's demo data, registers, one analysis run, logins and demo citizens.

:func:`prepare_demo` does it all on a fresh database: the dataset moved to the present
(:mod:`bip.web.demo_live`) is imported, its registers are loaded as register uploads, and one
analysis run is done, so every page has something to show at the first login.
:func:`create_demo` makes the logins (new passwords at every start) and the demo citizens.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
import shutil
import uuid
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count

from bip.instrument import B10_CHANNELS, B_ITEMS, S1_OPTIONS, S_ITEMS
from bip.web.core.models import Caseworker, Citizen, Jobcenter, Measurement, Profile, Role
from bip.web.demo_live import DEMO_CPRS
from bip.web.identity import citizen_id_for, validate_cpr


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
    """Logins for every role (new passwords each time) and three demo citizens; returns them.

    When the demo citizens are in the data already (:func:`prepare_demo` made them from cohort
    citizens), the caseworker login takes over their caseworker; otherwise the caseworker with
    the most citizens in the largest jobcentre, and the demo citizens get a short history.
    """
    known = (
        Citizen.objects.filter(citizen_id=citizen_id_for(DEMO_CPRS[0]))
        .select_related("jobcenter", "caseworker")
        .first()
    )
    if known is not None and known.caseworker is not None:
        jc, cw = known.jobcenter, known.caseworker
    else:
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
        n_meetings = 4 + k  # every 13 weeks; the last 4, 12 and 17 weeks ago (ok, due, overdue)
        last_weeks = (4, 12, 17)[k]
        citizen, created = Citizen.objects.get_or_create(
            citizen_id=citizen_id_for(cpr),
            defaults={
                "jobcenter": jc,
                "caseworker": cw,
                "enrolled_on": today - dt.timedelta(weeks=last_weeks + 13 * n_meetings),
            },
        )
        if not created:
            continue
        citizen.assignments.create(caseworker=cw, started_on=citizen.enrolled_on, reason="demo")
        level = rng.uniform(1.8, 2.6)
        for j in range(n_meetings):
            day = today - dt.timedelta(weeks=last_weeks + 13 * (n_meetings - 1 - j))
            m = Measurement(
                measurement_id=f"demo-{k}-{j}",
                citizen=citizen,
                caseworker=cw,
                measured_on=day,
                B10_status="searching",
            )
            for item in (*B_ITEMS, *S_ITEMS):
                setattr(m, item, max(1, min(5, round(level + 0.3 * j + rng.uniform(-0.7, 0.7)))))
            for n in S1_OPTIONS:
                setattr(m, f"S1_{n}", int(n in (5, 13) if j else n in (4, 9)))
            for ch in B10_CHANNELS:
                setattr(m, f"B10_{ch}", int(ch == "internet"))
            m.save()
    return {
        "logins": logins,
        "cprs": DEMO_CPRS,
        "jobcenter": str(jc),
        "caseworker": cw.caseworker_id,
    }


def load_registers(folder: Path) -> list[str]:
    """Every register table of dataset ``folder`` as the active register upload of its table.

    The files were validated with the whole dataset they belong to, so they are stored as an
    administrator's upload would be, without a second validation; returns the tables loaded.
    """
    from bip.dataset import REGISTER_TABLES, open_dataset
    from bip.web.insight.current import forget_version
    from bip.web.insight.models import RegisterUpload
    from bip.web.insight.uploads import _rows, _sha256, register_dir

    ds = open_dataset(folder)
    loaded = []
    for table in REGISTER_TABLES:
        if not ds.has(table):
            continue
        src = next(p for p in folder.iterdir() if p.stem == table)
        name = uuid.uuid4().hex
        final = register_dir() / name
        final.mkdir()
        shutil.copyfile(src, final / src.name)
        RegisterUpload.objects.filter(table=table, active=True).update(active=False)
        RegisterUpload.objects.create(
            table=table,
            original_name=f"demo {src.name}",
            stored_name=f"registers/{name}/{src.name}",
            rows=_rows(final / src.name),
            sha256=_sha256(final / src.name),
            pseudonymised=False,
        )
        loaded.append(table)
    forget_version()
    return loaded


def prepare_demo(
    dataset: Path, data_dir: Path, *, analysis: bool = True, echo=print, today=None
) -> dict:
    """The demo on the tool's database: data, registers, one analysis run, logins, citizens.

    On an empty database the dataset is moved to the present (:func:`bip.web.demo_live.
    live_dataset`, written to ``data_dir/demo-dataset``), imported, and its registers loaded;
    then, unless a finished run exists (or ``analysis`` is off), one analysis run is done in
    this process before the server starts. A failed run is reported and the demo goes on.
    Returns :func:`create_demo`'s logins and citizens.
    """
    from bip.web.demo_live import live_dataset
    from bip.web.exchange import import_db
    from bip.web.insight.models import AnalysisRun, RunStatus
    from bip.web.insight.runs import start_run

    if not Measurement.objects.exists():
        echo(f"moving {dataset} to the present for the demo ...")
        live = live_dataset(dataset, data_dir / "demo-dataset", today=today)
        echo(
            f"  dates moved by {live.shift_weeks} weeks: last measurement {live.last_measurement},"
            f" registers to {live.register_week} / {live.register_month};"
            f" {live.citizens} citizens still followed"
        )
        echo(f"importing {live.folder} ...")
        counts = import_db(live.folder, show_progress=True)
        echo("imported " + ", ".join(f"{v} {k}" for k, v in counts.items()))
        tables = load_registers(live.folder)
        if tables:
            echo("registers loaded: " + ", ".join(tables))
    info = create_demo()
    if analysis and not AnalysisRun.objects.filter(status=RunStatus.DONE).exists():
        echo("running one analysis on the tool's data (the analyst's Analyses page) ...")
        analyst = get_user_model().objects.get(username=info["logins"]["analyst"][0])
        run = start_run(analyst, background=False)
        if run.status == RunStatus.DONE:
            echo(f"  analysis run {run.pk} done")
        else:
            last = run.log.strip().splitlines()[-1:] or ["no log"]
            echo(f"  analysis run {run.pk} failed ({last[0]}); the demo goes on without it")
    return info
