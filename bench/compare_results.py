"""Compare two results.json files number by number (before/after a change).

    python bench/compare_results.py BEFORE/results.json AFTER/results.json [--tol 1e-10]

Every number present in BEFORE must be present in AFTER at the same path and equal within
``--tol`` (absolute, or relative for numbers above 1 in size); strings, booleans and nulls must
be identical. ``meta`` (time, paths, version) is not compared. Paths that exist only in AFTER are
listed as additions (new results), never as failures. ``--expect PATH=REASON`` accepts a listed
difference (a fix that changes a number on purpose); every accepted path is printed with its
reason. ``--v1`` accepts what schema bip-results/2 dropped from a bip-results/1 BEFORE
(``bip.results.upgrade.DROPPED``: fixed prose, published values, copies of the summaries).
Exit status 1 when anything else differs.

    python bench/compare_results.py /work/baseline/demo-results /tmp/demo-after --v1
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import math
import sys
from pathlib import Path

IGNORED = ("meta", "meta/*")


def flatten(obj, prefix: str = "") -> dict[str, object]:
    """path -> leaf value (lists indexed by position, objects by key)."""
    out: dict[str, object] = {}
    if isinstance(obj, dict):
        if not obj:
            out[prefix] = {}
        for k, v in obj.items():
            out.update(flatten(v, f"{prefix}/{k}" if prefix else str(k)))
    elif isinstance(obj, list):
        if not obj:
            out[prefix] = []
        for i, v in enumerate(obj):
            out.update(flatten(v, f"{prefix}/{i}"))
    else:
        out[prefix] = obj
    return out


def same(a, b, tol: float) -> bool:
    """Numbers within ``tol`` (relative above 1 in size); anything else identical."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, int | float) and isinstance(b, int | float):
        if math.isnan(a) and math.isnan(b):
            return True
        return abs(a - b) <= tol * max(1.0, abs(a))
    return a == b


def compare(before: dict, after: dict, *, tol: float = 1e-10, expect: dict[str, str] | None = None):
    """(differences, accepted, additions): lists of (path, before, after[, reason])."""
    expect = expect or {}
    fb, fa = flatten(before), flatten(after)
    diffs, accepted = [], []
    for path, vb in fb.items():
        if any(fnmatch.fnmatchcase(path, p) for p in IGNORED):
            continue
        va = fa.get(path, "<missing>")
        if va != "<missing>" and same(vb, va, tol):
            continue
        reason = next((r for p, r in expect.items() if fnmatch.fnmatchcase(path, p)), None)
        (accepted if reason else diffs).append((path, vb, va, reason))
    additions = [(p, v) for p, v in fa.items() if p not in fb and not p.startswith("meta")]
    return diffs, accepted, additions


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("before", type=Path)
    ap.add_argument("after", type=Path)
    ap.add_argument("--tol", type=float, default=1e-10)
    ap.add_argument("--expect", action="append", default=[], metavar="PATH=REASON")
    ap.add_argument("--show", type=int, default=30, help="differences printed at most")
    ap.add_argument("--v1", action="store_true", help="BEFORE is bip-results/1: accept its drops")
    args = ap.parse_args(argv)

    def load(p: Path) -> dict:
        return json.loads((p / "results.json" if p.is_dir() else p).read_text(encoding="utf-8"))

    expect = dict(e.split("=", 1) for e in args.expect)
    if args.v1:
        from bip.results.upgrade import DROPPED

        expect.update({q: "not in bip-results/2" for p in DROPPED for q in (p, p + "/*")})
    diffs, accepted, additions = compare(
        load(args.before), load(args.after), tol=args.tol, expect=expect
    )
    for path, vb, va, reason in accepted[: args.show]:
        print(f"accepted  {path}: {vb!r} -> {va!r} ({reason})")
    for path, vb, va, _ in diffs[: args.show]:
        print(f"DIFFERENT {path}: {vb!r} -> {va!r}")
    n_add = len(additions)
    print(
        f"{len(diffs)} different, {len(accepted)} accepted, {n_add} new paths "
        f"(tolerance {args.tol:g})"
    )
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
