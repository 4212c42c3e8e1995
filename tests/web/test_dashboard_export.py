"""The dashboard's downloads (CSV, Excel) and overdue citizens per caseworker."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from bip.disclosure import SUPPRESSED, WITHHELD
from bip.web.core.models import AuditLog
from tests.web.insight_fixtures import load_cohort

pytestmark = pytest.mark.django_db


def _csv(client, query=""):
    r = client.get(reverse("dashboard_export", args=["csv"]) + query)
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    text = r.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def _xlsx(client, query=""):
    r = client.get(reverse("dashboard_export", args=["xlsx"]) + query)
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    ws = load_workbook(io.BytesIO(r.content)).active
    return ws, [[c.value for c in row] for row in ws.iter_rows()]


def test_small_world_exports_only_suppressed_cells(client, world, insight_dir):
    client.force_login(world.users[("manager", "A")])
    rows = _csv(client)
    head, body = rows[0], rows[1:]
    assert head[:2] == ["Tal", "Kategori"] and len(head) == 10
    mix = [r for r in body if r[0] == "Aktivitetssammensætning (andel)"]
    assert len(mix) == 16
    for r in mix:  # two citizens: every share with citizens is hidden, value and count alike
        if r[5] != "0":
            assert set(r[2:6]) == {SUPPRESSED} or set(r[2:6]) == {WITHHELD}, r
    ws, xrows = _xlsx(client)
    assert [str(v) if v is not None else "" for v in xrows[0]] == head
    assert len(xrows) == len(rows)
    assert AuditLog.objects.filter(action="dashboard.export").count() == 2
    assert client.get(reverse("dashboard_export", args=["pdf"])).status_code == 404


def test_export_holds_the_page_cells(client, db, cohort_dir, insight_dir):
    from bip.web.insight import figures
    from bip.web.insight.current import current_panel

    loaded = load_cohort(cohort_dir)
    client.force_login(loaded.users["manager0"])
    f = figures.jobcenter_figures(current_panel(), loaded.jc[0])["jobcenter"]
    ws, rows = _xlsx(client)
    mix = {r[1]: r for r in rows if r[0] == "Aktivitetssammensætning (andel)"}
    shown = 0
    for code, cell in f["mix"].items():
        r = mix[code]
        if cell["suppressed"]:
            assert r[2] == (WITHHELD if cell.get("mark") == "x" else SUPPRESSED) == r[5]
        else:
            assert r[2] == pytest.approx(cell["value"]) and r[5] == cell["n_citizens"]
            shown += 1
    assert shown >= 5  # numbers stay numbers in Excel
    assert isinstance(mix["0000"][2], float)


def test_text_that_looks_like_a_formula_is_neutralised(client, world, insight_dir):
    from bip.web.insight.models import Team

    team = Team.objects.create(jobcenter=world.jc["A"], name='=HYPERLINK("http://x")')
    team.caseworkers.set([world.caseworkers["A"]])
    u = world.users[("caseworker", "A")]
    u.first_name, u.last_name = "@SUM(A1)", ""
    u.save()
    client.force_login(world.users[("manager", "A")])
    rows = _csv(client, f"?team={team.pk}")
    assert rows[0][2].startswith("'=HYPERLINK")
    per_cw = [r for r in rows if r[0] == "Borgere over tid pr. sagsbehandler"]
    assert per_cw == [["Borgere over tid pr. sagsbehandler", "'@SUM(A1)", "1"]]
    ws, xrows = _xlsx(client, f"?team={team.pk}")
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    assert xrows[0][2].startswith("'=HYPERLINK")


def test_overdue_per_caseworker_opens_the_list(client, world, insight_dir):
    """Citizen A (last measured 2024-01-08) is overdue at caseworker WA1, named as on the
    caseload; the link opens that caseworker's overdue citizens."""
    from tests.web.test_pages_browser import add_history

    add_history(world)  # four measurements of citizen A: still one overdue citizen
    u = world.users[("caseworker", "A")]
    u.first_name, u.last_name = "Karen", "Holm"
    u.save()
    client.force_login(world.users[("manager", "A")])
    html = client.get(reverse("dashboard")).content.decode()
    table = html.split('id="overdue-per-caseworker"')[1].split("</table>")[0]
    assert "<td>Karen Holm</td><td>1</td>" in table
    assert "1 borger over tid – vis listen" in html  # one citizen: the singular
    link = reverse("caseload") + "?caseworker=WA1&amp;status=overdue"
    assert link in table
    page = client.get(link.replace("&amp;", "&")).content.decode()
    assert world.citizens["A"].citizen_id[:10] in page and "Karen Holm" in page
    # the analyst's dashboard names no caseworker
    client.force_login(world.users[("analyst", "A")])
    assert 'id="overdue-per-caseworker"' not in client.get(reverse("dashboard")).content.decode()
