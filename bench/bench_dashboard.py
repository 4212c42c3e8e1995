"""Dashboard page latency at scale-10 synthetic data on PostgreSQL (target p95 ≤ 300 ms).

    python bench/bench_dashboard.py [--scale 10] [--requests 40] [--keep]

Generates (or reuses, in ``bench/out/cohort-s<scale>``) a synthetic cohort, loads its
operational tables into a fresh PostgreSQL database ``bip_dash_bench`` with ``bip import-db``'s
function, uploads three registers through the upload path (persons, employment_months,
benefit_weeks: validated and stored as an administrator would), creates a manager per
jobcentre and an analyst, and then requests, one at a time through Django's test client (the
whole Django stack with the database, no network):

* ``cold``: the first dashboard request after the data changed (builds the analysis panel);
* ``dashboard``: a manager's own jobcentre, all periods (jobcentres in turn);
* ``dashboard_team_period``: a team of 10 caseworkers, one calendar year;
* ``dashboard_analyst_period``: an analyst choosing a jobcentre and a period not seen before
  (the all-jobcentre comparison is computed once per period and data version);
* ``effectiveness``: the caseworker-effectiveness page (manager, team level);
* ``baseline``: the teams page (a light page: login, one query, template) in the same run.

Prints p50/p95/max per kind in ms and writes ``bench/out/bench_dashboard.json``. Needs
PostgreSQL at 127.0.0.1:5432 (trust).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _load import setup_django, summarize  # noqa: E402  (shared with bench_caseload.py)

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scale", type=float, default=10.0)
    ap.add_argument("--requests", type=int, default=40)
    ap.add_argument("--pg", default="postgresql://127.0.0.1:5432/test")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    cohort = OUT / f"cohort-s{args.scale:g}"
    t0 = time.perf_counter()
    if not (cohort / "measurements.parquet").exists():
        from bip.synth import generate_cohort

        generate_cohort(cohort, scale=args.scale, seed=0, fmt="parquet", overwrite=True)
    t_gen = time.perf_counter() - t0

    setup_django(args.pg, "bip_dash_bench", OUT / "dash-data")
    from django.contrib.auth import get_user_model
    from django.test import Client

    from bip.web.core.models import Caseworker, Jobcenter, Profile
    from bip.web.exchange import import_db
    from bip.web.insight.models import RegisterUpload, Team
    from bip.web.insight.uploads import accept_register_file

    t0 = time.perf_counter()
    counts = import_db(cohort)
    t_import = time.perf_counter() - t0
    RegisterUpload.objects.all().delete()
    t0 = time.perf_counter()
    for table in ("persons", "employment_months", "benefit_weeks"):
        accept_register_file(cohort / f"{table}.parquet", table, f"{table}.parquet")
    t_upload = time.perf_counter() - t0
    User = get_user_model()
    jcs = list(Jobcenter.objects.order_by("jobcenter_id"))
    managers = []
    for i, jc in enumerate(jcs):
        u = User.objects.create_user(f"bench-manager{i}")
        Profile.objects.create(user=u, role="manager", jobcenter=jc)
        managers.append(u)
        t = Team.objects.create(jobcenter=jc, name="Team 1")
        t.caseworkers.set(Caseworker.objects.filter(jobcenter=jc).order_by("caseworker_id")[:10])
    analyst = User.objects.create_user("bench-analyst")
    Profile.objects.create(user=analyst, role="analyst")

    times: dict[str, list[float]] = {}

    def get(kind: str, user, url: str) -> None:
        c = Client()
        c.force_login(user)
        t = time.perf_counter()
        r = c.get(url)
        times.setdefault(kind, []).append(1000 * (time.perf_counter() - t))
        if r.status_code != 200:
            sys.exit(f"{kind} {url}: HTTP {r.status_code}")

    get("cold", managers[0], "/dashboard/")
    years = ["2013", "2014", "2015", "2016"]
    for i in range(args.requests):
        k = i % len(jcs)
        team = Team.objects.get(jobcenter=jcs[k]).pk
        get("baseline", managers[k], "/teams/")
        get("dashboard", managers[k], "/dashboard/")
        y = years[i % len(years)]
        get(
            "dashboard_team_period",
            managers[k],
            f"/dashboard/?team={team}&start={y}-01-01&end={y}-12-31",
        )
        get(
            "dashboard_analyst_period",
            analyst,
            f"/dashboard/?jobcenter={jcs[k].jobcenter_id}&start={y}-0{1 + i % 9}-01&end={y}-12-31",
        )
        get("effectiveness", managers[k], "/effectiveness/")
    summary = summarize(times)
    base = summary["baseline"]["p50_ms"]
    for s in summary.values():
        s["p50_vs_baseline"] = round(s["p50_ms"] / base, 1) if base else None
    out = {
        "scale": args.scale,
        "rows": counts,
        "generate_s": round(t_gen, 1),
        "import_s": round(t_import, 1),
        "register_upload_s": round(t_upload, 1),
        "load_average": os.getloadavg(),
        "pages": summary,
    }
    (OUT / "bench_dashboard.json").write_text(json.dumps(out, indent=2))
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
