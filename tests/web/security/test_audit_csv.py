"""The administrator's audit CSV cannot carry a spreadsheet formula."""

from __future__ import annotations

import csv
import io

from django.urls import reverse

from bip.web.core.audit import audit


def test_formula_like_cells_are_neutralised(login, world):
    audit('=HYPERLINK("http://x")', "caseworker", "citizen.view", "citizen", "+1+1", "@SUM(A1)")
    r = login("admin").get(reverse("admin_audit"), {"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(b"".join(r.streaming_content).decode())))
    row = next(x for x in rows if x["action"] == "citizen.view")
    assert row["username"].startswith("'=") and row["object_id"] == "'+1+1"
    assert row["detail"] == "'@SUM(A1)"
