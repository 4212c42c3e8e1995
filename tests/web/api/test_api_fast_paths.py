"""The create's fast paths (bench/profile_api_create.py) answer exactly what the ORM would:
the token read in one written-out query, the answer built without reading the row again,
the audit head read and written in plain SQL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def _fields(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_the_token_query_reads_what_the_orm_reads(make_token):
    from bip.web.api import lookup, tokens
    from bip.web.api.models import ApiToken

    secret = make_token("caseload:read")
    orm = ApiToken.objects.select_related("jobcenter", "user__profile").get()
    fast = lookup.token_by_digest(tokens.digest(secret))
    assert fast is not None
    assert _fields(fast) == _fields(orm)  # scopes decoded from JSON, times aware
    assert _fields(fast.user) == _fields(orm.user)
    assert _fields(fast.user.profile) == _fields(orm.user.profile)
    assert _fields(fast.jobcenter) == _fields(orm.jobcenter)
    assert fast.user.profile.user is fast.user


def test_a_token_one_character_off_is_unknown(api, client):
    from bip.web.api import lookup, tokens

    last = "A" if api.secret[-1] != "A" else "B"
    near = api.secret[:-1] + last
    assert lookup.token_by_digest(tokens.digest(near)) is None
    r = client.get("/api/v1/citizens", headers={"Authorization": f"Bearer {near}"})
    assert r.status_code == 401 and "unknown token" in r.json()["errors"][0]["reason"]


def test_a_token_read_before_its_revocation_is_refused_at_the_next_call(api):
    """Nothing of the token is kept between calls: revocation counts at once."""
    from bip.web.api.models import ApiToken
    from bip.web.api.tokens import token_revoke

    assert api.get("/citizens").status_code == 200
    token_revoke(actor="cli:test", name=ApiToken.objects.get().name)
    assert api.get("/citizens").status_code == 401


@pytest.mark.parametrize("caseworker", [None, "WA2"])
def test_the_create_answer_is_what_a_read_answers(api, world, complete, caseworker):
    cid = world.citizens["A"].citizen_id
    body = complete(TODAY, b=2, s=5)
    if caseworker:
        body["caseworker_id"] = caseworker
    created = api.post(f"/citizens/{cid}/measurements", body)
    assert created.status_code == 201, created.content
    read = api.get(f"/measurements/{created.json()['measurement_id']}")
    assert created.json() == read.json()
    assert read.json()["caseworker_id"] == (caseworker or "WA1")


def test_a_create_needs_no_more_queries_than_it_writes(api, world, complete):
    """Token, citizen with caseworker, citizen row lock, questionnaire, the insert, the draft, three audit
    statements and the savepoints; no second read of what was just written."""
    sql: list[str] = []

    def record(execute, query, params, many, context):
        sql.append(query)
        return execute(query, params, many, context)

    cid = world.citizens["A"].citizen_id
    with connection.execute_wrapper(record):
        assert api.post(f"/citizens/{cid}/measurements", complete(TODAY)).status_code == 201
    reads = [q for q in sql if q.lstrip().upper().startswith("SELECT")]
    # token, citizen, questionnaire, audit head, and the service's lock of the citizen row
    # (it keeps the citizen's newest measurement right under concurrent saves)
    assert len(reads) == 5, reads
    assert not any('FROM "core_measurement"' in q for q in reads)


def test_the_audit_head_is_made_again_after_a_flush_and_the_chain_holds(api, world, complete):
    from bip.web.core.audit import verify
    from bip.web.core.models import AuditHead

    cid = world.citizens["A"].citizen_id
    assert api.post(f"/citizens/{cid}/measurements", complete(TODAY, key="a")).status_code == 201
    AuditHead.objects.all().delete()  # as after a flush: rebuilt from the newest entry
    assert api.post(f"/citizens/{cid}/measurements", complete(TODAY, key="b")).status_code == 201
    result = verify()
    assert result.ok, result.summary()
    head = AuditHead.objects.get(pk=1)
    assert (head.seq, head.hash) == (result.head_seq, result.head_hash)
