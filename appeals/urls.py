from django.urls import path

from . import views

app_name = "appeals"

urlpatterns = [
    path("", views.AppealListView.as_view(), name="index"),
    path("new/", views.AppealCreateView.as_view(), name="create"),
    path("<int:pk>/", views.AppealDetailView.as_view(), name="detail"),
    path("<int:pk>/decide/", views.AppealDecideView.as_view(), name="decide"),
]
