"""Load test of the JSON API on PostgreSQL, loopback only, bounded in time (default 60 s).

N concurrent API clients (default 50; each its own token, as connected systems) create
measurements with a client key, 1 in 10 retried with the same key (half of those sent twice at
the same moment, as a client that times out and retries while the first is still running);
before a create, 1 action in 10 (drawn at random) lists the jobcentre's caseload (1,000
citizens), 1 in 10 reads and corrects a measurement the client made, 1 in 10 fetches the
baseline. The first ``--warmup`` seconds count for correctness, not for latency. The server is
``bip serve`` in its own process(es). Afterwards the database is checked: every acknowledged
create is there exactly once (0 lost, 0 duplicated).

    python bench/load_api.py [--duration 60] [--warmup 5] [--clients 50] [--citizens 1000]
        [--think 1.0] [--workers N] [--threads N]

Prints p50/p95/p99 per request kind as the client sees them and as the server spent them
(``*_server``, the Server-Timing header), and a baseline in the same run: the OpenAPI
schema (``/api/v1/openapi.json``: the same server stack without database or audit). Writes
bench/out/load_api.json. Needs PostgreSQL at 127.0.0.1:5432 (trust); uses its own database
``bip_api_bench`` (dropped and re-created).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load_web import (  # noqa: E402  (the same database, seeding and CPU helpers)
    OUT,
    free_port,
    fresh_database,
    pct,
    process_cpu_s,
    seed,
    server_ms,
)

B_ITEMS = [f"B{i}" for i in range(1, 10)]
S_ITEMS = [f"S{i}" for i in range(2, 13)]
KINDS = tuple(
    f"{k}{side}"
    for k in ("create", "retry", "caseload", "read", "correct", "baseline")
    for side in ("", "_server")
)


def make_tokens(n: int) -> list[str]:
    from bip.web.api.tokens import token_create

    return [
        token_create(
            actor="bench",
            name=f"bench-{i:03d}",
            jobcenter_id="JC-BENCH",
            scopes=["caseload:read", "measurements:write"],
        ).secret
        for i in range(n)
    ]


def duplicated_keys() -> int:
    """Idempotency keys stored on more than one measurement (the unique index forbids it)."""
    from django.db.models import Count

    from bip.web.core.models import Measurement

    return (
        Measurement.objects.exclude(idempotency_key=None)
        .values("idempotency_key")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )


def body(rng: random.Random, key: str) -> dict:
    b = {"client_key": key, "measured_on": dt.date.today().isoformat(), "B10_status": "searching"}
    b.update({i: rng.randint(1, 5) for i in (*B_ITEMS, *S_ITEMS)})
    b["B10_internet"] = 1
    b["B11"] = float(rng.randint(100, 200))
    for n in rng.sample([1, 3, 4, 5, 9, 13], 2):
        b[f"S1_{n}"] = 1
    return b


async def timed(c: httpx.AsyncClient, rec: dict, kind: str, method: str, url: str, **kw):
    """One call, timed. A create that times out is retried with the same body (and so the
    same client key), up to 3 times, as a client relying on idempotency does."""
    for attempt in range(4 if kind in ("create", "retry") else 1):
        t = time.perf_counter()
        try:
            r = await c.request(method, url, **kw)
        except httpx.TimeoutException as exc:
            rec["timeouts"] += 1
            if attempt == 3 or kind not in ("create", "retry"):
                rec["errors"].append(f"{kind}: {exc!r}")
            continue
        except httpx.HTTPError as exc:
            rec["errors"].append(f"{kind}: {exc!r}")
            return None
        if t >= rec["measure_from"]:  # the warm-up's answers count for correctness only
            rec[kind].append(time.perf_counter() - t)
            rec[f"{kind}_server"].append(server_ms(r))
        return r
    return None


async def client(c, citizens, deadline, rec, seed_, think) -> None:
    rng = random.Random(seed_)
    mine: list[str] = []
    await asyncio.sleep(rng.uniform(0, think))
    while time.monotonic() < deadline:
        # the action is drawn at random, 1 in 10 each: a fixed rota (every 10th action) made all
        # clients, started together, list the caseload in the same second every 10 s
        action = rng.random()
        if action < 0.1:
            r = await timed(c, rec, "caseload", "GET", "/api/v1/citizens?status=overdue")
            if r is not None and r.status_code != 200:
                rec["errors"].append(f"caseload {r.status_code}")
        elif action < 0.2 and mine:
            mid = rng.choice(mine)
            r = await timed(c, rec, "read", "GET", f"/api/v1/measurements/{mid}")
            if r is not None and r.status_code == 200:
                patch = {"revision": r.json()["revision"], "B1": rng.randint(1, 5)}
                r = await timed(
                    c, rec, "correct", "PATCH", f"/api/v1/measurements/{mid}", json=patch
                )
                # 409 is a right answer when another client corrected it first (none here)
                if r is not None and r.status_code != 200:
                    rec["errors"].append(f"correct {r.status_code}")
        elif action < 0.3:
            await timed(c, rec, "baseline", "GET", "/api/v1/openapi.json")
        key = uuid.uuid4().hex
        data = body(rng, key)
        url = f"/api/v1/citizens/{rng.choice(citizens)}/measurements"
        roll = rng.random()
        if roll < 0.05:  # a retry while the first call is still running
            rs = await asyncio.gather(
                timed(c, rec, "create", "POST", url, json=data),
                timed(c, rec, "retry", "POST", url, json=data),
            )
        else:
            rs = [await timed(c, rec, "create", "POST", url, json=data)]
            if roll < 0.10:  # a retry after the answer was lost
                rs.append(await timed(c, rec, "retry", "POST", url, json=data))
        ids = set()
        for r in rs:
            if r is None:
                continue
            if r.status_code in (200, 201):
                ids.add(r.json()["measurement_id"])
                rec["status"][r.status_code] = rec["status"].get(r.status_code, 0) + 1
            else:
                rec["errors"].append(f"create {r.status_code} {r.text[:200]}")
        if ids:
            rec["acked"][(seed_, key)] = ids
            mine.extend(ids)
        await asyncio.sleep(rng.uniform(0.5 * think, 1.5 * think))


async def run_load(base, tokens, citizens, duration, warmup, think, server_pid) -> dict:
    rec = {**{k: [] for k in KINDS}, "errors": [], "acked": {}, "status": {}, "timeouts": 0}
    rec["measure_from"] = time.perf_counter() + warmup
    clients = [
        httpx.AsyncClient(base_url=base, timeout=30, headers={"Authorization": f"Bearer {t}"})
        for t in tokens
    ]
    deadline = time.monotonic() + duration
    cpu0 = process_cpu_s(server_pid), time.process_time()
    try:
        await asyncio.gather(
            *(client(c, citizens, deadline, rec, k, think) for k, c in enumerate(clients))
        )
        rec["server_cpu_s"] = process_cpu_s(server_pid) - cpu0[0]
        rec["load_generator_cpu_s"] = time.process_time() - cpu0[1]
    finally:
        for c in clients:
            await c.aclose()
    return rec


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--duration", type=float, default=60)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--citizens", type=int, default=1000)
    ap.add_argument("--think", type=float, default=1.0, help="mean seconds between actions")
    ap.add_argument("--workers", type=int, default=None, help="server processes")
    ap.add_argument(
        "--warmup",
        type=float,
        default=5,
        help="first seconds of the run whose latencies are not counted (workers start cold)",
    )
    ap.add_argument(
        "--threads", type=int, default=None, help="threads per server process (bip serve's default)"
    )
    ap.add_argument("--admin-url", default="postgresql://127.0.0.1:5432/test")
    ap.add_argument("--db-name", default="bip_api_bench")
    args = ap.parse_args()
    if not 0 < args.duration <= 600:
        ap.error("--duration must be 0-600 s")

    from bip.web.server import default_threads, default_workers

    args.workers = args.workers or default_workers()
    args.threads = args.threads or default_threads(args.workers)
    db_url = fresh_database(args.admin_url, args.db_name)
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "BIP_SECRET_KEY": secrets.token_urlsafe(40),
        "BIP_HMAC_KEY": secrets.token_hex(32),
        "BIP_DATA_DIR": str(OUT / "load_api_data"),
    }
    os.environ.update(
        {k: env[k] for k in ("DATABASE_URL", "BIP_SECRET_KEY", "BIP_HMAC_KEY", "BIP_DATA_DIR")}
    )
    from bip.web import bootstrap

    bootstrap.setup()
    bootstrap.migrate()
    users = seed(1, args.citizens)  # one caseworker; the clients are systems, not logins
    citizens = users[0]["citizens"]
    tokens = make_tokens(args.clients)
    from bip.web.core.models import Measurement

    before = Measurement.objects.count()
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bip",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--threads",
            str(args.threads),
            "--workers",
            str(args.workers),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(150):
            try:
                if httpx.get(base + "/api/v1/openapi.json", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        rec = asyncio.run(
            run_load(base, tokens, citizens, args.duration, args.warmup, args.think, server.pid)
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    acked: dict = rec["acked"]
    answered_ids = [i for ids in acked.values() for i in ids]
    stored = set(
        Measurement.objects.filter(measurement_id__in=answered_ids).values_list(
            "measurement_id", flat=True
        )
    )
    created = Measurement.objects.count() - before
    result = {
        "duration_s": args.duration,
        "clients": args.clients,
        "citizens_in_caseload": args.citizens,
        "think_s": args.think,
        "warmup_s": args.warmup,
        "server_processes": args.workers,
        "server_threads": args.threads,
        "database": "postgresql",
        "creates_acknowledged": len(acked),
        "answers": rec["status"],
        "rows_created": created,
        # an acknowledged create whose measurement is not stored
        "lost": sum(1 for ids in acked.values() if not ids & stored),
        # a client key answered with two measurements, or a key stored twice
        "duplicated": sum(1 for ids in acked.values() if len(ids) > 1) + duplicated_keys(),
        # rows no answer acknowledged (a create whose every attempt timed out)
        "unacknowledged_rows": created - len(acked),
        "timeouts_retried": rec["timeouts"],
        "errors": len(rec["errors"]),
        "error_samples": rec["errors"][:10],
        "creates_per_s": round(len(acked) / args.duration, 1),
        "server_cpu_s": round(rec["server_cpu_s"], 1),
        "load_generator_cpu_s": round(rec["load_generator_cpu_s"], 1),
    }
    for kind in KINDS:
        xs = [x for x in rec[kind] if x is not None]
        result[kind] = {
            "n": len(xs),
            "p50_ms": pct(xs, 0.5),
            "p95_ms": pct(xs, 0.95),
            "p99_ms": pct(xs, 0.99),
            "mean_ms": 1000 * statistics.fmean(xs) if xs else None,
        }
    b = result["baseline"]["p50_ms"]
    for kind in ("create", "caseload"):
        p50 = result[kind]["p50_ms"]
        result[f"{kind}_p50_vs_baseline"] = round(p50 / b, 2) if b and p50 else None
    result["load_average_1m_after"] = os.getloadavg()[0]
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "load_api.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    ok = (
        result["errors"] == 0
        and result["lost"] == 0
        and result["duplicated"] == 0
        and result["unacknowledged_rows"] == 0
    )
    p95 = result["create"]["p95_ms"]
    print(
        "RESULT:",
        "OK" if ok else "PROBLEMS",
        "| create p95 <= 50 ms:",
        p95 is not None and p95 <= 50,
    )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
