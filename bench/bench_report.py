"""Benchmark: producing the report for the default demo (target: under 30 s incl. PDF, 2 cores).

Baseline in the same run: writing the bare results.json (what `bip analyze` writes anyway).
Reported: wall and CPU seconds for HTML only, HTML + PDF, and the ratio to the baseline.

    python bench/bench_report.py [RESULTS_JSON] [--pages]

RESULTS_JSON is read with bip.results.load_results (schema bip-results/2, or /1 upgraded).
Without it the default demo cohort (`bip synth --seed 0`, scale 1) is made and analysed
first (about a minute, not timed). With --pages it also rasterises every PDF page (Danish
and English) into bench/out/report-pages/ for a look.
"""

from __future__ import annotations

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


def _demo_results(tmp: Path):
    from bip.analysis.run import analyze_dataset

    from bip.results import load_results
    from bip.synth import generate_cohort

    cohort = generate_cohort(tmp / "cohort", scale=1, seed=0, fmt="parquet")
    return load_results(analyze_dataset(cohort, tmp / "demo", report=False))


def main(argv: list[str]) -> None:
    from bip.report.render import render_report, write_tables
    from bip.results import load_results, write_results

    args = [a for a in argv if not a.startswith("--")]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if args:
            results, what = load_results(args[0]), args[0]
        else:
            results, what = _demo_results(tmp), "the default demo cohort (scale 1, seed 0)"
        render_report(results, tmp / "warm", pdf=False)  # imports, font cache
        _, bw, bc = _timed(lambda: write_results(results, tmp / "results.json"))
        _, tw, tc = _timed(lambda: write_tables(results, tmp))
        _, hw, hc = _timed(lambda: render_report(results, tmp / "html", pdf=False))
        out, pw, pc = _timed(lambda: render_report(results, tmp / "pdf", pdf=True))
        size_html = out["html"].stat().st_size
        size_pdf = out["pdf"].stat().st_size if "pdf" in out else 0
        print(f"results: {what}")
        print(f"baseline  results.json write : wall {bw:7.3f} s  cpu {bc:7.3f} s")
        print(
            f"tables    tables.html        : wall {tw:7.3f} s  cpu {tc:7.3f} s  ({tw / bw:,.0f}x baseline)"
        )
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

            en = render_report(results, tmp / "pdf", lang="en", pdf=True)
            for lang, pdf in (("da", out["pdf"]), ("en", en.get("pdf"))):
                if pdf is None:
                    continue
                dest = ROOT / "bench" / "out" / "report-pages" / lang
                dest.mkdir(parents=True, exist_ok=True)
                pages = inspect_pdf(pdf, dest)
                bad = [p for p in pages if p.outside or p.overlaps or p.ink < 0.005]
                print(f"pages ({lang}): {len(pages)} rasterised to {dest}; problems on {len(bad)}")


if __name__ == "__main__":
    main(sys.argv[1:])
