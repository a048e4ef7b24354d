from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.ReportListView.as_view(), name="index"),
    path("new/", views.ReportCreateView.as_view(), name="create"),
    path("<int:pk>/", views.ReportDetailView.as_view(), name="detail"),
    path("<int:pk>/action/", views.ReportActionView.as_view(), name="action"),
    path("<int:pk>/publish/", views.PublishView.as_view(), name="publish"),
    path("<int:pk>/export.<str:fmt>", views.ReportExportView.as_view(), name="export"),
    path("<int:pk>/narrative/", views.NarrativeView.as_view(), name="narrative"),
    path("figures/<int:agency>/<int:year>/", views.FiguresView.as_view(), name="figures"),
    path("figures/<int:agency>/<int:year>/template.xlsx", views.FiguresTemplateView.as_view(),
         name="figures_template"),
    path("figures/<int:agency>/<int:year>/upload/", views.FiguresUploadView.as_view(), name="figures_upload"),
]
