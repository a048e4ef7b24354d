"""网站监测 (/workbench/monitoring/). The one route with an object id (an agency) looks it up in the user's
scope (workbench/tests/test_staff_urls.py); 立即监测 is POST-only."""

from django.urls import path

from . import views

app_name = "monitoring"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="index"),
    path("run/", views.RunNowView.as_view(), name="run"),
    path("agencies/<int:pk>/", views.AgencyIssuesView.as_view(), name="agency"),
    path("report.xlsx", views.ReportExportView.as_view(file_format="xlsx"), name="report_xlsx"),
    path("report.pdf", views.ReportExportView.as_view(file_format="pdf"), name="report_pdf"),
]
