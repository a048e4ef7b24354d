from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("workbench/calendar/", include("workdays.urls")),
    path("workbench/audit/", include("workbench.audit_urls")),
    path("workbench/agencies/", include("orgs.urls")),
    path("workbench/documents/", include("catalog.urls")),
    path("workbench/requests/", include("disclosure_requests.urls")),
    path("workbench/appeals/", include("appeals.urls")),
    path("workbench/monitoring/", include("monitoring.urls")),
    path("workbench/jobs/", include("jobs.urls")),
    path("workbench/letters/", include("mailboxes.urls")),
    path("workbench/consultations/", include("consultations.urls")),
    path("workbench/corrections/", include("rectifications.urls")),
    path("workbench/reports/", include("reports.urls")),
    path("workbench/checkup/", include("report_checkup.urls")),
    path("workbench/guides/", include("portal.staff_urls")),
    path("workbench/", include("workbench.urls")),
    path("apply/", include("disclosure_requests.public_urls")),
    path("letters/", include("mailboxes.public_urls")),
    path("consultations/", include("consultations.public_urls")),
    path("corrections/", include("rectifications.public_urls")),
    path("", include("portal.urls")),
]

handler400 = "portal.views.bad_request"
handler403 = "portal.views.permission_denied"
handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
