"""CPU per API create, in one process, on PostgreSQL: the figure the load test's latency rests on.

Sends ``--n`` creates one after another through Django's test client (the whole middleware
stack, ninja, validation, the service, the audit entry; no HTTP server) and reports the
process's CPU milliseconds per create, the wall time per create and the SQL queries of one
create. CPU time barely depends on what else the machine is doing, unlike latency, so the
figure is comparable between runs on a shared machine (report the load average beside it).

    python bench/profile_api_create.py [--n 300] [--profile] [--top 40]

``--profile`` also runs cProfile (on CPU time) over the creates and prints the functions with
the most cumulative and own time. Needs PostgreSQL at 127.0.0.1:5432 (trust); uses its own database
``bip_api_profile`` (dropped and re-created).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import secrets
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load_api import body, make_tokens  # noqa: E402
from load_web import OUT, fresh_database, seed  # noqa: E402


def creates(client, token: str, citizens: list[str], n: int, rng: random.Random) -> list[float]:
    """``n`` creates; the wall seconds of each. Fails loudly on anything but 201."""
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    walls = []
    for _ in range(n):
        url = f"/api/v1/citizens/{rng.choice(citizens)}/measurements"
        t = time.perf_counter()
        r = client.post(
            url, body(rng, uuid.uuid4().hex), content_type="application/json", **headers
        )
        walls.append(time.perf_counter() - t)
        if r.status_code != 201:
            raise SystemExit(f"create answered {r.status_code}: {r.content[:300]!r}")
    return walls


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--citizens", type=int, default=1000)
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--top", type=int, default=40)
    ap.add_argument("--admin-url", default="postgresql://127.0.0.1:5432/test")
    ap.add_argument("--db-name", default="bip_api_profile")
    args = ap.parse_args()
    os.environ.update(
        {
            "DATABASE_URL": fresh_database(args.admin_url, args.db_name),
            "BIP_SECRET_KEY": secrets.token_urlsafe(40),
            "BIP_HMAC_KEY": secrets.token_hex(32),
            "BIP_DATA_DIR": str(OUT / "profile_api_data"),
        }
    )
    from bip.web import bootstrap

    bootstrap.setup()
    bootstrap.migrate()
    from django.db import connection
    from django.test import Client

    citizens = seed(1, args.citizens)[0]["citizens"]
    token = make_tokens(1)[0]
    client = Client(HTTP_HOST="127.0.0.1")
    rng = random.Random(1)
    creates(client, token, citizens, 20, rng)  # warm: imports, caches, the connection
    sql: list[str] = []

    def record(execute, query, params, many, context):
        sql.append(query)
        return execute(query, params, many, context)

    with connection.execute_wrapper(record):  # (the test client's request resets queries_log)
        creates(client, token, citizens, 1, rng)
    cpu0 = time.process_time()
    walls = creates(client, token, citizens, args.n, rng)
    cpu_ms = 1000 * (time.process_time() - cpu0) / args.n
    result = {
        "creates": args.n,
        "cpu_ms_per_create": round(cpu_ms, 2),
        "wall_ms_p50": round(1000 * statistics.median(walls), 2),
        "queries_per_create": len(sql),
        "load_average": os.getloadavg(),
    }
    print(json.dumps(result, indent=2))
    for q in sql:
        print("  SQL", q[:160])
    if args.profile:
        prof = cProfile.Profile(time.process_time)  # CPU, not waiting for the database
        prof.enable()
        creates(client, token, citizens, args.n, rng)
        prof.disable()
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(args.top)
        print(out.getvalue())
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(args.top)
        print(out.getvalue())


if __name__ == "__main__":
    main()
