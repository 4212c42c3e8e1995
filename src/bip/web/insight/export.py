"""The dashboard as a spreadsheet (CSV or Excel): the same cells as the page, suppression applied.

A cell resting on fewer than 5 citizens holds ``bip.disclosure.SUPPRESSED`` ("<5") in place of
its value, interval and citizen count, and a cell hidden to protect one (the activity mix)
``bip.disclosure.WITHHELD`` ("x"), as on the page. Text goes through
:func:`bip.dataset.spreadsheet.neutralise`, so a name that starts like a formula stays text.
"""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from django.utils.translation import gettext as _

from bip.dataset.spreadsheet import neutralise
from bip.disclosure import SUPPRESSED, WITHHELD

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _cells(c) -> list:
    """value, lower, upper, citizens of one figure cell (markers when hidden)."""
    if not isinstance(c, dict) or not c:
        return [None, None, None, None]
    if c.get("suppressed"):
        mark = WITHHELD if c.get("mark") == "x" else SUPPRESSED
        return [mark, mark, mark, mark]
    return [c.get("value"), c.get("lo"), c.get("hi"), c.get("n_citizens")]


def dashboard_table(ctx: dict) -> tuple[list[str], list[list]]:
    """Header and rows: figure, category, then value/interval/citizens for the selection and
    for all jobcentres."""
    sel, every_label = ctx["labels"]
    head = [_("Figure"), _("Category")]
    for label in (sel, every_label):
        head += [
            f"{label}: {_('value')}",
            f"{label}: {_('95 % interval, lower')}",
            f"{label}: {_('95 % interval, upper')}",
            f"{label}: {_('citizens')}",
        ]
    mine, every, f = ctx["mine"], ctx["every"], ctx["f"]
    rows: list[list] = []

    def add(figure: str, category: str, a, b) -> None:
        rows.append([figure, category, *_cells(a), *_cells(b)])

    add(
        _("Repeat measurements within 13 weeks (share)"),
        "",
        *_pair(mine, every, "cadence", "within_13w"),
    )
    add(_("Weeks between measurements"), "", *_pair(mine, every, "cadence", "mean_weeks"))
    add(
        _("With no activity last quarter (share)"),
        "",
        mine.get("no_activity"),
        every.get("no_activity"),
    )
    for code in ctx["codes"]:
        add(_("Activity mix (share)"), code, mine["mix"].get(code), every["mix"].get(code))
    for item, name in (("B_avg", _("Citizen average (B)")), ("S_avg", _("Caseworker average (S)"))):
        for code, a, b in ctx["prog_rows"].get(item, []):
            add(_("Progression since previous measurement: %(name)s") % {"name": name}, code, a, b)
    for key, name in (
        ("changes", _("Changes between consecutive measurements")),
        ("share_of_repeats", _("Share of repeat measurements with a new caseworker")),
        ("share_citizens", _("Share of citizens with at least one change")),
    ):
        add(name, "", *_pair(mine, every, "changes", key))
    if mine.get("outcomes") or every.get("outcomes"):
        add(
            _("Job or education within 52 weeks"),
            _("All measurements with a known outcome"),
            (mine.get("outcomes") or {}).get("rate"),
            (every.get("outcomes") or {}).get("rate"),
        )
        for k, a, b in ctx["outcome_rows"]:
            add(
                _("Job or education within 52 weeks"),
                _("%(k)s caseworker changes so far") % {"k": k},
                a,
                b,
            )
    rows.append(
        [_("Citizens overdue (last measurement over 13 weeks ago)"), "", f["overdue_count"]]
    )
    for r in ctx.get("overdue_by_caseworker", []):
        rows.append(
            [_("Overdue citizens per caseworker"), r["name"] or _("No caseworker"), r["overdue"]]
        )
    return head, rows


def _pair(mine: dict, every: dict, group: str, key: str) -> tuple:
    return (mine.get(group) or {}).get(key), (every.get(group) or {}).get(key)


def to_csv(head: list[str], rows: list[list]) -> bytes:
    """UTF-8 with a byte-order mark (so Excel reads the Danish letters), comma-separated."""
    out = io.StringIO()
    w = csv.writer(out)
    for r in [head, *rows]:
        w.writerow(["" if v is None else neutralise(v) for v in r])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(head: list[str], rows: list[list], title: str) -> bytes:
    """One sheet; numbers as numbers, text neutralised (openpyxl would write "=…" as a formula)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    for r in [head, *rows]:
        ws.append([neutralise(v) if isinstance(v, str) else v for v in r])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def response(table: tuple[list[str], list[list]], fmt: str, stem: str) -> HttpResponse:
    """The download of ``table`` as ``<stem>.<fmt>``."""
    head, rows = table
    body = to_csv(head, rows) if fmt == "csv" else to_xlsx(head, rows, _("Dashboard"))
    resp = HttpResponse(body, content_type=FORMATS[fmt])
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in stem)
    resp["Content-Disposition"] = f'attachment; filename="{safe}.{fmt}"'
    return resp
