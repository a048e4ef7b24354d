"""Absolute links for what leaves the platform without a request (reminder mails): GONGKAI_SITE_URL, the
public address of the site as citizens and staff reach it (e.g. https://gk.example.gov.cn)."""

from django.conf import settings


def absolute_url(path: str) -> str:
    return settings.GONGKAI_SITE_URL.rstrip("/") + path
