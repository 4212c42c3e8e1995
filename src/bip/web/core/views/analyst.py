"""The analyst's data page: per-jobcentre counts and the pseudonymous dataset download."""

from __future__ import annotations

import datetime as dt

from django.http import FileResponse
from django.shortcuts import render

from bip.web.core import selectors
from bip.web.core.access import RoleView
from bip.web.core.models import Role


class AnalystView(RoleView):
    """Pseudonymous data for analysts: per-jobcentre counts and a dataset download."""

    roles = (Role.ANALYST,)

    def get(self, request):
        return render(request, "bip/analyst.html", {"jobcenters": selectors.jobcenter_counts()})


class AnalystExportView(RoleView):
    """The tool's data as a format-v1 dataset (zip of CSV files, pseudonyms only)."""

    roles = (Role.ANALYST,)

    def get(self, request):
        buf = selectors.dataset_zip(fetched_by=request.user)
        return FileResponse(buf, as_attachment=True, filename=f"bip-dataset-{dt.date.today()}.zip")
