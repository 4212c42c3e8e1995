"""Load test of the measurement tool on PostgreSQL, loopback only, bounded in time.

N concurrent caseworkers (default 50) log in and, with a think time between actions, save
complete measurements (1 in 10 submitted twice, as a double click would) and now and then
open the jobcentre caseload of 1,000 citizens. The server is ``bip serve`` in its own process(es):
gunicorn workers (``--workers``, default one per core) or, with ``--workers 1``, one waitress
process. Afterwards the database is checked: every acknowledged save is there exactly once.

    python bench/load_web.py [--duration 120] [--users 50] [--citizens 1000] [--follow]

After a save the server redirects to the citizen page with a "saved" message. By default the
client clears that message as a browser would by showing it, without loading the page; with
``--follow`` it loads the page too (reported as ``landing``), which is what a caseworker's
browser does and roughly triples the server's work per save.

Prints p50/p95/p99 latencies per request kind as the client sees them and as the server spent
them (``*_server``, from the Server-Timing header: Django time without queueing), errors, the
CPU seconds the server and the load generator used during the timed part, and the latency of a
light page as a baseline in the same run; writes bench/out/load_web.json. Needs PostgreSQL at
127.0.0.1:5432 (trust); uses its own database ``bip_web_bench`` (dropped and re-created).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _load import fresh_database  # noqa: E402  (shared with the in-process page benchmarks)

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
B_ITEMS = [f"B{i}" for i in range(1, 10)]
S_ITEMS = [f"S{i}" for i in range(2, 13)]
PASSWORD = "bench-password-" + "x" * 8
# request kinds timed; "landing" is the page a browser opens after a save (--follow only)
KINDS = tuple(
    f"{k}{side}" for k in ("save", "caseload", "baseline", "landing") for side in ("", "_server")
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seed(n_users: int, n_citizens: int) -> list[dict]:
    """One jobcentre, n caseworker logins, n_citizens citizens (round robin) with 2 measurements."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from bip.instrument import S1_OPTIONS
    from bip.web.core.models import Assignment, Caseworker, Citizen, Jobcenter, Measurement, Profile
    from bip.web.core.newest import refresh_newest

    User = get_user_model()
    rng = random.Random(1)
    with transaction.atomic():
        jc = Jobcenter.objects.create(jobcenter_id="JC-BENCH", name="Benchmark Jobcenter")
        hashed = User(username="x")
        hashed.set_password(PASSWORD)  # argon2, as in production; hashed once, reused
        users, cws = [], []
        for i in range(n_users):
            u = User.objects.create(username=f"cw{i:03d}", password=hashed.password)
            Profile.objects.create(user=u, role="caseworker", jobcenter=jc)
            cws.append(Caseworker.objects.create(caseworker_id=f"W{i:03d}", jobcenter=jc, user=u))
            users.append({"username": u.username, "citizens": []})
        today = dt.date.today()
        citizens = Citizen.objects.bulk_create(
            [
                Citizen(
                    citizen_id=secrets.token_hex(32),
                    jobcenter=jc,
                    caseworker=cws[k % n_users],
                    enrolled_on=today - dt.timedelta(weeks=60),
                )
                for k in range(n_citizens)
            ]
        )
        Assignment.objects.bulk_create(
            [
                Assignment(citizen=c, caseworker=c.caseworker, started_on=c.enrolled_on)
                for c in citizens
            ]
        )
        ms = []
        for k, c in enumerate(citizens):
            users[k % n_users]["citizens"].append(c.citizen_id)
            for j in range(2):
                m = Measurement(
                    measurement_id=uuid.uuid4().hex,
                    citizen=c,
                    caseworker=c.caseworker,
                    measured_on=today - dt.timedelta(weeks=30 - 14 * j - rng.randint(0, 4)),
                    B10_status="searching",
                )
                for item in (*B_ITEMS, *S_ITEMS):
                    setattr(m, item, rng.randint(1, 5))
                for n in S1_OPTIONS:
                    setattr(m, f"S1_{n}", int(rng.random() < 0.15))
                for ch in (
                    "newspapers",
                    "internet",
                    "unsolicited",
                    "network",
                    "internship",
                    "temp_agency",
                ):
                    setattr(m, f"B10_{ch}", 0)
                ms.append(m)
        Measurement.objects.bulk_create(ms, batch_size=2000)
        # bulk_create sends no post_save: the caseload reads each citizen's newest measurement
        # from the citizen row, so fill it as the dataset import does
        refresh_newest(c.pk for c in citizens)
    return users


