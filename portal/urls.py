from django.contrib.sitemaps import views as sitemap_views
from django.urls import path
from django.views.decorators.cache import cache_page

from . import annual_reports, api, feeds, views
from .sitemaps import SITEMAPS

app_name = "portal"
SITEMAP_CACHE_SECONDS = 3600

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("agencies/", views.AgencyListView.as_view(), name="agency_list"),
    # An agency's 政府信息公开 column and its four sub-columns (国办公开办函〔2019〕61号).
    path("agencies/<str:code>/", views.agency_detail, name="agency_detail"),
    path("agencies/<str:code>/guide/", views.agency_guide, name="agency_guide"),
    path("agencies/<str:code>/system/", views.agency_system, name="agency_system"),
    path("agencies/<str:code>/statutory/", views.agency_statutory, name="agency_statutory"),
    path("agencies/<str:code>/statutory/<int:item>/", views.agency_item, name="agency_item"),
    path("agencies/<str:code>/statutory/local/<slug:item>/", views.agency_local_item, name="agency_local_item"),
    path("agencies/<str:code>/annual-reports/", views.agency_reports, name="agency_reports"),
    path("agencies/<str:code>/annual-reports/<int:year>/", annual_reports.annual_report, name="annual_report"),
    path("agencies/<str:code>/annual-reports/<int:year>/v<int:version>.<str:fmt>",
         annual_reports.annual_report_download, name="annual_report_download"),
    path("annual-reports/", annual_reports.annual_reports, name="annual_reports"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("documents/<int:pk>/", views.document_detail, name="document"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("search/", views.search, name="search"),
    path("feeds/latest/", feeds.LatestFeed(), name="feed_latest"),
    path("feeds/agencies/<str:code>/", feeds.AgencyFeed(), name="feed_agency"),
    path("feeds/agencies/<str:code>/items/<int:item>/", feeds.AgencyItemFeed(), name="feed_agency_item"),
    # Rendered with portal templates so that django.contrib.sitemaps need not be in INSTALLED_APPS.
    # Cached: a sitemap page renders thousands of URLs, and search engines do not need it to the minute.
    path("sitemap.xml", cache_page(SITEMAP_CACHE_SECONDS)(sitemap_views.index),
         {"sitemaps": SITEMAPS, "sitemap_url_name": "portal:sitemap_section",
          "template_name": "portal/sitemap_index.xml"}, name="sitemap"),
    path("sitemap-<section>.xml", cache_page(SITEMAP_CACHE_SECONDS)(sitemap_views.sitemap),
         {"sitemaps": SITEMAPS, "template_name": "portal/sitemap.xml"}, name="sitemap_section"),
    path("api/v1/", api.index, name="api_index"),
    path("api/v1/openapi.json", api.openapi, name="api_openapi"),
    path("api/v1/documents/", api.documents, name="api_documents"),
    path("api/v1/documents/<path:key>/", api.document, name="api_document"),
    path("api/v1/agencies/", api.agencies, name="api_agencies"),
    path("api/v1/annual-reports/<str:code>/<int:year>.json", api.annual_report, name="api_annual_report"),
]
