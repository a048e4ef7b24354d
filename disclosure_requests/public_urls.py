"""Public URLs of 依申请公开 (/apply/): no login. The status lookup is POST so that the 查询码 never lands
in a URL, a browser history or an access log."""

from django.urls import path

from . import public_views

app_name = "disclosure_public"

urlpatterns = [
    path("", public_views.choose_agency, name="index"),
    path("status/", public_views.status, name="status"),
    path("receipt/", public_views.receipt, name="receipt"),
    path("cases/<str:number>/", public_views.case_page, name="case"),
    path("cases/<str:number>/correction/", public_views.correction, name="correction"),
    path("cases/<str:number>/<str:what>/<int:item_id>/", public_views.download, name="download"),
    path("agencies/<str:code>/", public_views.apply, name="apply"),
]
