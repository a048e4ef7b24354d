"""Sitemap (django.contrib.sitemaps): every public agency column and every public document. Django's
machinery splits a section into pages of `limit` URLs, listed by the index at /sitemap.xml."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from catalog.models import Document

from .annual_reports import latest_published
from .catalogue import public_agencies


class AgencySitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return public_agencies().order_by("path").only("code", "updated_at")

    def location(self, agency):
        return reverse("portal:agency_detail", args=[agency.code])

    def lastmod(self, agency):
        return agency.updated_at


class DocumentSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.5
    limit = 5_000

    def items(self):
        return Document.objects.public().order_by("-published_on", "-id").only("id", "updated_at")

    def location(self, document):
        return reverse("portal:document", args=[document.pk])

    def lastmod(self, document):
        return document.updated_at

    def get_latest_lastmod(self):
        # Django's default calls lastmod() on every public document to date the index entry; the entry's
        # date is optional, so the index leaves it out rather than read a million rows.
        return None


class AnnualReportSitemap(Sitemap):
    """The latest published version of each agency's report for each year (older versions are linked from it)."""

    changefreq = "yearly"
    priority = 0.6
    limit = 5_000

    def items(self):
        return latest_published().only("agency", "agency__code", "year", "version", "published_at")

    def location(self, report):
        return reverse("portal:annual_report", args=[report.agency.code, report.year])

    def lastmod(self, report):
        return report.published_at


SITEMAPS = {"agencies": AgencySitemap, "documents": DocumentSitemap, "annual-reports": AnnualReportSitemap}
