"""The 403 and 404 pages in the tool's layout (``handler403`` / ``handler404``)."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext as _


def forbidden(request, exception=None):
    """403 page in the tool's layout."""
    return render(
        request,
        "bip/error.html",
        {"code": 403, "message": _("You do not have access to this page.")},
        status=403,
    )


def not_found(request, exception=None):
    """404 page in the tool's layout."""
    return render(request, "bip/error.html", {"code": 404, "message": _("Not found.")}, status=404)
