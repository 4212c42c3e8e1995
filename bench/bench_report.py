"""Benchmark: producing the report for the default demo (target: under 30 s incl. PDF, 2 cores).

Baseline in the same run: writing the bare results.json (what `bip analyze` writes anyway).
Reported: wall and CPU seconds for HTML only, HTML + PDF, and the ratio to the baseline.

    python bench/bench_report.py [RESULTS_JSON] [--pages]

Without an argument it uses the realistic fixture of tests/report (same shape as the demo's
results: all nine sections, 22 A4 series, ~120 caseworkers). With --pages it also rasterises
every PDF page into bench/out/report-pages/ for a look.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "report"))


def _timed(fn):
    w, c = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - w, time.process_time() - c


def main(argv: list[str]) -> None:
    from bip.report.render import render_report

    args = [a for a in argv if not a.startswith("--")]
    if args:
        results = json.loads(Path(args[0]).read_text(encoding="utf-8"))
        what = args[0]
    else:
        from fixture_results import make_results

        results = make_results(0)
        what = "tests/report fixture (demo-shaped)"
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        render_report(results, tmp / "warm", pdf=False)  # imports, font cache
        _, bw, bc = _timed(
            lambda: (tmp / "results.json").write_text(
                json.dumps(results, indent=1), encoding="utf-8"
            )
        )
        _, hw, hc = _timed(lambda: render_report(results, tmp / "html", pdf=False))
        out, pw, pc = _timed(lambda: render_report(results, tmp / "pdf", pdf=True))
        size_html = out["html"].stat().st_size
        size_pdf = out["pdf"].stat().st_size if "pdf" in out else 0
        print(f"results: {what}")
        print(f"baseline  results.json write : wall {bw:7.3f} s  cpu {bc:7.3f} s")
        print(
            f"report    HTML only          : wall {hw:7.3f} s  cpu {hc:7.3f} s  ({hw / bw:,.0f}x baseline)"
        )
        print(
            f"report    HTML + PDF         : wall {pw:7.3f} s  cpu {pc:7.3f} s (cpu excludes Chromium)  "
            f"({pw / bw:,.0f}x baseline)  target < 30 s: {'OK' if pw < 30 else 'MISSED'}"
        )
        print(f"sizes: report.html {size_html / 1e6:.2f} MB, report.pdf {size_pdf / 1e6:.2f} MB")
        if "--pages" in argv and "pdf" in out:
            from pages import inspect_pdf

            dest = ROOT / "bench" / "out" / "report-pages"
            dest.mkdir(parents=True, exist_ok=True)
            pages = inspect_pdf(out["pdf"], dest)
            bad = [p for p in pages if p.outside or p.overlaps or p.ink < 0.005]
            print(f"pages: {len(pages)} rasterised to {dest}; problems on {len(bad)}")


if __name__ == "__main__":
    main(sys.argv[1:])
