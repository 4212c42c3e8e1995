"""Render results.json into one self-contained HTML report and a PDF of it.

The HTML has no external references: CSS is inline, figures are inline SVG, fonts are the
system's (a font stack, no web fonts). The PDF is the HTML printed by Debian's headless
Chromium; without Chromium the HTML is still written and the reason is reported.
"""

from __future__ import annotations

import html
import logging
import os
import traceback
from datetime import UTC, datetime
from pathlib import Path

from bip.disclosure import HIDDEN
from bip.report.pdf import PdfUnavailable, print_pdf
from bip.report.sections import BUILDERS, Ctx, Figure, Para, Section
from bip.report.tables import Table, suppress
from bip.report.text import LANGS, fmt_value, word

log = logging.getLogger(__name__)
AUDIENCES = ("analyst", "manager")

CSS = """
:root { --ink:#1a1a1a; --muted:#555; --rule:#c8c8c8; --accent:#0b4f8a; }
* { box-sizing: border-box; }
html { font-family: "DejaVu Sans", "Liberation Sans", Arial, Helvetica, sans-serif; color: var(--ink);
       font-size: 10.5pt; line-height: 1.4; }
body { max-width: 180mm; margin: 0 auto; padding: 8mm 4mm; }
h1 { font-size: 20pt; margin: 0 0 2mm; color: var(--accent); }
h2 { font-size: 14pt; margin: 9mm 0 3mm; border-bottom: 1.5pt solid var(--accent); padding-bottom: 1mm;
     break-after: avoid; }
h3 { font-size: 11pt; margin: 5mm 0 2mm; }
p { margin: 1.5mm 0; }
.meta { color: var(--muted); font-size: 9pt; }
.na { color: var(--muted); font-style: italic; }
nav ol { columns: 2; font-size: 9.5pt; }
figure, .tbl { margin: 4mm 0 6mm; break-inside: avoid; page-break-inside: avoid; }
figcaption, caption { text-align: left; font-weight: bold; font-size: 9.5pt; margin-bottom: 1mm; caption-side: top; }
.reading { font-weight: normal; font-style: italic; color: #333; display: block; }
.src, .note { font-size: 8.5pt; color: var(--muted); margin: 0.8mm 0; }
svg.fig { width: 100%; height: auto; max-width: 100%; display: block; }
table { border-collapse: collapse; width: 100%; font-size: 8.5pt; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 0.5pt solid var(--rule); padding: 0.8mm 1.4mm; vertical-align: top; }
th { text-align: left; border-bottom: 1pt solid var(--ink); font-weight: bold; }
td.num { text-align: right; white-space: nowrap; }
th.num { text-align: right; }
td.src, th.src { font-size: 7.5pt; color: var(--muted); max-width: 32mm; overflow-wrap: anywhere; }
td.pub { color: #444; background: #f2f2f2; }
td.sup { color: var(--muted); font-style: italic; }
table { table-layout: auto; }
th { overflow-wrap: break-word; hyphens: manual; }
@page { size: A4; margin: 16mm 14mm 16mm 14mm; }
@media print { body { max-width: none; padding: 0; } a { color: inherit; text-decoration: none; } }
"""


def build_sections(results: dict, lang: str, audience: str) -> list[Section]:
    """All report sections; a part that cannot be built says so instead of stopping the report."""
    ctx = Ctx(lang, audience)
    out = []
    for b in BUILDERS:
        try:
            out.append(b(results, ctx))
        except Exception as e:  # a malformed results part must not cost the whole report
            log.warning("report section %s failed: %s", b.__name__, e)
            log.debug("%s", traceback.format_exc())
            key = b.__name__.removeprefix("sec_")
            s = Section(key, word(key, lang))
            from bip.report.text import SECTIONS, section_title

            if key in SECTIONS:
                s.title = section_title(key, lang)
            s.blocks.append(Para(ctx.w("not_available") + f" ({type(e).__name__}: {e})", "na"))
            out.append(s)
    return out


def _cell(v, kind: str, lang: str) -> tuple[str, str]:
    """(text, css class) of one cell."""
    if isinstance(v, str) and v in HIDDEN:
        return v, "num sup"
    if kind == "text" or isinstance(v, str):
        return ("" if v is None else str(v)), ""
    return fmt_value(v, kind, lang), "num"


