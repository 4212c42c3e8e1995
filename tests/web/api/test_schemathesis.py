"""schemathesis against the API, in-process through Django's WSGI application: calls generated
from the OpenAPI schema to every operation, with a valid token and the world's real ids, give
0 server errors and 0 answers that break the schema (status, content type, headers, body)."""

from __future__ import annotations

import zlib

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def _schema():
    """The schema the API serves at /api/v1/openapi.json, calls going to the WSGI app in this
    process (built here: the view would open a transaction before any test database exists)."""
    from bip.web.api.api import api

    loaded = schemathesis.openapi.from_dict(api.get_openapi_schema())
    loaded.app = get_wsgi_application()
    return loaded


schema = _schema()


@pytest.fixture
def token(make_token):
    return make_token()


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Django's WSGI handler closes the database connection after each request when it is
    inside a transaction, as the test's is; Django's own test client suspends that, so do
    the same here (else PostgreSQL loses the test's transaction after the first call)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
@pytest.mark.django_db
def test_api_conforms_to_its_schema(case, token, world):
    # half the calls name the jobcentre's real citizen and measurement, so that the writes
    # and reads behind the 404 are reached too
    params = case.path_parameters or {}
    if "citizen_id" in params and zlib.crc32(repr(case.body).encode()) % 2 == 0:
        params["citizen_id"] = world.citizens["A"].citizen_id
    if "measurement_id" in params and zlib.crc32(repr(case.body).encode()) % 2 == 0:
        params["measurement_id"] = "MA1"
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
