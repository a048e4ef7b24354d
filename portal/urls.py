from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("agencies/", views.AgencyListView.as_view(), name="agency_list"),
    path("agencies/<str:code>/", views.agency_detail, name="agency_detail"),
]