def table_html(t: Table, number: int, lang: str, audience: str) -> str:
    """A numbered table after the suppression rule."""
    t = suppress(t, audience)
    e = html.escape
    head = "".join(
        f'<th class="{"src" if c.key == "src" else ("" if c.kind == "text" else "num")}">{e(c.title)}</th>'
        for c in t.cols
    )
    body = []
    for r in t.rows:
        tds = []
        for c in t.cols:
            kind = r.values.get("_kind", "auto") if c.kind == "mixed" else c.kind
            txt, cls = _cell(r.values.get(c.key), kind, lang)
            if not c.citizen_based and cls.startswith("num"):
                cls += " pub"
            if c.key == "src":
                cls = "src"
            tds.append(f'<td class="{cls}">{e(txt)}</td>')
        body.append("<tr>" + "".join(tds) + "</tr>")
    notes = "".join(f'<p class="note">{e(n)}</p>' for n in t.notes)
    src = f'<p class="src">{e(word("source", lang))}: {e(t.source)}</p>' if t.source else ""
    label = f"{word('table', lang)} {number}"
    return (
        f'<div class="tbl" id="{e(t.id)}"><table><caption>{e(label)}. {e(t.caption)}'
        f'<span class="reading">{e(t.reading)}</span></caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>{src}{notes}</div>"
    )


def figure_html(f: Figure, number: int, lang: str) -> str:
    """A numbered figure (already drawn from suppressed data)."""
    e = html.escape
    notes = "".join(f'<p class="note">{e(n)}</p>' for n in f.notes)
    src = f'<p class="src">{e(word("source", lang))}: {e(f.source)}</p>' if f.source else ""
    return (
        f'<figure id="{e(f.id)}"><figcaption>{e(word("figure", lang))} {number}. {e(f.caption)}'
        f'<span class="reading">{e(f.reading)}</span></figcaption>{f.svg}{src}{notes}</figure>'
    )


def report_html(results: dict, *, lang: str = "da", audience: str = "analyst") -> str:
    """The complete HTML document as a string."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    if audience not in AUDIENCES:
        raise ValueError(f"audience must be one of {AUDIENCES}, not {audience!r}")
    e = html.escape
    sections = build_sections(results, lang, audience)
    nt = nf = 0
    parts, toc = [], []
    for i, s in enumerate(sections, 1):
        toc.append(f'<li><a href="#sec-{s.key}">{e(s.title)}</a></li>')
        parts.append(f'<section id="sec-{s.key}"><h2>{i}. {e(s.title)}</h2>')
        for b in s.blocks:
            if isinstance(b, Table):
                nt += 1
                parts.append(table_html(b, nt, lang, audience))
            elif isinstance(b, Figure):
                nf += 1
                parts.append(figure_html(b, nf, lang))
            elif isinstance(b, Para):
                parts.append(f'<p class="{b.kind}">{e(b.text)}</p>')
        parts.append("</section>")
    meta = results.get("meta") if isinstance(results.get("meta"), dict) else {}
    gen = meta.get("generated_at") or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    metaline = " · ".join(
        x
        for x in (
            f"{word('generated', lang)}: {gen}",
            f"{word('dataset', lang)}: {meta.get('dataset_path')}"
            if meta.get("dataset_path")
            else "",
            f"{word('fingerprint', lang)}: {str(meta.get('dataset_fingerprint'))[:16]}"
            if meta.get("dataset_fingerprint")
            else "",
            f"bip {meta.get('bip_version')}" if meta.get("bip_version") else "",
            f"{meta.get('schema')}" if meta.get("schema") else "",
        )
        if x
    )
    sub = word(f"subtitle_{audience}", lang)
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{e(word('title', lang))}</title><style>{CSS}</style></head><body>"
        f'<header><h1>{e(word("title", lang))}</h1><p class="meta">{e(sub)}</p>'
        f'<p class="meta">{e(metaline)}</p>'
        + (
            f'<p class="meta">{e(word("suppressed_note", lang))}</p>'
            if audience == "manager"
            else ""
        )
        + f"<nav><h3>{e(word('contents', lang))}</h3><ol>{''.join(toc)}</ol></nav></header>"
        + "".join(parts)
        + "</body></html>"
    )


def render_report(
    results: dict, out_dir: Path, *, lang: str = "da", audience: str = "analyst", pdf: bool = True
) -> dict[str, Path]:
    """Write ``report.html`` (self-contained) and, if possible, ``report.pdf`` into ``out_dir``.

    Returns the paths written (``html``, and ``pdf`` when printed). When Chromium is missing
    the PDF is skipped with a warning that says why; the HTML is written regardless.
    Files appear atomically (written beside, then renamed).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    doc = report_html(results, lang=lang, audience=audience)
    html_path = out_dir / "report.html"
    tmp = out_dir / f".report.html.{os.getpid()}.tmp"
    tmp.write_text(doc, encoding="utf-8")
    os.replace(tmp, html_path)
    written = {"html": html_path}
    if pdf:
        try:
            written["pdf"] = print_pdf(html_path, out_dir / "report.pdf")
        except PdfUnavailable as e:
            log.warning("%s: %s", word("pdf_skipped", lang), e)
    return written
