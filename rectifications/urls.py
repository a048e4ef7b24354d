from django.urls import path

from . import views

app_name = "rectifications"

urlpatterns = [
    path("", views.QueueView.as_view(), name="index"),
    path("register/", views.RegisterView.as_view(), name="register"),
    path("<int:pk>/", views.DetailView.as_view(), name="detail"),
    path("<int:pk>/notice.pdf", views.NoticePdfView.as_view(), name="notice_pdf"),
    path("<int:pk>/evidence/<int:evidence_id>/", views.EvidenceView.as_view(), name="evidence"),
    path("<int:pk>/correct/", views.CorrectView.as_view(), name="correct"),
    path("<int:pk>/refuse/", views.RefuseView.as_view(), name="refuse"),
    path("<int:pk>/transfer/", views.TransferView.as_view(), name="transfer"),
    path("<int:pk>/refer/", views.ReferView.as_view(), name="refer"),
]
