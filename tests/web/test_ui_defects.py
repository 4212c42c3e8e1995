"""Defects seen in the browser, each pinned down: legends, clipped titles, decimal commas,
unexplained marks, the favicon and a bare 405. (Layout at 390 px and axe-core on every page:
``test_pages_browser.py``.)"""

from __future__ import annotations

import datetime as dt
import re

from django.urls import reverse
from django.utils import translation

from bip.instrument import B_ITEMS, S_ITEMS
from bip.web.core.charts import TITLE_CHAR_PX, dec, line_chart, wrap_title
from bip.web.insight import svg
from bip.web.insight.templatetags.insight import interval, num, pct


def test_dashboard_josh_legend_names_the_questionnaires_groups(client, world, insight_dir):
    """S is social, H health: the legend is built from the S1 groups of the questionnaire."""
    client.force_login(world.users[("manager", "A")])
    for lang, want, wrong in (
        ("da", ["S Social indsats", "H Helbredsrettet indsats", "J Jobrettet"], "sundhed og soc"),
        ("en", ["S Social", "H Health", "J Job-focused"], "help with job search"),
    ):
        html = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE=lang).content.decode()
        legend = html.split('id="josh-legend">')[1].split("</p>")[0]
        for w in want:
            assert w in legend, (lang, legend)
        assert wrong not in legend


def test_dashboard_explains_x_and_uses_decimal_commas_in_danish(client, world, insight_dir):
    client.force_login(world.users[("manager", "A")])
    html = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert 'id="x-explained"' in html and "næstmindste" in html
    # no number with a decimal point anywhere in the Danish page's text (dates use hyphens)
    text = re.sub(r"<[^>]+>", " ", html.split("<main")[1])
    assert not re.search(r"\d\.\d", text), re.search(r".{30}\d\.\d.{30}", text)


def test_figure_cells_follow_the_language():
    cell = {"value": 0.1234, "lo": 0.031, "hi": 0.2149, "n_citizens": 40}
    with translation.override("da"):
        assert interval(cell) == "0,12 [0,03; 0,21]"
        assert num({"value": 12.25}) == "12,2" or num({"value": 12.25}) == "12,3"
        assert pct({"value": 0.234}) == "23 %"
        assert dec(-0.0001, 2) == "0,00"
        hidden = str(pct({"suppressed": True, "mark": "x"}))
        assert "skjult" in hidden
    with translation.override("en"):
        assert interval(cell) == "0.12 [0.03; 0.21]"
        assert "hidden so that" in str(pct({"suppressed": True, "mark": "x"}))


def _legend_markers(chart: str) -> int:
    return len(re.findall(r'<circle cx="\d+" cy="27"', chart))


def test_effectiveness_chart_has_no_unlabelled_legend_marker():
    rows = [
        (f"W{i}", {"value": 0.01 * i, "lo": -0.1, "hi": 0.1, "n_citizens": 30}, {})
        for i in range(3)
    ]
    one = svg.interval_chart(rows, title="t", labels=("Jobcenter A", ""))
    assert _legend_markers(one) == 1
    two = svg.interval_chart(rows, title="t", labels=("Jobcenter A", "All jobcentres"))
    assert _legend_markers(two) == 2


def test_every_indicator_title_fits_its_chart(client, world):
    """English item titles ("B5 Coping with everyday life") wrap instead of being cut off."""
    from bip.web.core.selectors.questionnaire import instrument

    inst = instrument()
    for item in (*B_ITEMS, *S_ITEMS):
        for lang in ("da", "en"):
            title = f"{item} {inst.items[item].text(lang)}"
            lines = wrap_title(title, 210)
            assert len(lines) <= 2
            assert all(4 + len(ln) * TITLE_CHAR_PX <= 210 for ln in lines), lines
            if len(title) <= 2 * (210 - 10) / TITLE_CHAR_PX - 2:
                assert " ".join(lines) == title  # nothing lost when two lines hold it
    chart = line_chart(
        [("B5", [(dt.date(2024, 1, 1), 3.0)])], title="B5 Coping with everyday life", width=210
    )
    shown = re.findall(r'class="chart-title">([^<]+)<', chart)
    assert " ".join(shown) == "B5 Coping with everyday life" and len(shown) == 2
    client.force_login(world.users[("caseworker", "A")])
    url = reverse("citizen", args=[world.citizens["A"].citizen_id])
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "B5 Coping with everyday" in html