def process_cpu_s(pid: int) -> float:
    """User + system CPU seconds so far of process ``pid`` and its live children (gunicorn's
    workers), from Linux /proc."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if stat.parent.name == str(pid) or int(fields[1]) == pid:
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def server_ms(r: httpx.Response) -> float | None:
    m = re.search(r"app;dur=([0-9.]+)", r.headers.get("server-timing", ""))
    return float(m.group(1)) / 1000 if m else None


def payload(rng: random.Random) -> dict:
    data = {
        "measured_on": dt.date.today().isoformat(),
        "B10_status": "searching",
        "B10_channels": ["internet"],
        "B11": str(rng.randint(100, 200)),
        "S1": [str(n) for n in rng.sample([3, 5, 9, 13, 4, 1], 2)],
        "idempotency_key": uuid.uuid4().hex,
    }
    data.update({i: str(rng.randint(1, 5)) for i in (*B_ITEMS, *S_ITEMS)})
    return data


async def login(base: str, user: dict, gate: asyncio.Semaphore) -> httpx.AsyncClient:
    """Log in before the clock starts (argon2 hashing is deliberately slow; not part of the test)."""
    c = httpx.AsyncClient(base_url=base, timeout=30, follow_redirects=False)
    async with gate:
        r = await c.get("/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', r.text).group(1)
        r = await c.post(
            "/login/",
            data={"username": user["username"], "password": PASSWORD, "csrfmiddlewaretoken": token},
        )
    if r.status_code != 302:
        raise RuntimeError(f"login {user['username']}: HTTP {r.status_code}")
    return c


async def caseworker(
    c: httpx.AsyncClient,
    user: dict,
    deadline: float,
    rec: dict,
    seed_: int,
    think: float,
    caseload_every: int,
    follow: bool,
) -> None:
    rng = random.Random(seed_)
    await asyncio.sleep(rng.uniform(0, think))  # spread the start
    i = 0
    while time.monotonic() < deadline:
        i += 1
        if i % caseload_every == 0:
            t = time.perf_counter()
            r = await c.get("/caseload/?scope=all")
            rec["caseload"].append(time.perf_counter() - t)
            rec["caseload_server"].append(server_ms(r))
            if r.status_code != 200:
                rec["errors"].append(f"caseload {r.status_code}")
        elif i % caseload_every == 1:
            t = time.perf_counter()
            r = await c.get(
                "/login/"
            )  # baseline: a light page through the same stack (redirects when logged in)
            rec["baseline"].append(time.perf_counter() - t)
            rec["baseline_server"].append(server_ms(r))
        cid = rng.choice(user["citizens"])
        data = {**payload(rng), "csrfmiddlewaretoken": c.cookies.get("csrftoken")}
        for attempt in range(2 if rng.random() < 0.1 else 1):  # 10 %: double submit
            t = time.perf_counter()
            try:
                r = await c.post(f"/citizen/{cid}/measure/both/", data=data)
            except httpx.HTTPError as exc:
                rec["errors"].append(f"save: {exc!r}")
                continue
            rec["save"].append(time.perf_counter() - t)
            rec["save_server"].append(server_ms(r))
            if r.status_code == 302:
                rec["acked"].add(data["idempotency_key"])
                rec["posts"] += 1
                if attempt:
                    rec["double_submits"] += 1
                await after_save(c, r, rec, follow)
            else:
                rec["errors"].append(f"save {r.status_code}")
        await asyncio.sleep(rng.uniform(0.5 * think, 1.5 * think))


async def after_save(c: httpx.AsyncClient, r: httpx.Response, rec: dict, follow: bool) -> None:
    """What a browser does after a save: open the page it is sent to, which shows (and so
    clears) the "saved" message. Without ``follow`` only the clearing is done: the message
    cookie is dropped. A client that did neither would pile up messages in its cookie and
    then in its session, and every later request would pay for decoding them.
    """
    if not follow:
        c.cookies.delete("messages")
        return
    t = time.perf_counter()
    page = await c.get(r.headers["location"])
    rec["landing"].append(time.perf_counter() - t)
    rec["landing_server"].append(server_ms(page))
    if page.status_code != 200:
        rec["errors"].append(f"page after save {page.status_code}")


def pct(xs: list[float], q: float) -> float | None:
    if not xs:
        return None
    xs = sorted(xs)
    return 1000 * xs[min(len(xs) - 1, int(q * len(xs)))]


async def run_load(
    base: str,
    users: list[dict],
    duration: float,
    think: float,
    caseload_every: int,
    server_pid: int,
    follow: bool,
) -> dict:
    rec = {**{k: [] for k in KINDS}, "errors": [], "acked": set(), "posts": 0, "double_submits": 0}
    gate = asyncio.Semaphore(2)
    clients = await asyncio.gather(*(login(base, u, gate) for u in users))
    deadline = time.monotonic() + duration
    cpu0 = process_cpu_s(server_pid), time.process_time()
    try:
        await asyncio.gather(
            *(
                caseworker(c, u, deadline, rec, k, think, caseload_every, follow)
                for k, (c, u) in enumerate(zip(clients, users, strict=True))
            )
        )
        # CPU seconds of the timed part: how much of the 2 cores each side used
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
    ap.add_argument("--duration", type=float, default=120)
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--citizens", type=int, default=1000)
    ap.add_argument(
        "--think", type=float, default=2.0, help="mean seconds between a caseworker's actions"
    )
    ap.add_argument(
        "--caseload-every", type=int, default=10, help="every n-th action opens the caseload"
    )
    ap.add_argument(
        "--workers",
        type=int,
        default=None,
        help="server processes (default: bip serve's, two per core up to 8); 1 = one waitress process",
    )
    ap.add_argument(
        "--threads", type=int, default=None, help="threads per server process (bip serve's default)"
    )
    ap.add_argument(
        "--follow",
        action="store_true",
        help="after each save, open the citizen page it redirects to, as a browser does",
    )
    ap.add_argument("--admin-url", default="postgresql://127.0.0.1:5432/test")
    ap.add_argument("--db-name", default="bip_web_bench")
    args = ap.parse_args()

    from bip.web.server import default_threads, default_workers

    args.workers = args.workers or default_workers()
    args.threads = args.threads or default_threads(args.workers)
    db_url = fresh_database(args.admin_url, args.db_name)
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "BIP_SECRET_KEY": secrets.token_urlsafe(40),
        "BIP_HMAC_KEY": secrets.token_hex(32),
        "BIP_DATA_DIR": str(OUT / "load_web_data"),
    }
    os.environ.update(
        {k: env[k] for k in ("DATABASE_URL", "BIP_SECRET_KEY", "BIP_HMAC_KEY", "BIP_DATA_DIR")}
    )
    from bip.web import bootstrap

    bootstrap.setup()
    bootstrap.migrate()
    t0 = time.perf_counter()
    users = seed(args.users, args.citizens)
    print(
        f"seeded {args.users} caseworkers, {args.citizens} citizens in {time.perf_counter() - t0:.1f}s",
        flush=True,
    )
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
        for _ in range(100):
            try:
                if httpx.get(base + "/login/", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        rec = asyncio.run(
            run_load(
                base, users, args.duration, args.think, args.caseload_every, server.pid, args.follow
            )
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    rows = Measurement.objects.filter(measured_on=dt.date.today()).exclude(idempotency_key=None)
    keys = list(rows.values_list("idempotency_key", flat=True))
    acked = rec["acked"]
    result = {
        "duration_s": args.duration,
        "users": args.users,
        "citizens_in_caseload": args.citizens,
        "think_s": args.think,
        "server_processes": args.workers,
        "server_threads": args.threads,
        "database": "postgresql",
        "follow": args.follow,
        "saves_acknowledged": len(acked),
        "save_posts": rec["posts"],
        "double_submits": rec["double_submits"],
        "rows_created": Measurement.objects.count() - before,
        "lost": len(acked - set(keys)),
        "duplicated": len(keys) - len(set(keys)),
        "unacknowledged_rows": len(set(keys) - acked),
        "errors": len(rec["errors"]),
        "error_samples": rec["errors"][:10],
        "throughput_saves_per_s": round(rec["posts"] / args.duration, 1),
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
    for kind in ("save", "caseload"):
        p50 = result[kind]["p50_ms"]
        result[f"{kind}_p50_vs_baseline"] = round(p50 / b, 2) if b and p50 else None
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "load_web.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    ok = (
        result["errors"] == 0
        and result["lost"] == 0
        and result["duplicated"] == 0
        and result["rows_created"] == len(acked)
    )
    try:
        result["load_average_1m_after"] = os.getloadavg()[0]
        (OUT / "load_web.json").write_text(json.dumps(result, indent=2))
    except OSError:
        pass
    print(
        "RESULT:",
        "OK" if ok else "PROBLEMS",
        "| targets: save p95 <= 50 ms:",
        result["save"]["p95_ms"] is not None and result["save"]["p95_ms"] <= 50,
        "| caseload p95 <= 100 ms:",
        result["caseload"]["p95_ms"] is not None and result["caseload"]["p95_ms"] <= 100,
    )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
