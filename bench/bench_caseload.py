"""Caseload page latency at 5,000 citizens per jobcentre on PostgreSQL (target p95 ≤ 100 ms).

    python bench/bench_caseload.py [--citizens 5000] [--small 500] [--requests 60]

Seeds a fresh PostgreSQL database ``bip_caseload_bench`` with two jobcentres – one of
``--citizens`` citizens, one of ``--small`` – with 40 caseworkers each and 0–6 measurements per
citizen a few weeks to a year and a half apart (S1 ticks at random), then requests the caseload,
one request at a time through Django's test client (the whole Django stack and database, no
network), as the big jobcentre's manager:

* ``page``: the first page in the default order (overdue first);
* ``sorted``: by name, last measurement or caseworker, either direction, a random page;
* ``filtered``: overdue / due within 14 days / never measured / no activity last quarter;
* ``search``: a citizen-id prefix of 3 characters;
* ``small``: the same first page at the ``--small`` jobcentre – the same-run baseline;
* ``unpaged``: the whole big jobcentre listed as the page did before paging (every row through
  the selector and the row builder, as one page) – the other same-run baseline.

Prints p50/p95/max in ms and the ratios, and writes ``bench/out/bench_caseload.json``.
Needs PostgreSQL at 127.0.0.1:5432 (trust).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
TODAY = dt.date.today()


def fresh_database(admin_url: str, name: str) -> str:
    with psycopg.connect(admin_url, autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        con.execute(f'CREATE DATABASE "{name}"')
    return admin_url.rsplit("/", 1)[0] + "/" + name


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def seed(jc_id: str, n: int, rng: random.Random):
    """A jobcentre with ``n`` citizens, 40 caseworkers (half with a login) and a manager."""
    from django.contrib.auth import get_user_model

    from bip.instrument import S1_OPTIONS
    from bip.web.core.models import Caseworker, Citizen, Jobcenter, Measurement, Profile

    User = get_user_model()
    jc = Jobcenter.objects.create(jobcenter_id=jc_id, name=jc_id)
    cws = []
    for k in range(40):
        user = None
        if k % 2 == 0:
            user = User.objects.create_user(
                f"{jc_id}-cw{k}", first_name=f"Navn{k}", last_name=f"Efternavn{k % 7}"
            )
            Profile.objects.create(user=user, role="caseworker", jobcenter=jc)
        cws.append(Caseworker.objects.create(caseworker_id=f"{jc_id}W{k}", jobcenter=jc, user=user))
    citizens = Citizen.objects.bulk_create(
        Citizen(
            citizen_id=f"{rng.getrandbits(128):032x}{jc_id}",
            jobcenter=jc,
            caseworker=cws[k % 40] if k % 25 else None,
        )
        for k in range(n)
    )
    ms = []
    for c in citizens:
        day = TODAY - dt.timedelta(days=rng.randint(0, 540))
        for j in range(rng.choice([0, 1, 2, 3, 4, 5, 6])):
            m = Measurement(
                measurement_id=f"{c.citizen_id}-{j}",
                citizen=c,
                caseworker=c.caseworker or cws[0],
                measured_on=day,
            )
            ticked = set(rng.sample(list(S1_OPTIONS), rng.randint(0, 3)))
            for opt in S1_OPTIONS:
                setattr(m, f"S1_{opt}", int(opt in ticked))
            ms.append(m)
            day = day - dt.timedelta(weeks=rng.randint(8, 20))
    Measurement.objects.bulk_create(ms, batch_size=2000)
    manager = User.objects.create_user(f"{jc_id}-manager")
    Profile.objects.create(user=manager, role="manager", jobcenter=jc)
    return manager, len(ms)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--citizens", type=int, default=5000)
    ap.add_argument("--small", type=int, default=500)
    ap.add_argument("--requests", type=int, default=60)
    ap.add_argument("--pg", default="postgresql://127.0.0.1:5432/test")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    os.environ["DATABASE_URL"] = fresh_database(args.pg, "bip_caseload_bench").replace(
        "postgresql://", "postgres://"
    )
    os.environ.setdefault("BIP_SECRET_KEY", "bench-secret-key-" + "x" * 40)
    os.environ.setdefault("BIP_HMAC_KEY", "bench-hmac-key-0123456789")
    os.environ["BIP_DATA_DIR"] = str(OUT / "caseload-data")
    os.environ["BIP_ALLOWED_HOSTS"] = "testserver"
    os.environ["DJANGO_SETTINGS_MODULE"] = "bip.web.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from bip.web.core.models import Citizen
    from bip.web.core.selectors import caseload
    from bip.web.core.views.caseload import _caseload_rows_html

    call_command("migrate", verbosity=0)
    rng = random.Random(1)
    t0 = time.perf_counter()
    big, n_big = seed("BIG", args.citizens, rng)
    small, n_small = seed("SMALL", args.small, rng)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    t_seed = time.perf_counter() - t0
    ids = list(
        Citizen.objects.filter(jobcenter__jobcenter_id="BIG").values_list("citizen_id", flat=True)
    )

    times: dict[str, list[float]] = {}
    clients = {}
    for u in (big, small):
        clients[u.pk] = Client()
        clients[u.pk].force_login(u)

    def get(kind: str, user, url: str) -> None:
        t = time.perf_counter()
        r = clients[user.pk].get(url)
        times.setdefault(kind, []).append(1000 * (time.perf_counter() - t))
        if r.status_code != 200:
            sys.exit(f"{kind} {url}: HTTP {r.status_code}")

    for _warm in range(3):
        get("warm", big, "/caseload/")
    sorts = ["name", "last", "caseworker", "due"]
    filters = ["overdue", "due", "never", "quiet"]
    for i in range(args.requests):
        get("small", small, "/caseload/")
        get("page", big, "/caseload/")
        s, d = sorts[i % 4], "desc" if i % 2 else ""
        get("sorted", big, f"/caseload/?sort={s}&dir={d}&page={rng.randint(1, 100)}")
        get("filtered", big, f"/caseload/?status={filters[i % 4]}")
        get("search", big, f"/caseload/?q={rng.choice(ids)[:3]}")
        if i % 6 == 0:  # the old unpaged page: every row of the big jobcentre
            t = time.perf_counter()
            rows = caseload(Citizen.objects.filter(jobcenter__jobcenter_id="BIG"))
            _caseload_rows_html(rows, True)
            times.setdefault("unpaged", []).append(1000 * (time.perf_counter() - t))
    times.pop("warm")
    summary = {
        k: {
            "n": len(v),
            "p50_ms": round(statistics.median(v), 1),
            "p95_ms": round(pct(v, 0.95), 1),
            "max_ms": round(max(v), 1),
        }
        for k, v in times.items()
    }
    base = summary["small"]["p95_ms"]
    for k in summary:
        summary[k]["p95_vs_small"] = round(summary[k]["p95_ms"] / base, 2)
    out = {
        "citizens": args.citizens,
        "small": args.small,
        "measurements": {"big": n_big, "small": n_small},
        "seed_s": round(t_seed, 1),
        "load_average": os.getloadavg(),
        "pages": summary,
    }
    (OUT / "bench_caseload.json").write_text(json.dumps(out, indent=2))
    print(
        f"seeded {args.citizens} + {args.small} citizens, {n_big + n_small} measurements in {t_seed:.0f} s"
    )
    for k, v in summary.items():
        print(
            f"{k:10s} p50 {v['p50_ms']:7.1f}  p95 {v['p95_ms']:7.1f}  max {v['max_ms']:7.1f} ms"
            f"  (p95 {v['p95_vs_small']:.2f}x the {args.small}-citizen page)"
        )


if __name__ == "__main__":
    main()
