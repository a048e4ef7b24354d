from django.urls import path

from . import views

app_name = "report_checkup"

urlpatterns = [
    path("", views.CheckupIndexView.as_view(), name="index"),
    path("<int:pk>/", views.CheckupBatchView.as_view(), name="batch"),
    path("<int:pk>/result.xlsx", views.CheckupXlsxView.as_view(), name="xlsx"),
    path("<int:pk>/result.json", views.CheckupJsonView.as_view(), name="json"),
]
