"""Django's request log does not name citizens' pseudonyms or measurement ids."""

from __future__ import annotations

import logging

from django.urls import reverse


def test_not_found_is_logged_without_the_pseudonym(login, world, caplog):
    caplog.set_level(logging.WARNING, logger="django.request")
    other = world.citizens["B"].citizen_id
    m = world.measurements["B"].measurement_id
    client = login("caseworker", "A")
    assert client.get(reverse("citizen", args=[other])).status_code == 404
    assert client.get(reverse("measurement_edit", args=[m, "both"])).status_code == 404
    assert client.get(f"/nowhere/{other}/").status_code == 404
    text = "\n".join(r.getMessage() for r in caplog.records if r.name == "django.request")
    assert "Not Found" in text  # the log is still there
    assert other not in text and other[:10] not in text and m not in text
    assert "/citizen/<id:citizen_id>/" in text


def test_route_of():
    from bip.web.logfilter import route_of

    assert route_of("/citizen/abc/transfer/") == "/citizen/<id:citizen_id>/transfer/"
    assert route_of("/no/such/abc?x=1") == "/no/…"


def test_a_second_filter_leaves_a_redacted_path_alone():
    """Two setups in one process leave two filters on the logger; the route must survive both."""
    from bip.web.logfilter import RedactPaths

    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found: %s", ("/citizen/abc/",), None
    )
    assert RedactPaths().filter(record) and RedactPaths().filter(record)
    assert record.getMessage() == "Not Found: /citizen/<id:citizen_id>/"
