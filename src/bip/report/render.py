"""Render typed results into one self-contained HTML report, its PDF, and the tables page.

The sections (:mod:`bip.report.sections`) build blocks from :class:`~bip.results.Results`;
this module numbers them, formats every cell after suppression and renders the Jinja2
templates in ``templates/``. The HTML has no external references: CSS is inline, figures are
inline SVG, fonts are the system's. The PDF is the HTML printed by Debian's headless
Chromium; without Chromium the HTML is still written and the reason is logged.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2
from babel.dates import format_datetime
from markupsafe import Markup

from bip.disclosure import HIDDEN
from bip.report.blocks import Figure, Para, Section
from bip.report.i18n import LANGS, catalogue
from bip.report.numbers import LOCALES
from bip.report.pdf import PdfUnavailable, print_pdf
from bip.report.sections import SECTIONS, Ctx
from bip.report.style import drawing
from bip.report.tables import Col, Table
from bip.results import Results

if TYPE_CHECKING:
    from bip.calibration import Summary

log = logging.getLogger(__name__)


# What the templates get: every block numbered, every cell already text in its language.


@dataclass(frozen=True)
class Cell:
    text: str
    cls: str = ""


@dataclass(frozen=True)
class TableView:
    id: str
    number: int
    caption: str
    reading: str
    head: tuple[Cell, ...]
    rows: tuple[tuple[Cell, ...], ...]
    source: str
    notes: tuple[str, ...]
    kind: str = "table"


@dataclass(frozen=True)
class FigureView:
    id: str
    number: int
    caption: str
    reading: str
    svg: Markup
    source: str
    notes: tuple[str, ...]
    kind: str = "figure"


@dataclass(frozen=True)
class ParaView:
    text: str
    cls: str
    kind: str = "para"


@dataclass(frozen=True)
class SectionView:
    key: str
    title: str
    blocks: tuple[TableView | FigureView | ParaView, ...]


def build_sections(results: Results, c: Ctx) -> list[Section]:
    """Every section's blocks, in order. A section whose result is missing says why in its
    own words; an exception is a bug and is raised."""
    built = [(s, tuple(s.build(results, c))) for s in SECTIONS]
    return [Section(s.key, c._(s.title), blocks) for s, blocks in built if blocks or not s.optional]


def _head(col: Col) -> Cell:
    cls = {"text": "", "ref": "ref"}.get(col.kind, "num")
    return Cell(col.title, cls)


def _cell(col: Col, value: object, row_kind: str, c: Ctx) -> Cell:
    if col.kind == "ref":
        return Cell("" if value is None else str(value), "ref")
    if isinstance(value, str) and value in HIDDEN:
        return Cell(value, "num sup")
    if col.kind == "text":
        return Cell("" if value is None else str(value))
    kind = row_kind if col.kind == "mixed" else col.kind
    return Cell(c.num(value, kind), "num pub" if col.published else "num")


def table_view(t: Table, number: int, c: Ctx) -> TableView:
    """A table after suppression, every cell formatted in the report's language."""
    t = c.sup(t)
    rows = tuple(
        tuple(_cell(col, r.values.get(col.key), r.kind, c) for col in t.cols) for r in t.rows
    )
    return TableView(
        t.id,
        number,
        t.caption,
        t.reading,
        tuple(_head(col) for col in t.cols),
        rows,
        t.source,
        t.notes,
    )


def views(sections: list[Section], c: Ctx, *, figures: bool) -> list[SectionView]:
    """Every block numbered and formatted for its audience, as the templates show it; with
    ``figures`` false each figure is its data table (with its reading and notes) instead."""
    n_tab = n_fig = 0
    out = []
    for s in sections:
        views: list[TableView | FigureView | ParaView] = []
        for b in s.blocks:
            if isinstance(b, Table):
                n_tab += 1
                views.append(table_view(b, n_tab, c))
            elif isinstance(b, Figure) and figures:
                n_fig += 1
                with drawing():
                    svg = Markup(b.draw(c.sup(b.data)))  # matplotlib's SVG, not user text
                views.append(FigureView(b.id, n_fig, b.caption, b.reading, svg, b.source, b.notes))
            elif isinstance(b, Figure):  # its numbers, with everything the figure says
                n_tab += 1
                caption = c._("The numbers of the figure “{caption}”").format(caption=b.caption)
                data = replace(
                    b.data,
                    caption=caption,
                    reading=b.reading,
                    source=b.source or b.data.source,
                    notes=(*b.notes, *b.data.notes),
                )
                views.append(table_view(data, n_tab, c))
            elif isinstance(b, Para):
                views.append(ParaView(b.text, b.kind))
            else:
                raise TypeError(f"unknown block {b!r}")
        out.append(SectionView(s.key, s.title, tuple(views)))
    return out


