"""URLs of the insight pages (included from bip.web.urls)."""

from django.urls import path

from bip.web.insight import views

urlpatterns = [
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path(
        "dashboard/export.<str:fmt>", views.DashboardExportView.as_view(), name="dashboard_export"
    ),
    path("effectiveness/", views.EffectivenessView.as_view(), name="insight_effectiveness"),
    path("teams/", views.TeamsView.as_view(), name="insight_teams"),
    path("analyses/", views.RunsView.as_view(), name="insight_runs"),
    path("analyses/<int:run_id>/", views.RunDetailView.as_view(), name="insight_run"),
    path(
        "analyses/<int:run_id>/<str:name>", views.RunDownloadView.as_view(), name="insight_download"
    ),
    path("administration/registers/", views.RegisterUploadView.as_view(), name="insight_registers"),
]
