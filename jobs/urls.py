from django.urls import path

from . import views

app_name = "jobs"

urlpatterns = [
    path("", views.JobListView.as_view(), name="index"),
    path("rerun/", views.JobRerunView.as_view(), name="rerun"),
]
