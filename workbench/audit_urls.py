"""The audit trail's pages (/workbench/audit/). They live in the workbench, not in audit, because they scope
entries by orgs; the audit app stays the bottom of the graph (gongkai/tests/test_app_graph.py). The URL
namespace stays "audit"."""

from django.urls import path

from . import audit_views

app_name = "audit"

urlpatterns = [
    path("", audit_views.AuditListView.as_view(), name="index"),
    path("<int:pk>/", audit_views.AuditDetailView.as_view(), name="detail"),
]
