from django.contrib import admin

from gongkai.admin import ReadOnlyAdmin

from . import services
from .models import DisclosureGuide, Site


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    """The portal's identity (footer codes) has no workbench page, so the admin edits it — through
    portal.services.save_site, which writes the audit trail. Sites are not deleted."""

    list_display = ("name", "is_portal", "agency", "site_id_code", "icp_number")
    actions = None

    def save_model(self, request, obj, form, change):
        services.save_site(obj, user=request.user)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DisclosureGuide)
class DisclosureGuideAdmin(ReadOnlyAdmin):
    """Read-only: the guide is edited in the workbench (公开指南和制度, portal.services)."""

    list_display = ("agency", "updated_at")
    # Raw ids: a select over every document of the region would be unusably long.
    raw_id_fields = ("agency", "system_documents")
    search_fields = ("agency__name",)
