"""Fixtures of the API tests: tokens of jobcentre A (the world of tests/web/conftest.py)."""

from __future__ import annotations

import pytest

ALL_SCOPES = ("caseload:read", "measurements:write", "transfers:write", "exports:read")


@pytest.fixture
def make_token(world):
    """``make_token(*scopes, side="A", name=None)`` -> the token's secret."""
    from bip.web.api.tokens import token_create

    counter = iter(range(1000))

    def _make(*scopes, side: str = "A", name: str | None = None, days: int = 30) -> str:
        new = token_create(
            actor="cli:test",
            name=name or f"system-{side}-{next(counter)}",
            jobcenter_id=world.jc[side].jobcenter_id,
            scopes=list(scopes or ALL_SCOPES),
            days=days,
        )
        return new.secret

    return _make


@pytest.fixture
def api(client, make_token):
    """A client calling the API with a token of jobcentre A holding every scope:
    ``api.get(path)``, ``api.post(path, body)``, ``api.patch(path, body)``."""

    class Caller:
        def __init__(self, secret: str):
            self.secret = secret
            self.headers = {"Authorization": f"Bearer {secret}"}

        def get(self, path, **params):
            return client.get(f"/api/v1{path}", params, headers=self.headers)

        def post(self, path, body):
            return client.post(
                f"/api/v1{path}", body, content_type="application/json", headers=self.headers
            )

        def patch(self, path, body):
            return client.patch(
                f"/api/v1{path}", body, content_type="application/json", headers=self.headers
            )

        def with_scopes(self, *scopes, side="A"):
            return Caller(make_token(*scopes, side=side))

    return Caller(make_token())


@pytest.fixture
def complete(full_values):
    """``complete(day, b=3, s=4, key="k1")``: the JSON body of a complete new measurement."""
    from bip.instrument import B10_CHANNELS, B_ITEMS, S1_OPTIONS, S_ITEMS

    def _body(day, b: int = 3, s: int = 4, key: str = "k1") -> dict:
        body = {"client_key": key, "measured_on": day.isoformat(), "B10_status": "searching"}
        body.update({i: b for i in B_ITEMS})
        body.update({i: s for i in S_ITEMS})
        body.update({f"B10_{c}": int(c in ("internet", "network")) for c in B10_CHANNELS})
        body.update({f"S1_{n}": int(n in (5, 9, 13)) for n in S1_OPTIONS})
        body["B11"] = 130.0
        return body

    return _body
