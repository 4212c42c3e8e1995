"""The dashboard's figures, charts and overdue citizens per caseworker, for the page and its
exports alike (so the export holds exactly the cells the page shows)."""

from __future__ import annotations

import datetime as dt

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from bip.instrument import ALL_COMBINATIONS
from bip.web.core.models import Caseworker, Citizen
from bip.web.core.selectors.caseload import overdue_per_caseworker
from bip.web.insight import figures, svg
from bip.web.insight.current import cached, dashboard_panel
from bip.web.insight.models import Team

# the charts' drawing widths: the page's width on a screen, and a phone's
WIDE, NARROW = 1040, 520


def overdue_by_caseworker(jc, members: list[str] | None, today: dt.date | None = None) -> list:
    """Overdue citizens per caseworker of the jobcentre (or team), as the caseload counts them:
    the citizen's current caseworker, named as the caseload names them; most overdue first.
    Rows ``{caseworker_id, name, overdue}``; ``caseworker_id`` None for citizens with none."""
    citizens = Citizen.objects.filter(jobcenter=jc)
    if members is not None:
        citizens = citizens.filter(caseworker__caseworker_id__in=members)
    return overdue_per_caseworker(citizens, today or dt.date.today())


def both_widths(make, rows, **kw) -> dict:
    """A chart drawn at the page's width and at a phone's (the page shows the one that fits)."""
    return {
        "wide": mark_safe(make(rows, width=WIDE, **kw)),  # built from escaped text only (svg.py)
        "narrow": mark_safe(make(rows, width=NARROW, **kw)),
    }


def figures_context(jc, team, data: dict, *, manager: bool) -> dict:
    """Everything the dashboard shows for jobcentre ``jc`` (``team``, period in ``data``)."""
    start, end = data.get("start"), data.get("end")
    panel, rows, built_at, fresh, version = dashboard_panel()
    members = sorted(team.caseworkers.values_list("caseworker_id", flat=True)) if team else None
    all_figs = cached(
        ("all", start, end),
        lambda: figures.all_jobcenters(panel, start=start, end=end),
        version,
    )
    f = figures.jobcenter_figures(
        panel,
        jc.jobcenter_id,
        caseworker_ids=members,
        start=start,
        end=end,
        all_figures=all_figs,
        rows_by_jobcenter=rows,
    )
    labels = (str(team or jc), _("All jobcentres"))
    mine, every = f["jobcenter"], f["all"]
    charts = {
        "mix": both_widths(
            svg.share_bars,
            [(c, mine["mix"][c], every["mix"][c]) for c in ALL_COMBINATIONS],
            title=_("Activity mix (JOSH)"),
            labels=labels,
        ),
    }
    prog_rows = {}
    if mine["progression"] and every["progression"]:
        for item, name in (
            ("B_avg", _("Citizen average (B)")),
            ("S_avg", _("Caseworker average (S)")),
        ):
            prows = [
                (c, mine["progression"][item][c], every["progression"][item][c])
                for c in ALL_COMBINATIONS
                if every["progression"][item][c]["n_citizens"]
                or mine["progression"][item][c]["n_citizens"]
            ]
            charts[item] = both_widths(
                svg.interval_chart,
                prows,
                title=_("Progression since previous measurement: %(name)s") % {"name": name},
                labels=labels,
            )
            prog_rows[item] = prows
    outcome_rows = []
    if mine["outcomes"] or every["outcomes"]:
        empty: dict = {}
        a = {r["changes"]: r for r in (mine["outcomes"] or {}).get("by_changes", [])}
        b = {r["changes"]: r for r in (every["outcomes"] or {}).get("by_changes", [])}
        outcome_rows = [(k, a.get(k, empty), b.get(k, empty)) for k in ("0", "1", "2+")]
    # caseworkers are named as the caseload names them (login's name, else the id), for managers;
    # analysts see pseudonymous ids only
    cw_names = (
        {
            c.caseworker_id: str(c)
            for c in Caseworker.objects.filter(jobcenter=jc).select_related("user")
        }
        if manager
        else {}
    )
    return {
        "jc": jc,
        "team": team,
        "teams": Team.objects.filter(jobcenter=jc),
        "f": f,
        "mine": mine,
        "every": every,
        "labels": labels,
        "codes": ALL_COMBINATIONS,
        "prog_rows": prog_rows,
        "outcome_rows": outcome_rows,
        "built_at": built_at,
        "fresh": fresh,
        "cw_names": cw_names,
        "overdue_by_caseworker": overdue_by_caseworker(jc, members) if manager else [],
        "charts": charts,
    }
