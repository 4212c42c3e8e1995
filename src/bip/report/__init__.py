"""The report and the tables page, rendered from typed results (docs/report.md)."""

from __future__ import annotations

from pathlib import Path

from bip.results import Results


def render_report(
    results: Results,
    out_dir: Path,
    *,
    lang: str = "da",
    audience: str = "analyst",
    pdf: bool = True,
) -> dict[str, Path]:
    """Write the report into ``out_dir``; see :func:`bip.report.render.render_report`."""
    from bip.report.render import render_report as render

    return render(results.model_dump(mode="json"), out_dir, lang=lang, audience=audience, pdf=pdf)


def render_tables_page(results: Results) -> str:
    """The plain HTML page of the result tables."""
    from bip.analysis.tables_html import render_tables

    return render_tables(results.model_dump(mode="json"))
