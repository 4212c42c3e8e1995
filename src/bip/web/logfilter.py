"""Keep citizen and measurement ids out of Django's request log.

``django.request`` and ``django.server`` log ``Not Found: /citizen/<pseudonym>/`` and the like
for every 4xx/5xx answer. :class:`RedactPaths` replaces each path in such a record with its
route pattern (``/citizen/<id:citizen_id>/``), or, for a path that matches no route, with its
first segment only; the audit log is the one place that records who opened which citizen.
"""

from __future__ import annotations

import logging

from django.urls import Resolver404, resolve


def route_of(path: str) -> str:
    """``path`` with every variable part replaced by the name of the route's parameter."""
    try:
        match = resolve(path.split("?", 1)[0])
    except Resolver404:
        first = path.lstrip("/").split("/", 1)[0].split("?", 1)[0]
        return f"/{first}/…" if first else "/"
    except Exception:  # a broken URL conf must not break logging
        return "/…"
    return "/" + match.route.lstrip("^").rstrip("$")


class RedactPaths(logging.Filter):
    """A logging filter: request paths in the message arguments become route patterns."""

    def filter(self, record: logging.LogRecord) -> bool:
        # Django's setup may run twice in a process (a test runner and a conftest both call it),
        # leaving two instances of this filter on a logger: a path already redacted stays so.
        if getattr(record, "bip_redacted", False):
            return True
        record.bip_redacted = True
        request = getattr(record, "request", None)
        path = getattr(request, "path", None)
        if isinstance(record.args, tuple) and record.args:
            record.args = tuple(
                route_of(a) if isinstance(a, str) and (a == path or a.startswith("/")) else a
                for a in record.args
            )
        if hasattr(record, "request"):
            record.request = None  # handlers that print the request would show the path again
        return True
