from django.urls import path

from . import views

app_name = "consultations"

urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("new/", views.CreateView.as_view(), name="create"),
    path("responses/", views.ResponsesView.as_view(), name="responses"),
    path("<int:pk>/", views.DetailView.as_view(), name="detail"),
    path("<int:pk>/publish/", views.PublishView.as_view(), name="publish"),
    path("<int:pk>/moderate/", views.ModerateView.as_view(), name="moderate"),
    path("<int:pk>/decide/", views.DecideView.as_view(), name="decide"),
    path("<int:pk>/feedback/", views.FeedbackView.as_view(), name="feedback"),
    path("<int:pk>/close/", views.CloseView.as_view(), name="close"),
    path("<int:pk>/final-document/", views.LinkDocumentView.as_view(), name="link_document"),
]
