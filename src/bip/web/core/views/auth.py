"""Logging in and out, the start page of each role, the user's own password change."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from bip.web.core import services
from bip.web.core.access import RoleView
from bip.web.core.models import Role
from bip.web.core.throttle import ThrottledAuthenticationForm
from bip.web.signin import oidc, twofactor


class LoginView(auth_views.LoginView):
    """Login with throttling (the only public view besides logout and language). A role that
    needs a second factor is logged in only after the code (``signin/twofactor.py``)."""

    form_class = ThrottledAuthenticationForm
    template_name = "bip/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if twofactor.needs_second_factor(user):
            twofactor.start(self.request, user, self.get_success_url())
            return redirect("login_code")
        return super().form_valid(form)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sso"] = oidc.enabled()
        context["sso_label"] = settings.BIP_OIDC_LABEL or _("your organisation's login")
        context["sso_failed"] = self.request.GET.get("sso") == "failed"
        return context


class HomeView(RoleView):
    """Sends each role to its first page."""

    roles = tuple(Role.values)

    def get(self, request):
        target = {
            Role.CASEWORKER: "caseload",
            Role.MANAGER: "dashboard",
            Role.ANALYST: "analyst",
            Role.ADMIN: "admin_users",
        }[self.role]
        return redirect(target)


class PasswordChangeView(RoleView, auth_views.PasswordChangeView):
    """Any user changes their own password (the old one, then the new one twice, checked by
    the password validators against the user's own name and user name). A login without a
    password in BIP (made by single sign-on) is told where its password is kept instead."""

    roles = tuple(Role.values)
    template_name = "bip/password_change.html"
    success_url = reverse_lazy("home")

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not user.has_usable_password():
            label = settings.BIP_OIDC_LABEL or _("your organisation's login")
            context = {"sso_label": label}
            return render(request, "bip/password_change_sso.html", context, status=403)
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)  # saves and keeps the session logged in
        services.password_changed(user=self.request.user)
        messages.success(self.request, _("Your password is changed."))
        return response

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response
