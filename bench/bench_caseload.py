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
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _load import setup_django, summarize  # noqa: E402  (shared with bench_dashboard.py)

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
TODAY = dt.date.today()


def seed(jc_id: str, n: int, rng: random.Random):
    """A jobcentre with ``n`` citizens, 40 caseworkers (half with a login) and a manager."""
    from django.contrib.auth import get_user_model

    from bip.instrument import S1_OPTIONS
    from bip.web.core.models import Caseworker, Citizen, Jobcenter, Measurement, Profile
    from bip.web.core.newest import refresh_newest

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
    # bulk_create bypasses Measurement.save(): set the newest measurement as an import does
    refresh_newest(c.pk for c in citizens)
    manager = User.objects.create_user(f"{jc_id}-manager")
    Profile.objects.create(user=manager, role="manager", jobcenter=jc)
    return manager, len(ms)


def explain_first_page(citizens, repeats: int) -> dict[str, dict]:
    """The first page's two queries (the counts and the rows), as ``caseload_select`` sends
    them, under EXPLAIN ANALYZE: median and max of the execution time PostgreSQL reports, which
    the load of other processes hardly moves."""
    import statistics

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bip.web.core.selectors import caseload_select

    with CaptureQueriesContext(connection) as sent:
        caseload_select(citizens, today=TODAY)
    out = {}
    with connection.cursor() as cur:
        for name, q in zip(("counts", "rows"), sent.captured_queries, strict=True):
            ms = []
            for _ in range(repeats):
                cur.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + q["sql"])
                ms.append(cur.fetchone()[0][0]["Execution Time"])
            out[name] = {"p50_ms": round(statistics.median(ms), 2), "max_ms": round(max(ms), 2)}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--citizens", type=int, default=5000)
    ap.add_argument("--small", type=int, default=500)
    ap.add_argument("--requests", type=int, default=60)
    ap.add_argument("--pg", default="postgresql://127.0.0.1:5432/test")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    setup_django(args.pg, "bip_caseload_bench", OUT / "caseload-data")
    from django.db import connection
    from django.test import Client

    from bip.web.core.models import Citizen
    from bip.web.core.selectors import caseload
    from bip.web.core.views.caseload import _caseload_rows_html

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
    server: dict[str, list[float]] = {}  # Server-Timing: Django's own time, without the client
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
        timing = r.headers.get("Server-Timing", "")
        if "dur=" in timing:
            server.setdefault(kind, []).append(float(timing.split("dur=")[1].split(",")[0]))

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
    server.pop("warm", None)
    summary = summarize(times)
    base = summary["small"]["p95_ms"]
    for k in summary:
        summary[k]["p95_vs_small"] = round(summary[k]["p95_ms"] / base, 2)
    server_summary = summarize(server)
    queries = explain_first_page(
        Citizen.objects.filter(jobcenter__jobcenter_id="BIG"), max(5, args.requests // 6)
    )
    out = {
        "citizens": args.citizens,
        "small": args.small,
        "measurements": {"big": n_big, "small": n_small},
        "seed_s": round(t_seed, 1),
        "load_average": os.getloadavg(),
        "pages": summary,
        "server_timing": server_summary,
        "first_page_queries_ms": queries,
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
    for k, v in server_summary.items():
        print(f"{k:10s} Server-Timing p50 {v['p50_ms']:7.1f}  p95 {v['p95_ms']:7.1f} ms")
    print("first page's queries, EXPLAIN ANALYZE execution ms:", queries)
    print("load average", os.getloadavg())


if __name__ == "__main__":
    main()
