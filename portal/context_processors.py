from dataclasses import dataclass

from django.apps import apps
from django.core.cache import cache
from django.urls import reverse

from .models import Site

CACHE_KEY = "portal:site_identity"


@dataclass(frozen=True)
class SiteIdentity:
    name: str
    sponsor: str
    contact: str
    site_id_code: str
    icp_number: str
    police_record_number: str
    party_gov_badge: bool


def load_site_identity() -> SiteIdentity:
    identity = cache.get(CACHE_KEY)
    if identity is None:
        site = Site.objects.filter(is_portal=True).select_related("agency").order_by("id").first()
        if site is None:
            identity = SiteIdentity("政务公开平台", "（未设置主办单位）", "", "", "", "", False)
        else:
            identity = SiteIdentity(site.name, site.agency.name if site.agency else "（未设置主办单位）",
                                    site.contact, site.site_id_code, site.icp_number,
                                    site.police_record_number, site.party_gov_site_badge)
        cache.set(CACHE_KEY, identity, 300)
    return identity


def forget_site_identity(**_kwargs) -> None:
    cache.delete(CACHE_KEY)


def site_identity(request) -> dict:
    return {"site_identity": load_site_identity(), "portal_nav": portal_nav()}


@dataclass(frozen=True)
class PortalNavItem:
    """Resolved lazily: the URL configuration is not ready when the apps register their items."""

    label: str
    url_name: str
    order: int = 100

    @property
    def url(self) -> str:
        return reverse(self.url_name)


def portal_nav() -> list[PortalNavItem]:
    """The public portal's top navigation: every app's `portal_menu` on its AppConfig, a list of (label, url
    name, order), so the apps offer their entries without importing the portal."""
    items = {}
    for config in apps.get_app_configs():
        for label, url_name, order in getattr(config, "portal_menu", ()):
            items[url_name] = PortalNavItem(label, url_name, order)
    return sorted(items.values(), key=lambda item: (item.order, item.label))