@cache
def _environment(lang: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("bip.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        keep_trailing_newline=True,
    )
    env.install_gettext_translations(catalogue(lang).translations, newstyle=True)  # type: ignore[attr-defined]
    return env


def _meta_line(results: Results, c: Ctx) -> str:
    """When and from which data the results were made (never the dataset's path)."""
    m = results.meta
    when = dt.datetime.fromisoformat(m.generated_at)
    generated = format_datetime(when, format="medium", locale=LOCALES[c.lang])
    fingerprint = m.dataset_fingerprint.removeprefix("sha256:")[:16]
    return " · ".join(
        (
            c._("Results made {when}").format(when=generated),
            c._("dataset fingerprint {fingerprint}").format(fingerprint=fingerprint),
            f"BIP {m.bip_version}",
        )
    )


def _check(lang: str, audience: str, calibration: Summary | None = None) -> Ctx:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    c = Ctx(lang, audience)
    c.calibration = calibration
    return c


def report_html(
    results: Results,
    *,
    lang: str = "da",
    audience: str = "analyst",
    calibration: Summary | None = None,
) -> str:
    """The complete report as one HTML document (with ``calibration``, the run's comparison
    with the published figures as its last section)."""
    c = _check(lang, audience, calibration)
    sections = views(build_sections(results, c), c, figures=True)
    return (
        _environment(lang)
        .get_template("report.html")
        .render(lang=lang, audience=audience, meta=_meta_line(results, c), sections=sections)
    )


def tables_html(
    results: Results,
    *,
    lang: str = "da",
    audience: str = "analyst",
    calibration: Summary | None = None,
) -> str:
    """The tables page: every table of the report and every figure's numbers, no pictures."""
    c = _check(lang, audience, calibration)
    sections = views(build_sections(results, c), c, figures=False)
    return (
        _environment(lang)
        .get_template("tables.html")
        .render(lang=lang, audience=audience, meta=_meta_line(results, c), sections=sections)
    )


def report_name(lang: str) -> str:
    """File stem of the report in ``lang``: ``report`` (Danish) or ``report.en``."""
    return "report" if lang == "da" else f"report.{lang}"


def _write(text: str, path: Path) -> Path:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return path


def render_report(
    results: Results,
    out_dir: Path,
    *,
    lang: str = "da",
    audience: str = "analyst",
    pdf: bool = True,
    name: str | None = None,
    calibration: Summary | None = None,
) -> dict[str, Path]:
    """Write the report (self-contained HTML and, if possible, its PDF) into ``out_dir``.

    The files are ``report.html``/``report.pdf`` in Danish and ``report.en.html``/
    ``report.en.pdf`` in English (``name`` sets another stem), so the two languages sit side
    by side. Returns the paths written (``html``, and ``pdf`` when printed). Without Chromium
    the PDF is skipped with a warning that says why. Files appear atomically.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = name or report_name(lang)
    html_path = _write(
        report_html(results, lang=lang, audience=audience, calibration=calibration),
        out_dir / f"{stem}.html",
    )
    written = {"html": html_path}
    if pdf:
        try:
            written["pdf"] = print_pdf(html_path, out_dir / f"{stem}.pdf")
        except PdfUnavailable as e:
            log.warning("PDF skipped: %s", e)
    return written


def write_tables(
    results: Results,
    out_dir: Path,
    *,
    lang: str = "da",
    audience: str = "analyst",
    calibration: Summary | None = None,
) -> Path:
    """Write the tables page ``tables.html`` (``tables.en.html`` in English) into ``out_dir``."""
    name = "tables.html" if lang == "da" else f"tables.{lang}.html"
    page = tables_html(results, lang=lang, audience=audience, calibration=calibration)
    return _write(page, Path(out_dir) / name)