def test_favicon_is_served(client):
    r = client.get("/favicon.ico")
    assert r.status_code == 200 and r["Content-Type"].startswith("image/")


def test_get_on_enrol_goes_back_to_find(login):
    r = login("caseworker").get(reverse("enrol"))
    assert r.status_code == 302 and r["Location"] == reverse("find")


def test_cpr_placeholder_in_each_language(login):
    c = login("caseworker")
    for path in (reverse("caseload"), reverse("find")):
        en = c.get(path, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        da = c.get(path, HTTP_ACCEPT_LANGUAGE="da").content.decode()
        assert 'placeholder="DDMMYY-XXXX"' in en and "DDMMÅÅ" not in en
        assert 'placeholder="DDMMÅÅ-XXXX"' in da


def test_success_message_is_a_plain_list_inside_a_status_region(login, world):
    """axe: a role on the <ul> made its <li> orphans (listitem, aria-allowed-role)."""
    from django.contrib.messages import get_messages  # noqa: F401

    c = login("caseworker")
    r = c.post(
        reverse("transfer", args=[world.citizens["A"].citizen_id]),
        {
            "caseworker": world.caseworkers["A2"].pk,
            "started_on": dt.date.today().isoformat(),
            "confirm": "on",
        },
        follow=True,
    )
    html = r.content.decode()
    assert '<div role="status"><ul class="messages">' in html, html[:2000]


def test_audit_page_shows_roles_and_actions_in_danish(client, world):
    client.force_login(world.users[("caseworker", "A")])
    client.get(reverse("caseload"))
    client.force_login(world.users[("admin", "A")])
    html = client.get(reverse("admin_audit"), HTTP_ACCEPT_LANGUAGE="da").content.decode()
    body = html.split("<tbody>")[1]
    assert "sagsstamme åbnet" in body and "<td>Sagsbehandler</td>" in body
    assert "<td>caseworker</td>" not in body


def test_every_audited_action_has_words():
    """Scans the code for audit(..., "<action>", ...) calls: each action has a label."""
    from pathlib import Path

    from bip.web.core.labels import ACTIONS

    src = Path(__file__).resolve().parents[2] / "src" / "bip" / "web"
    found = set()
    for path in src.rglob("*.py"):
        text = path.read_text()
        found |= set(re.findall(r'\baudit\(\s*[^,()]+,\s*[^,()]+,\s*"([a-z_.]+)"', text))
        for pair in re.findall(r'action = "([a-z_.]+)" if [^\n]* else "([a-z_.]+)"', text):
            found |= set(pair)
    assert len(found) > 20
    assert found <= set(ACTIONS), sorted(found - set(ACTIONS))


def test_register_tables_named_in_danish(client, world, insight_dir):
    client.force_login(world.users[("admin", "A")])
    html = client.get(reverse("insight_registers"), HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert "Beskæftigelsesmåneder" in html and ">employment_months<" not in html


def test_dashboard_names_caseworkers_as_the_caseload_does(client, world, insight_dir):
    """A manager's overdue list names the caseworker as the caseload does (the login's name)."""
    u = world.users[("caseworker", "A")]
    u.first_name, u.last_name = "Karen", "Lund"
    u.save()
    client.force_login(world.users[("manager", "A")])
    html = client.get(reverse("dashboard")).content.decode()
    overdue = html.split('id="overdue"')[1].split("</table>")[0]
    assert "Karen Lund" in overdue and ">WA1<" not in overdue
    caseload = client.get(reverse("caseload") + "?scope=all").content.decode()
    assert "Karen Lund" in caseload
