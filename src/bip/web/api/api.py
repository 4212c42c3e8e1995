"""The ``/api/v1/`` application: token authentication, scopes, one error format, audit.

Every call is audited like the same action in the web pages (same action names; the user is
the token's system, ``api:<name>``, role ``api``): reads by the selectors, writes by the
services, refusals (no or bad token, a scope missing, a citizen outside the jobcentre,
invalid input) here. Every error answer is ``{"errors": [{"field", "reason"}]}`` and stores
nothing but its audit entry.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Router
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer

from bip.dataset.cprscan import mask_cpr
from bip.web.api import tokens
from bip.web.api.models import API_ROLE, ApiToken
from bip.web.api.schemas import Errors
from bip.web.api.validation import Problem, from_pydantic
from bip.web.core.audit import audit


class ApiError(Exception):
    """An answer other than success: ``status`` and the problems to name."""

    def __init__(self, status: int, problems: list[Problem]):
        super().__init__(status)
        self.status, self.problems = status, problems


def refuse(status: int, field: str | None, reason: str) -> ApiError:
    """One problem as an :class:`ApiError` (raise it)."""
    return ApiError(status, [Problem(field, reason)])


class TokenAuth(HttpBearer):
    """``Authorization: Bearer bip_...``: a token that exists, is not expired or revoked and,
    with ``scope``, holds that scope (else 403, before the request's body is even read)."""

    def __init__(self, scope: str | None = None):
        super().__init__()
        self.scope = scope

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found, why = tokens.check(token.strip())
        if found is None:
            request.bip_denied = why
            return None
        if self.scope and self.scope not in found.scopes:
            detail = f"{request.path[:240]} (scope {self.scope} missing)"
            audit(found.user, API_ROLE, "access.denied", "path", "", detail)
            raise refuse(403, None, f"this token lacks the scope {self.scope}")
        return found


def scope(name: str) -> TokenAuth:
    """The ``auth=`` of an operation that needs the scope ``name``."""
    return TokenAuth(name)


# shared by every operation's ``response=``: the documented error answers
ERRORS: dict[int, Any] = {400: Errors, 401: Errors, 403: Errors, 404: Errors, 429: Errors}


class Api(NinjaAPI):
    _schemas: dict = {}

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        # built once per prefix: generating it takes about as long as a hundred creates, and
        # the view is open to anyone
        key = (path_prefix, tuple(sorted((path_params or {}).items())))
        if key not in self._schemas:
            self._schemas[key] = super().get_openapi_schema(
                path_prefix=path_prefix, path_params=path_params
            )
        return self._schemas[key]

    def validation_error_from_error_contexts(self, error_contexts) -> ValidationError:
        # ninja drops the offending value; the reasons name it, as the dataset validator does
        errors = []
        for ctx in error_contexts:
            for e in ctx.pydantic_validation_error.errors(include_url=False):
                e["loc"] = (ctx.model.__ninja_param_source__, *e["loc"])
                errors.append(e)
        return ValidationError(errors)


api = Api(
    title="BIP API",
    version="1",
    description="Progression measurement for a jobcentre's case-management system. "
    "Authenticate with `Authorization: Bearer <token>` (a token from the administrator).",
    urls_namespace="api-v1",
    auth=TokenAuth(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def errors_response(request: HttpRequest, status: int, problems: list[Problem]) -> HttpResponse:
    body = {"errors": [{"field": p.field, "reason": mask_cpr(p.reason)} for p in problems]}
    response = api.create_response(request, body, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="bip"'
    return response


def caller(request: HttpRequest) -> ApiToken:
    """The token of an authenticated call."""
    return request.auth


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return errors_response(request, exc.status, exc.problems)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    from django.conf import settings

    from bip.web.core import limits

    why = getattr(request, "bip_denied", "no token")
    # each refusal is audited, up to a limit per address and minute: beyond it a flood of bad
    # tokens would fill the log and hold its lock, so it is answered 429 and only counted
    ip = request.META.get("REMOTE_ADDR", "-")
    wait = limits.hit(f"api-denied:{ip}", limit=settings.BIP_API_DENIED_PER_MINUTE, window_s=60)
    if wait:
        response = errors_response(
            request, 429, [Problem(None, f"too many refused calls; wait {wait} s")]
        )
        response["Retry-After"] = str(wait)
        return response
    audit("-", API_ROLE, "api.denied", "path", "", f"{why}: {request.path[:240]}", flagged=True)
    return errors_response(request, 401, [Problem(None, f"{why}: send a valid token")])


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    problems = from_pydantic(list(exc.errors))
    token = getattr(request, "auth", None)
    fields = ", ".join(sorted({p.field or "body" for p in problems}))
    audit(
        token.user if isinstance(token, ApiToken) else "-",
        API_ROLE,
        "api.refused",
        "path",
        "",
        f"invalid: {fields} ({request.method} {request.path[:200]})",
    )
    return errors_response(request, 400, problems)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return errors_response(request, exc.status_code, [Problem(None, str(exc))])


# one router for every operation: two operations on one path must share it (GET and POST)
router = Router()


def _register() -> None:
    from bip.web.api import routes_caseload, routes_exports, routes_measurements  # noqa: F401

    api.add_router("", router)


_register()
