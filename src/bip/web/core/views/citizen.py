"""One citizen: the citizen page and the transfer to another caseworker."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from bip.report.pdf import PdfUnavailable, print_pdf
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


class CitizenSummaryView(CitizenView):
    """One printable page to hand to the citizen: star charts, first and latest readings in
    plain words, the averages over time (the browser's Print makes the PDF)."""

    def get(self, request, citizen_id):
        citizen = self.get_citizen()
        ctx = selectors.citizen_overview(citizen=citizen, lang=lang(), fetched_by=request.user)
        ctx["today"] = dt.date.today()
        if request.GET.get("format") == "pdf":
            try:
                return _summary_pdf(request, ctx)
            except PdfUnavailable:
                messages.error(request, _("The PDF could not be made here; use Print instead."))
        return render(request, "bip/citizen_summary.html", ctx)


def _summary_pdf(request, ctx) -> HttpResponse:
    """The summary printed by Chromium (bip.report's helper) from a private temporary folder
    that is removed at once (the page holds the citizen's name)."""
    css = (Path(__file__).resolve().parents[1] / "static" / "bip" / "bip.css").read_text()
    html = render_to_string(
        "bip/citizen_summary.html", {**ctx, "inline_css": css, "for_pdf": True}, request
    )
    with tempfile.TemporaryDirectory(prefix="bip-summary-") as tmp:
        src = Path(tmp) / "summary.html"
        src.write_text(html, encoding="utf-8")
        pdf = print_pdf(src, Path(tmp) / "summary.pdf", timeout=60).read_bytes()
    resp = HttpResponse(pdf, content_type="application/pdf")
    resp["Content-Disposition"] = 'attachment; filename="bip-summary.pdf"'
    return resp


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
