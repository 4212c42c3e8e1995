"""The report: typed results rendered as HTML and PDF, and the plain tables page.

docs/report.md describes both. The public face is below; sections, templates and the text
catalogue are internals.
"""

from bip.report.pdf import PdfUnavailable, print_pdf
from bip.report.render import render_report, report_html, report_name, tables_html, write_tables

__all__ = [
    "PdfUnavailable",
    "print_pdf",
    "render_report",
    "report_html",
    "report_name",
    "tables_html",
    "write_tables",
]
