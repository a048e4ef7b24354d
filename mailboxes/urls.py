from django.urls import path

from . import views

app_name = "mailboxes"

urlpatterns = [
    path("", views.QueueView.as_view(), name="index"),
    path("statistics/", views.StatisticsView.as_view(), name="statistics"),
    path("mailboxes/", views.MailboxesView.as_view(), name="mailboxes"),
    path("from-request/<int:pk>/", views.FromRequestView.as_view(), name="from_request"),
    path("<int:pk>/", views.DetailView.as_view(), name="detail"),
    path("<int:pk>/attachments/<int:attachment_id>/", views.AttachmentView.as_view(), name="attachment"),
    path("<int:pk>/screen/", views.ScreenView.as_view(), name="screen"),
    path("<int:pk>/assign/", views.AssignView.as_view(), name="assign"),
    path("<int:pk>/extend/", views.ExtendView.as_view(), name="extend"),
    path("<int:pk>/reply/", views.ReplyView.as_view(), name="reply"),
    path("<int:pk>/publish/", views.PublishView.as_view(), name="publish"),
    path("<int:pk>/approve-publication/", views.ApprovePublicationView.as_view(), name="approve_publication"),
    path("<int:pk>/return-publication/", views.ReturnPublicationView.as_view(), name="return_publication"),
    path("<int:pk>/unpublish/", views.UnpublishView.as_view(), name="unpublish"),
    path("<int:pk>/convert/", views.ConvertView.as_view(), name="convert"),
]
