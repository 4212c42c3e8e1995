"""Serving the tool: several gunicorn worker processes where the platform can fork, else waitress.

One Python process runs one request's Python code at a time (the GIL), so a single process
cannot use a second core; under load that, not the database, sets the latency
(bench/load_web.py). Workers are separate processes sharing the database, the sessions (in the
database) and the login-throttling counters (the database cache, see settings.CACHES).
"""

from __future__ import annotations

import os
import sys

from bip.private import UMASK


def default_workers() -> int:
    """Two worker processes per CPU core, at most 8.

    Two processes of 2 threads per core beat one of 8: the threads of one process share one
    GIL, and under 50 API clients on 2 cores the create's p95 was 54-121 ms (server time
    46-99 ms) with 2 x 8 against 40-71 ms (24-41 ms) with 4 x 2, three alternating runs of
    bench/load_api.py (docs/api.md, "Load")."""
    return max(1, min(8, 2 * (os.cpu_count() or 1)))


def default_threads(workers: int) -> int:
    """Threads per process: 2 beside other processes; 8 in a single (waitress) process, which
    must also serve a slow client without making everyone wait."""
    return 2 if workers > 1 and can_fork() else 8


def can_fork() -> bool:
    """Whether gunicorn can run here (POSIX only; on Windows the tool runs in one process)."""
    if sys.platform == "win32":
        return False
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        return False
    return True


def serve(host: str, port: int, *, workers: int, threads: int) -> None:
    """Serve ``bip.web.wsgi`` until stopped: gunicorn with ``workers`` processes of ``threads``
    threads each, or waitress with ``threads`` threads when ``workers`` is 1 or forking is
    unavailable. Django must be set up and the database migrated already."""
    from django.db import connections

    connections.close_all()  # a forked worker must not share its parent's database connection
    if workers > 1 and can_fork():
        _gunicorn(host, port, workers, threads)
        return
    from waitress import serve as waitress_serve

    from bip.web.wsgi import application

    waitress_serve(application, host=host, port=port, threads=threads, ident="bip")


def _gunicorn(host: str, port: int, workers: int, threads: int) -> None:
    from gunicorn.app.base import BaseApplication

    class Application(BaseApplication):
        def load_config(self):
            for key, value in {
                "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",  # IPv6 in brackets
                "workers": workers,
                "threads": threads,
                "worker_class": "gthread",
                # browsers reuse a connection across a caseworker's clicks; gunicorn's 2 s default
                # closes it while the next request may already be on its way
                "keepalive": 30,
                "accesslog": None,  # URLs hold citizen pseudonyms; the audit log records access
                "errorlog": "-",
                "loglevel": "warning",
                "proc_name": "bip",
                "umask": UMASK,  # gunicorn's own files too: private, as everything BIP writes
            }.items():
                self.cfg.set(key, value)

        def load(self):
            from bip.web.wsgi import application

            return application

    Application().run()
