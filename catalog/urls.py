from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("", views.DocumentListView.as_view(), name="index"),
    path("new/", views.DocumentCreateView.as_view(), name="create"),
    path("<int:pk>/", views.DocumentDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.DocumentUpdateView.as_view(), name="update"),
    path("<int:pk>/submit/", views.SubmitView.as_view(), name="submit"),
    path("<int:pk>/secrecy-review/", views.SecrecyReviewView.as_view(), name="secrecy_review"),
    path("<int:pk>/return/", views.ReturnView.as_view(), name="return"),
    path("<int:pk>/publish/", views.PublishView.as_view(), name="publish"),
    path("<int:pk>/withdraw/", views.WithdrawView.as_view(), name="withdraw"),
    path("<int:pk>/validity/", views.ValidityView.as_view(), name="validity"),
    path("<int:pk>/interprets/", views.InterpretationLinkView.as_view(), name="interprets"),
    path("<int:pk>/attachments/", views.AttachmentUploadView.as_view(), name="attach"),
    path("<int:pk>/personal-data/", views.PiiDecisionView.as_view(), name="pii_decide"),
]
