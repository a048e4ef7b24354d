"""Workbench menu: each app registers its entries in its AppConfig.ready(); an entry shows only to users
holding its capability somewhere (orgs.scoping)."""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    capability: str | None = None  # None: every staff user; "platform_admin": platform admins only
    order: int = 100


_entries: dict[str, NavEntry] = {}


def register(label: str, url_name: str, capability: str | None = None, order: int = 100) -> None:
    _entries[url_name] = NavEntry(label, url_name, capability, order)


def entries_for(request) -> list[dict]:
    from orgs.scoping import Capability, has_capability, is_platform_admin

    user = getattr(request, "user", None)  # absent when an error page is rendered before auth middleware
    if user is None or not user.is_authenticated:
        return []
    current = request.resolver_match.view_name if request.resolver_match else ""
    items = []
    for entry in sorted(_entries.values(), key=lambda e: (e.order, e.label)):
        if entry.capability == "platform_admin":
            if not is_platform_admin(user):
                continue
        elif entry.capability and not has_capability(user, Capability(entry.capability)):
            continue
        url = reverse(entry.url_name)
        items.append({"label": entry.label, "url": url,
                      "active": current == entry.url_name or (current.split(":")[0] == entry.url_name.split(":")[0]
                                                              and entry.url_name.endswith(":index"))})
    return items


def workbench_nav(request) -> dict:
    return {"workbench_nav": entries_for(request)}
