"""Workbench pages for the 政府信息公开指南 and 政府信息公开制度 of each agency (included at /workbench/guides/)."""

from django.urls import path

from . import staff_views

app_name = "portal_staff"

urlpatterns = [
    path("", staff_views.GuideListView.as_view(), name="index"),
    path("<int:agency_id>/", staff_views.GuideEditView.as_view(), name="edit"),
]
