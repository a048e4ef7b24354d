"""Workbench URLs of 依申请公开 (/workbench/requests/). Every route with a case id looks the case up in the
user's scope; every transition is POST-only (workbench/tests/test_staff_urls.py)."""

from django.urls import path

from . import views

app_name = "disclosure_requests"

urlpatterns = [
    path("", views.QueueView.as_view(), name="index"),
    path("new/", views.RegisterView.as_view(), name="register"),
    # Named "detail": services.redate_open_cases links affected cases here.
    path("<int:pk>/", views.CaseDetailView.as_view(), name="detail"),
    *[path(f"<int:pk>/{action.key.replace('_', '-')}/", views.CaseActionView.as_view(action=action), name=action.key)
      for action in views.ACTIONS],
    path("<int:pk>/promote/", views.PromoteView.as_view(), name="promote"),
    path("<int:pk>/notices/download/", views.NoticeDownloadView.as_view(), name="notice_download"),
    path("<int:pk>/files/download/", views.CaseFileDownloadView.as_view(), name="file_download"),
    path("notification-templates/", views.NotificationTemplatesView.as_view(), name="notification_templates"),
]
