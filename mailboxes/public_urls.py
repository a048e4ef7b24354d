"""Public URLs of 领导信箱 (/letters/). The status lookup is POST so the 查询码 stays out of URLs and logs."""

from django.urls import path

from . import public_views

app_name = "mailboxes_public"

urlpatterns = [
    path("", public_views.index, name="index"),
    path("status/", public_views.status, name="status"),
    path("status/rate/", public_views.rate, name="rate"),
    path("receipt/", public_views.receipt, name="receipt"),
    path("replies/<str:number>/", public_views.reply_detail, name="reply"),
    path("mailboxes/<slug:code>/", public_views.write, name="write"),
]
