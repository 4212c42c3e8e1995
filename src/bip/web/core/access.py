"""Role rules, in one place: who may open which view and which rows each role may see.

Every view in ``views.py`` derives from :class:`RoleView` and names its ``roles``; every query
for citizen data goes through :func:`citizens_for` / :func:`measurements_for`. A citizen outside
the user's scope is answered with 404, so the view does not even reveal that it exists.
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import QuerySet
from django.http import Http404
from django.views import View

from bip.web.core.models import Caseworker, Citizen, Jobcenter, Measurement, Profile, Role


def profile_of(user) -> Profile | None:
    """The user's profile, or None (anonymous users and users without a role)."""
    if not user.is_authenticated:
        return None
    try:
        return user.profile
    except Profile.DoesNotExist:
        return None


def role_of(user) -> str | None:
    p = profile_of(user)
    return p.role if p else None


def citizens_for(user) -> QuerySet[Citizen]:
    """Citizens whose personal data ``user`` may open: caseworkers, own jobcentre only."""
    p = profile_of(user)
    if p is None or p.role != Role.CASEWORKER or p.jobcenter_id is None:
        return Citizen.objects.none()
    return Citizen.objects.filter(jobcenter_id=p.jobcenter_id)


def caseload_citizens_for(user) -> QuerySet[Citizen]:
    """Citizens listed on caseload pages: a caseworker's or a manager's own jobcentre."""
    p = profile_of(user)
    if p is None or p.role not in (Role.CASEWORKER, Role.MANAGER) or p.jobcenter_id is None:
        return Citizen.objects.none()
    return Citizen.objects.filter(jobcenter_id=p.jobcenter_id)


def measurements_for(user) -> QuerySet[Measurement]:
    """Measurements ``user`` may open or edit (those of :func:`citizens_for`)."""
    return Measurement.objects.filter(citizen__in=citizens_for(user))


def jobcenters_for(user) -> QuerySet[Jobcenter]:
    """Jobcentres whose aggregates ``user`` may see: a manager's own; analysts all (pseudonymous)."""
    p = profile_of(user)
    if p is None:
        return Jobcenter.objects.none()
    if p.role == Role.MANAGER and p.jobcenter_id:
        return Jobcenter.objects.filter(pk=p.jobcenter_id)
    if p.role == Role.ANALYST:
        return Jobcenter.objects.all()
    return Jobcenter.objects.none()


def caseworkers_for(user) -> QuerySet[Caseworker]:
    """Caseworkers a citizen may be transferred to / caseloads a manager may open."""
    p = profile_of(user)
    if p is None or p.role not in (Role.CASEWORKER, Role.MANAGER) or p.jobcenter_id is None:
        return Caseworker.objects.none()
    return Caseworker.objects.filter(jobcenter_id=p.jobcenter_id)


def own_caseworker(user) -> Caseworker | None:
    try:
        return user.caseworker
    except Caseworker.DoesNotExist:
        return None


def refusal(request, status: int):
    """The 403/404 page in the tool's layout, as a normal response."""
    from django.shortcuts import render
    from django.utils.translation import gettext as _

    message = _("You do not have access to this page.") if status == 403 else _("Not found.")
    return render(request, "bip/error.html", {"code": status, "message": message}, status=status)


class RoleView(LoginRequiredMixin, View):
    """Base of every view: login required and the user's role must be in ``roles``."""

    roles: tuple = ()  # Role members

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        role = role_of(request.user)
        if role is None or role not in self.roles:
            from bip.web.core.audit import audit

            audit(request.user, role, "access.denied", "path", "", request.path[:300])
            return refusal(request, 403)
        self.role = role
        self.profile = profile_of(request.user)
        try:
            return super().dispatch(request, *args, **kwargs)
        except Http404:
            # Answered, not raised: with ATOMIC_REQUESTS a raised 404 would roll back the audit entry.
            from bip.web.core.audit import audit

            target = kwargs.get("citizen_id") or kwargs.get("measurement_id") or ""
            audit(
                request.user, role, "access.denied", "path", target, request.get_full_path()[:300]
            )
            return refusal(request, 404)


class CitizenView(RoleView):
    """A view on one citizen (URL kwarg ``citizen_id``), scoped by :func:`citizens_for`."""

    roles = (Role.CASEWORKER,)

    def get_citizen(self) -> Citizen:
        try:
            return citizens_for(self.request.user).get(citizen_id=self.kwargs["citizen_id"])
        except Citizen.DoesNotExist as exc:
            raise Http404 from exc


class MeasurementView(RoleView):
    """A view on one measurement (URL kwarg ``measurement_id``), scoped by :func:`measurements_for`."""

    roles = (Role.CASEWORKER,)

    def get_measurement(self) -> Measurement:
        try:
            return (
                measurements_for(self.request.user)
                .select_related("citizen")
                .get(measurement_id=self.kwargs["measurement_id"])
            )
        except Measurement.DoesNotExist as exc:
            raise Http404 from exc


def role_context(request) -> dict:
    """Template context: the user's role, for menus (menus are convenience; views enforce)."""
    p = profile_of(request.user) if hasattr(request, "user") else None
    return {"bip_role": p.role if p else None, "bip_profile": p}
