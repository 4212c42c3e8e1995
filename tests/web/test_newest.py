"""The newest measurement kept on the citizen row (core/newest.py) equals a fresh aggregate after
every path that writes measurements: create and correct (the services the views, the kiosk and
the JSON API call), erasure, retention, the dataset import, the demo and the data migration.

The reference is plain Python over the measurement rows (newest by date, then id; the model's
own ``combination``), independent of the SQL that keeps the fields. Runs on SQLite and, with
``BIP_TEST_DATABASE_URL=postgres://...`` (tests/web/test_postgres.py), on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest

from bip.instrument import NO_ACTIVITY_OPTION, S1_GROUP, S1_OPTIONS

DAY0 = dt.date(2024, 1, 8)


def _fresh() -> dict[str, tuple]:
    """citizen id -> (newest date, its JOSH code) from the measurement rows, in Python."""
    from bip.web.core.models import Citizen, Measurement

    newest: dict[int, Measurement] = {}
    for m in Measurement.objects.all():
        best = newest.get(m.citizen_id)
        if best is None or (m.measured_on, m.pk) > (best.measured_on, best.pk):
            newest[m.citizen_id] = m
    out = {}
    for c in Citizen.objects.all():
        m = newest.get(c.pk)
        out[c.citizen_id] = (m.measured_on, m.combination) if m else (None, None)
    return out


def _stored() -> dict[str, tuple]:
    from bip.web.core.models import Citizen

    return {
        cid: (day, josh)
        for cid, day, josh in Citizen.objects.values_list(
            "citizen_id", "last_measured_on", "last_josh"
        )
    }


def _s1(rng: random.Random) -> dict[str, int | None]:
    """S1 answers covering every code path: none, activities, "no activities", "don't know"."""
    kind = rng.choice(["none", "activities", "activities", "no_activity", "dont_know"])
    if kind == "none":
        return {f"S1_{n}": None for n in S1_OPTIONS}
    ticked = {
        "activities": set(rng.sample(sorted(S1_GROUP), rng.randint(1, 3))),
        "no_activity": {NO_ACTIVITY_OPTION},
        "dont_know": {23},
    }[kind]
    return {f"S1_{n}": int(n in ticked) for n in S1_OPTIONS}


def _import(tmp_path, k: int, rng: random.Random) -> None:
    """The example dataset under new ids (prefix ``I<k>-``), dates and S1 ticks at random."""
    from bip.dataset import write_dataset
    from bip.dataset.example import example_tables
    from bip.web.exchange import import_db

    t = {n: f.copy() for n, f in example_tables().items()}
    for f in t.values():
        for col in ("jobcenter_id", "caseworker_id", "citizen_id", "measurement_id"):
            if col in f.columns:
                f[col] = f"I{k}-" + f[col].astype(str)
    m = t["measurements"]
    m["measured_on"] = [DAY0 + dt.timedelta(days=d) for d in rng.sample(range(40), len(m))]
    for i in m.index:
        for col, v in _s1(rng).items():
            m.loc[i, col] = v
    ops = {n: t[n] for n in ("jobcenters", "caseworkers", "citizens", "measurements")}
    import_db(write_dataset(ops, tmp_path / f"import{k}", "csv"))


def _run(world, tmp_path, seed: int, steps: int) -> list[str]:
    """A random sequence of writes; after each, stored == fresh. Returns the paths taken."""
    from bip.web.core.models import Citizen, Measurement
    from bip.web.core.services import measurement_create, measurement_update
    from bip.web.core.services.erasure import erasure_confirm, erasure_request
    from bip.web.core.services.retention import retention_apply

    rng = random.Random(seed)
    jc, cw = world.jc["A"], world.caseworkers["A"]
    cwuser, manager = world.users[("caseworker", "A")], world.users[("manager", "A")]
    done, imports = [], 0
    for step in range(steps):
        mine = list(Citizen.objects.filter(jobcenter=jc))
        ms = list(Measurement.objects.filter(citizen__jobcenter=jc))
        op = rng.choice(["enrol", "create", "create", "create", "correct", "correct", "erase"])
        if step == steps // 2 and imports < 1:
            op = "import"
        if step == steps - 1:
            op = "retention"
        if op == "enrol" or not mine:
            op = "enrol"
            Citizen.objects.create(citizen_id=f"s{seed}-{step}" + "0" * 20, jobcenter=jc)
        elif op == "create":
            day = DAY0 + dt.timedelta(days=rng.randint(0, 40))
            measurement_create(
                citizen=rng.choice(mine),
                caseworker_id=cw.pk,
                values={"measured_on": day, **_s1(rng)},
                version=1,
                idempotency_key=f"k{seed}-{step}",
                user=cwuser,
            )
        elif op == "correct" and ms:
            m = rng.choice(ms)
            values = _s1(rng) if rng.random() < 0.5 else {}
            if not values or rng.random() < 0.5:  # move the date, earlier or later
                values["measured_on"] = DAY0 + dt.timedelta(days=rng.randint(-10, 40))
            measurement_update(measurement=m, values=values, revision=m.revision, user=cwuser)
        elif op == "erase" and len(mine) > 1:
            req = erasure_request(user=cwuser, citizen=rng.choice(mine))
            erasure_confirm(user=manager, request_id=req.pk)
        elif op == "import":
            imports += 1
            _import(tmp_path, imports, rng)
        elif op == "retention":
            # jobcentre B's citizen (last contact DAY0) at least goes
            assert retention_apply(cutoff=DAY0 + dt.timedelta(days=20), actor="test", months=1)
        else:
            continue
        done.append(op)
        assert _stored() == _fresh(), f"after step {step} ({op}), seed {seed}"
    return done


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_write_path_keeps_the_newest_measurement_on_the_citizen(world, tmp_path, seed):
    done = _run(world, tmp_path, seed, steps=24)
    # the sequence really exercised the paths, and the fields are not trivially empty
    assert {"create", "correct", "import", "retention"} <= set(done)
    stored = _stored()
    assert any(josh == "0000" for _, josh in stored.values()) or seed != 1
    assert sum(day is not None for day, _ in stored.values()) >= 2


def test_every_code_and_no_code_is_stored_as_the_model_computes_it(world):
    """Every kind of S1 answer on one citizen's newest measurement, one after the other."""
    from bip.web.core.services import measurement_create

    rng = random.Random(5)
    c, seen = world.citizens["A"], set()
    for step in range(30):
        measurement_create(
            citizen=c,
            caseworker_id=world.caseworkers["A"].pk,
            values={"measured_on": DAY0 + dt.timedelta(days=step), **_s1(rng)},
            version=1,
            idempotency_key=f"code-{step}",
            user=world.users[("caseworker", "A")],
        )
        assert _stored() == _fresh()
        seen.add(_stored()[c.citizen_id][1])
    assert None in seen and "0000" in seen and len(seen) >= 5


def test_the_demo_loader_keeps_the_newest_measurement(db):
    from bip.web.demo import create_demo

    create_demo()
    stored = _stored()
    assert stored == _fresh() and all(day is not None for day, _ in stored.values())


def test_the_data_migration_fills_existing_citizens(world, tmp_path):
    """Migration 0006's fill, on rows whose fields are empty as before the migration."""
    import importlib

    from django.apps import apps

    from bip.web.core.models import Citizen

    _import(tmp_path, 1, random.Random(9))
    want = _fresh()
    Citizen.objects.update(last_measured_on=None, last_josh=None)
    assert _stored() != want
    importlib.import_module("bip.web.core.migrations.0006_citizen_newest_measurement").fill(
        apps, None
    )
    assert _stored() == want
