"""Every page of every role in Danish: no English words in what the page shows, audit details,
an analysis run's log and register table names included (codes, shown as codes, excepted)."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.urls import reverse

from bip.web.core.detailwords import FIXED, in_words

pytestmark = pytest.mark.django_db

# words that are English and not Danish: any of them on a Danish page is an untranslated text
ENGLISH = {
    "the", "and", "of", "with", "from", "part", "parts", "step", "invalid", "citizen",
    "citizens", "measurement", "measurements", "caseworker", "caseworkers", "validating",
    "writing", "exporting", "packing", "page", "rows", "address", "found", "updated", "new",
    "done", "results", "report", "benefit", "weeks", "employment", "months", "persons",
    "overdue", "download", "draft", "saved", "save", "next", "back", "minutes",
}  # fmt: skip
CODES = re.compile(r'<(span|td|dd) class="code[^"]*">.*?</\1>', re.S)
FILES = re.compile(r"\b[\w-]+\.(json|html|csv|pdf|zip|dta|sav|xlsx|parquet)\b")
HIDDEN = re.compile(r"<(script|style|title|textarea)\b.*?</\1>|<pre[^>]*>|</pre>", re.S)


def english_words(page: str) -> set[str]:
    """English words in the text a page shows (its codes left out)."""
    body = page.split("<body", 1)[-1]
    text = html.unescape(re.sub(r"<[^>]+>", " ", CODES.sub(" ", HIDDEN.sub(" ", body))))
    text = FILES.sub(" ", text)
    return {w for w in re.findall(r"[A-Za-zÆØÅæøå]+", text) if w.lower() in ENGLISH}


def _get(client, url):
    r = client.get(url, HTTP_ACCEPT_LANGUAGE="da")
    assert r.status_code == 200, url
    return r.content.decode()


def test_the_detector_finds_english():
    page = '<body><p>part both, step 1</p><span class="code">citizen</span><p>Trin 1</p>'
    assert english_words(page) == {"part", "step"}


def test_every_known_detail_and_log_line_has_danish_words(settings):
    from django.utils import translation

    with translation.override("da"):
        for text in FIXED:
            words, known = in_words(text)
            assert known and (words != text or text[:2] in {"A1", "A9"} or "A" in text[:1]), text
        for text in ("citizen c4de1aba5e part both", "part caseworker step 2 new: B1, S3",
                     "invalid: B2, S1", "team= start=2024-01-01 end=", "12 citizens, page 2",
                     "WA1 -> WA2 from 2024-03-01", "30 rows, upload.csv", "address 127.0.0.1",
                     "validating measurements", "exporting the panel (dta)",
                     "idle for more than 30 minutes", "address 127.0.0.1; password and TOTP",
                "address 10.0.0.1; second factor wrong; locked for 900 s",
                "address 10.0.0.1; 840 s left", "3 left", "10 new recovery codes"):  # fmt: skip
            words, known = in_words(text)
            assert known and not english_words(f"<body>{words}"), (text, words)


def test_danish_pages_show_no_english(client, world, insight_dir, full_values):
    from bip.web.insight.models import AnalysisRun, RunStatus

    cid = world.citizens["A"].citizen_id
    cw = world.users[("caseworker", "A")]
    client.force_login(cw)
    new = reverse("measurement_new", args=[cid, "both"])
    client.post(new, {"draft": "1", "B1": "3"})
    client.post(new, {**full_values(dt.date(2024, 4, 8)), "idempotency_key": "k1", "save": "1"})
    client.post(new, {"measured_on": "2024-04-09", "save": "1"})  # refused: a draft, errors
    found = {}
    for url in (reverse("caseload"), reverse("find"), reverse("citizen", args=[cid]), new,
                reverse("measurement_new", args=[cid, "caseworker"]),
                reverse("transfer", args=[cid])):  # fmt: skip
        found[url] = english_words(_get(client, url))
    client.force_login(world.users[("manager", "A")])
    for url in (reverse("dashboard"), reverse("caseload"), reverse("insight_teams"),
                reverse("insight_effectiveness")):  # fmt: skip
        found[url] = english_words(_get(client, url))
    client.get(reverse("dashboard_export", args=["csv"]))
    run = AnalysisRun.objects.create(
        status=RunStatus.DONE,
        step="done",
        steps_done=20,
        registers="persons, benefit_weeks",
        log="\n".join(
            f"12:00:{i:02d} {t}"
            for i, t in enumerate(
                [
                    "exporting the tool's data",
                    "validating the dataset",
                    "validating measurements",
                    "fingerprint",
                    "panel: measurements",
                    "panel: outcomes from registers",
                    "A1 progression",
                    "A4 combination effects",
                    "A9 data quality",
                    "writing results",
                    "writing the report (HTML)",
                    "exporting the panel (csv)",
                    "packing the dataset",
                ]
            )  # fmt: skip
        )
        + "\ndone",
    )
    client.force_login(world.users[("analyst", "A")])
    for url in (reverse("insight_runs"), reverse("insight_run", args=[run.pk]),
                reverse("dashboard"), reverse("analyst")):  # fmt: skip
        found[url] = english_words(_get(client, url))
    client.force_login(world.users[("admin", "A")])
    for url in (reverse("admin_users"), reverse("admin_jobcenters"), reverse("admin_versions"),
                reverse("admin_import"), reverse("insight_registers"), reverse("admin_audit")):  # fmt: skip
        found[url] = english_words(_get(client, url))
    audit_page = _get(client, reverse("admin_audit"))
    assert 'lang="en"' not in audit_page.split("<tbody>")[1]  # every detail in words
    assert {u: w for u, w in found.items() if w} == {}
