"""The second factor's pages: the code after the password, the first enrolment with its
recovery codes, and new recovery codes for a logged-in user."""

from __future__ import annotations

import segno
from django import forms
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from bip.web.core.access import RoleView
from bip.web.core.audit import audit
from bip.web.core.limits import locked_counter, seconds_left
from bip.web.core.throttle import _record_failure, clear, locked_message, login_key
from bip.web.signin import twofactor


class CodeForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Code"), max_length=40, strip=True)


def _safe_next(request, url: str) -> str:
    ok = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if ok else "/"


class SecondFactorView(View):
    """``/login/code/``: the code (or, the first time, the authenticator's enrolment)."""

    def dispatch(self, request, *args, **kwargs):
        self.user = twofactor.pending_user(request)
        if self.user is None:
            messages.info(request, _("Please log in again."))
            return redirect("login")
        self.totp = twofactor.confirmed_totp(self.user)
        return super().dispatch(request, *args, **kwargs)

    def _page(self, request, form, status=200):
        if self.totp is not None:
            return render(request, "signin/code.html", {"form": form}, status=status)
        device = twofactor.enrolment_device(self.user)
        qr = segno.make(device.config_url, error="m")
        context = {
            "form": form,
            "qr": qr.svg_inline(scale=4, border=4, light="#fff", title=_("QR code")),
            "secret": " ".join(
                twofactor.secret_of(device)[i : i + 4]
                for i in range(0, len(twofactor.secret_of(device)), 4)
            ),
        }
        return render(request, "signin/enrol.html", context, status=status)

    def get(self, request):
        return self._page(request, CodeForm())

    def post(self, request):
        form = CodeForm(request.POST)
        if not form.is_valid():
            return self._page(request, form, status=400)
        username, code = self.user.username, form.cleaned_data["code"]
        error = None
        with transaction.atomic():
            counter = locked_counter(login_key(username))
            wait = seconds_left(counter.locked_until)
            if wait:
                error = locked_message(wait)
                request.session.pop(twofactor.PENDING, None)
            elif self.totp is None:
                codes = twofactor.enrol(self.user, twofactor.enrolment_device(self.user), code)
                if codes is not None:
                    clear(counter)
                    device = twofactor.confirmed_totp(self.user)
                    nxt = _safe_next(request, twofactor.pending_next(request))
                    twofactor.finish(request, self.user, device, "TOTP")
                    context = {"codes": codes, "next": nxt, "first": True}
                    return render(request, "signin/recovery_codes.html", context)
            else:
                device, how = twofactor.check_code(self.user, code)
                if device is not None:
                    clear(counter)
                    nxt = _safe_next(request, twofactor.pending_next(request))
                    twofactor.finish(request, self.user, device, how)
                    return redirect(nxt)
            if error is None:
                lock = _record_failure(counter, username, request, "second factor wrong")
                if lock:
                    error = locked_message(lock)
                    request.session.pop(twofactor.PENDING, None)
        if error is not None:  # locked: back to the login page, the code step starts again
            messages.error(request, error)
            return redirect("login")
        form.add_error("code", _("That code is not valid. Try again."))
        return self._page(request, form, status=400)


class RecoveryCodesView(RoleView):
    """``/login/recovery-codes/``: how many recovery codes are left; new ones on request."""

    roles = ("admin", "analyst")

    def get(self, request):
        left = twofactor.recovery_codes_left(request.user)
        return render(request, "signin/recovery_codes.html", {"left": left})

    def post(self, request):
        codes = twofactor.new_recovery_codes(request.user)
        audit(
            request.user,
            self.role,
            "otp.recovery_new",
            "user",
            request.user.username,
            f"{len(codes)} new recovery codes",
        )
        return render(request, "signin/recovery_codes.html", {"codes": codes, "next": "/"})
