from django.urls import path

from . import views

app_name = "orgs"

urlpatterns = [
    path("", views.AgencyListView.as_view(), name="index"),
    path("new/", views.AgencyCreateView.as_view(), name="create"),
    path("export/", views.AgencyExportView.as_view(), name="export"),
    path("import/", views.AgencyImportView.as_view(), name="import"),
    path("<int:pk>/", views.AgencyDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.AgencyUpdateView.as_view(), name="update"),
    path("<int:pk>/reorganise/", views.AgencyReorganiseView.as_view(), name="reorganise"),
    path("<int:pk>/roles/", views.AgencyRolesView.as_view(), name="roles"),
    path("roles/<int:pk>/revoke/", views.RoleRevokeView.as_view(), name="revoke_role"),
]
