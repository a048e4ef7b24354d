"""Workbench menu: each app offers its entries as data, `workbench_menu` on its AppConfig — a list of
(label, url name, capability, order) — so no app imports the workbench (docs/architecture.md). An entry
shows only to users holding its capability somewhere (orgs.scoping)."""

from dataclasses import dataclass

from django.apps import apps
from django.urls import reverse

from orgs.scoping import Capability, has_capability, is_platform_admin


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    capability: str | None = None  # None: every staff user; "platform_admin": platform admins only
    order: int = 100


def menu() -> list[NavEntry]:
    """Every app's `workbench_menu`, in display order (capability None: every staff user; "platform_admin":
    platform admins only)."""
    entries = {}
    for config in apps.get_app_configs():
        for label, url_name, capability, order in getattr(config, "workbench_menu", ()):
            entries[url_name] = NavEntry(label, url_name, capability, order)
    return sorted(entries.values(), key=lambda e: (e.order, e.label))


def entries_for(request) -> list[dict]:
    user = getattr(request, "user", None)  # absent when an error page is rendered before auth middleware
    if user is None or not user.is_authenticated:
        return []
    current = request.resolver_match.view_name if request.resolver_match else ""
    items = []
    for entry in menu():
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
