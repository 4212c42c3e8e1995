"""The measurement tool's pages, one module per area. Each view derives from a role-checked
base in ``access.py``, names its roles, checks its form, calls one service (writes) or
selector (reads) and renders."""

from bip.web.core.views.admin import (
    AdminAuditView,
    AdminImportView,
    AdminJobcentersView,
    AdminUsersView,
    AdminVersionsView,
)
from bip.web.core.views.analyst import AnalystExportView, AnalystView
from bip.web.core.views.auth import HomeView, LoginView, PasswordChangeView
from bip.web.core.views.caseload import CaseloadView, EnrolView, FindCitizenView
from bip.web.core.views.citizen import CitizenDetailView, CitizenSummaryView, TransferView
from bip.web.core.views.errors import forbidden, not_found
from bip.web.core.views.kiosk import (
    KioskCompleteView,
    KioskDoneView,
    KioskExitView,
    KioskStartView,
    KioskView,
)
from bip.web.core.views.measurements import MeasurementCreateView, MeasurementEditView

__all__ = [
    "AdminAuditView",
    "AdminImportView",
    "AdminJobcentersView",
    "AdminUsersView",
    "AdminVersionsView",
    "AnalystExportView",
    "AnalystView",
    "CaseloadView",
    "CitizenDetailView",
    "CitizenSummaryView",
    "EnrolView",
    "FindCitizenView",
    "HomeView",
    "KioskCompleteView",
    "KioskDoneView",
    "KioskExitView",
    "KioskStartView",
    "KioskView",
    "LoginView",
    "MeasurementCreateView",
    "MeasurementEditView",
    "PasswordChangeView",
    "TransferView",
    "forbidden",
    "not_found",
]
