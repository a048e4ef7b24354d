"""Public URLs of 更正申请 (/corrections/). The lookup and the 告知书 download are POST, so the 查询码 stays out
of URLs and logs."""

from django.urls import path

from . import public_views

app_name = "rectifications_public"

urlpatterns = [
    path("", public_views.apply, name="apply"),
    path("receipt/", public_views.receipt, name="receipt"),
    path("status/", public_views.status, name="status"),
    path("status/notice.pdf", public_views.notice_pdf, name="notice_pdf"),
]
