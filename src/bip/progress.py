"""Progress display for long work: a bar on a terminal, plain lines otherwise (logs, CI)."""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager

import click


@contextmanager
def progress(label: str, total: int | None = None, enabled: bool = True):
    """Yield ``advance(n=1, note=None)``; shows a bar on a TTY, a line per step elsewhere."""
    if not enabled:
        yield lambda n=1, note=None: None
        return
    start = time.monotonic()
    if sys.stderr.isatty() and total:
        with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
            yield lambda n=1, note=None: bar.update(n)
        return
    done = 0

    def advance(n: int = 1, note: str | None = None) -> None:
        nonlocal done
        done += n
        of = f"/{total}" if total else ""
        extra = f" {note}" if note else ""
        click.echo(f"{label}: {done}{of}{extra} ({time.monotonic() - start:.1f}s)", err=True)

    yield advance
