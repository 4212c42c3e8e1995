"""URLs of the measurement tool. Every view except login/logout/language is role-checked."""

from django.urls import include, path, register_converter

from bip.web.api.api import api
from bip.web.converters import OpaqueId
from bip.web.core import views
from bip.web.signin import oidc
from bip.web.signin import views as signin_views

register_converter(OpaqueId, "id")  # dataset ids in paths, whatever characters they hold

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    # a single sign-on session ends at the provider too (signin/oidc.py)
    path("logout/", oidc.Logout.as_view(), name="logout"),
    # the second factor after the password (signin/twofactor.py)
    path("login/code/", signin_views.SecondFactorView.as_view(), name="login_code"),
    path(
        "login/recovery-codes/",
        signin_views.RecoveryCodesView.as_view(),
        name="recovery_codes",
    ),
    # single sign-on with OpenID Connect (signin/oidc.py; 404 unless BIP_OIDC_ISSUER is set)
    path("oidc/login/", oidc.LoginStart.as_view(), name="oidc_login"),
    path("oidc/callback/", oidc.Callback.as_view(), name="oidc_callback"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("i18n/", include("django.conf.urls.i18n")),
    # the JSON API for case-management systems (token-authenticated; docs/api.md)
    path("api/v1/", api.urls),
    path("", views.HomeView.as_view(), name="home"),
    path("caseload/", views.CaseloadView.as_view(), name="caseload"),
    path("find/", views.FindCitizenView.as_view(), name="find"),
    path("enrol/", views.EnrolView.as_view(), name="enrol"),
    path("citizen/<id:citizen_id>/", views.CitizenDetailView.as_view(), name="citizen"),
    path("citizen/<id:citizen_id>/transfer/", views.TransferView.as_view(), name="transfer"),
    path(
        "citizen/<id:citizen_id>/summary/",
        views.CitizenSummaryView.as_view(),
        name="citizen_summary",
    ),
    path(
        "citizen/<id:citizen_id>/measure/<str:part>/",
        views.MeasurementCreateView.as_view(),
        name="measurement_new",
    ),
    path(
        "measurement/<id:measurement_id>/edit/<str:part>/",
        views.MeasurementEditView.as_view(),
        name="measurement_edit",
    ),
    # the citizen's kiosk screen (core/kiosk.py): started by the caseworker, left with the password
    path("citizen/<id:citizen_id>/kiosk/", views.KioskStartView.as_view(), name="kiosk_start"),
    path(
        "measurement/<id:measurement_id>/kiosk/",
        views.KioskCompleteView.as_view(),
        name="kiosk_complete",
    ),
    path("kiosk/", views.KioskView.as_view(), name="kiosk"),
    path("kiosk/done/", views.KioskDoneView.as_view(), name="kiosk_done"),
    path("kiosk/exit/", views.KioskExitView.as_view(), name="kiosk_exit"),
    path("analyst/", views.AnalystView.as_view(), name="analyst"),
    path("analyst/dataset.zip", views.AnalystExportView.as_view(), name="analyst_export"),
    path(
        "administration/jobcentres/", views.AdminJobcentersView.as_view(), name="admin_jobcenters"
    ),
    path("administration/users/", views.AdminUsersView.as_view(), name="admin_users"),
    path(
        "administration/questionnaires/", views.AdminVersionsView.as_view(), name="admin_versions"
    ),
    path("administration/import/", views.AdminImportView.as_view(), name="admin_import"),
    path("administration/audit/", views.AdminAuditView.as_view(), name="admin_audit"),
    path(
        "", include("bip.web.insight.urls")
    ),  # dashboards, effectiveness, analysis runs, registers
]

handler403 = "bip.web.core.views.forbidden"
handler404 = "bip.web.core.views.not_found"
