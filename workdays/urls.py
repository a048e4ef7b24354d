from django.urls import path

from . import views

app_name = "workdays"

urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("<int:year>/", views.YearView.as_view(), name="year"),
    path("<int:year>/day/", views.SetDayView.as_view(), name="set_day"),
    path("<int:year>/day/remove/", views.RemoveDayView.as_view(), name="remove_day"),
    path("<int:year>/status/", views.StatusView.as_view(), name="set_status"),
    path("<int:year>/sync/", views.SyncView.as_view(), name="sync"),
]
