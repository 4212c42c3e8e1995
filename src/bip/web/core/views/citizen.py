"""One citizen: the citizen page and the transfer to another caseworker."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from bip.web.core import selectors, services
from bip.web.core.access import CitizenView, caseworkers_for
from bip.web.core.forms import TransferForm
from bip.web.core.views.measurements import lang


class CitizenDetailView(CitizenView):
    """History, charts, paired items, activities over time, caseworker changes."""

    def get(self, request, citizen_id):
        citizen = self.get_citizen()
        ctx = selectors.citizen_overview(citizen=citizen, lang=lang(), fetched_by=request.user)
        return render(request, "bip/citizen.html", ctx)

    def post(self, request, citizen_id):
        """The citizen's name (stored encrypted), set or cleared from the citizen page."""
        citizen = self.get_citizen()
        services.citizen_set_name(
            user=request.user, citizen=citizen, name=request.POST.get("name", "")[:200]
        )
        messages.success(request, _("The name is saved."))
        return redirect("citizen", citizen_id=citizen.citizen_id)


class TransferView(CitizenView):
    """Transfer to another caseworker of the jobcentre, recorded as a caseworker change."""

    def _form(self, citizen, data=None, fetched_by=None):
        return TransferForm(
            data,
            caseworkers=caseworkers_for(self.request.user),
            current=citizen.caseworker,
            since=selectors.transfer_since(citizen=citizen, fetched_by=fetched_by),
            initial={"started_on": dt.date.today()},
        )

    def get(self, request, citizen_id):
        citizen = self.get_citizen()
        form = self._form(citizen, fetched_by=request.user)
        return render(request, "bip/transfer.html", {"citizen": citizen, "form": form})

    def post(self, request, citizen_id):
        citizen = self.get_citizen()
        form = self._form(citizen, request.POST)
        if not form.is_valid():
            services.transfer_refused(user=request.user, citizen=citizen, errors=form.errors)
            return render(
                request, "bip/transfer.html", {"citizen": citizen, "form": form}, status=400
            )
        services.citizen_transfer(
            citizen=citizen,
            to=form.cleaned_data["caseworker"],
            started_on=form.cleaned_data["started_on"],
            user=request.user,
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, _("The citizen is transferred; the change is recorded."))
        return redirect("citizen", citizen_id=citizen.citizen_id)
