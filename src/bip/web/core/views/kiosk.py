"""The citizen's kiosk screen: only the questionnaire; leaving needs the caseworker's password.

The rules (which pages a kiosk session reaches) are in ``core/kiosk.py``; these are its pages.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import logout
from django.shortcuts import redirect, render

from bip.web.core import kiosk, selectors, services
from bip.web.core.access import CitizenView, MeasurementView, RoleView
from bip.web.core.forms import MeasurementForm
from bip.web.core.models import Measurement, Role
from bip.web.core.throttle import PasswordCheckForm
from bip.web.core.views.measurements import form_context, lang, save_part

TEMPLATE = "bip/kiosk.html"


class KioskStartView(CitizenView):
    """The caseworker hands the tablet over: kiosk mode for a new measurement's citizen part."""

    def post(self, request, citizen_id):
        citizen = self.get_citizen()
        kiosk.start(request, citizen_id=citizen.citizen_id)
        return redirect("kiosk")


class KioskCompleteView(MeasurementView):
    """Kiosk mode to fill in (or redo) the citizen part of an existing measurement."""

    def post(self, request, measurement_id):
        m = self.get_measurement()
        kiosk.start(request, citizen_id=m.citizen.citizen_id, measurement_id=m.measurement_id)
        return redirect("kiosk")


class _KioskPage(RoleView):
    roles = (Role.CASEWORKER,)

    def dispatch(self, request, *args, **kwargs):
        self.state = kiosk.state(request)
        if self.state is None and request.user.is_authenticated:
            return redirect("home")
        return super().dispatch(request, *args, **kwargs)

    def citizen(self):
        return selectors.kiosk_citizen(user=self.request.user, citizen_id=self.state["citizen"])

    def measurement(self) -> Measurement | None:
        mid = self.state.get("measurement")
        if not mid:
            return None
        return selectors.kiosk_measurement(user=self.request.user, measurement_id=mid)


class KioskView(_KioskPage):
    """The citizen's questionnaire, large, with nothing else on the page."""

    def get(self, request):
        if self.state.get("saved"):
            return redirect("kiosk_done")
        m = self.measurement()
        inst = selectors.instrument(m.questionnaire_version if m else None)
        initial = (
            MeasurementForm.initial_from(m, {"citizen"})
            if m
            else {"measured_on": dt.date.today(), "idempotency_key": self.state["key"]}
        )
        form = MeasurementForm(instrument=inst, parts={"citizen"}, lang=lang(), initial=initial)
        return render(request, TEMPLATE, form_context(form, inst, "citizen", kiosk=True))

    def post(self, request):
        if self.state.get("saved"):
            return redirect("kiosk_done")
        m = self.measurement()
        if m is not None:
            response = save_part(request, m, "citizen", template=TEMPLATE, extra={"kiosk": True})
            if response is not None:
                return response
            kiosk.saved(request, m.measurement_id)
            return redirect("kiosk_done")
        citizen = self.citizen()
        inst = selectors.instrument()
        data = request.POST.copy()
        # the date and the form's key are the kiosk's, not the tablet's to choose
        data["measured_on"] = dt.date.today().isoformat()
        data["idempotency_key"] = self.state["key"]
        form = MeasurementForm(data, instrument=inst, parts={"citizen"}, lang=lang())
        if not form.is_valid():
            services.measurement_refused(user=request.user, citizen=citizen, errors=form.errors)
            ctx = form_context(form, inst, "citizen", kiosk=True)
            return render(request, TEMPLATE, ctx, status=400)
        new, _created = services.measurement_create(
            citizen=citizen,
            caseworker_id=citizen.caseworker_id or request.user.caseworker.pk,
            values=form.values(),
            version=inst.version,
            idempotency_key=self.state["key"],
            user=request.user,
            part="citizen",
        )
        kiosk.saved(request, new.measurement_id)
        return redirect("kiosk_done")


class KioskDoneView(_KioskPage):
    """Thank you; hand the tablet back. The caseworker leaves with the password."""

    def get(self, request):
        if not self.state.get("saved"):
            return redirect("kiosk")
        return render(
            request, "bip/kiosk_done.html", {"form": PasswordCheckForm(user=request.user)}
        )


class KioskExitView(_KioskPage):
    """The caseworker's password ends kiosk mode; the login lock ends the whole session."""

    def get(self, request):
        return render(
            request, "bip/kiosk_exit.html", {"form": PasswordCheckForm(user=request.user)}
        )

    def post(self, request):
        form = PasswordCheckForm(request.POST, user=request.user, request=request)
        if form.is_valid():
            state = kiosk.stop(request)
            if state.get("saved"):
                return redirect(
                    "measurement_edit", measurement_id=state["saved"], part="caseworker"
                )
            return redirect("citizen", citizen_id=state["citizen"])
        if form.locked:
            request.bip_logout_reason = "kiosk: too many wrong passwords"
            logout(request)
            return redirect("login")
        template = "bip/kiosk_done.html" if self.state.get("saved") else "bip/kiosk_exit.html"
        return render(request, template, {"form": form}, status=400)
