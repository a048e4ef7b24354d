from django.contrib import admin

from .models import DisclosureGuide, Site


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ("name", "is_portal", "agency", "site_id_code", "icp_number")


@admin.register(DisclosureGuide)
class DisclosureGuideAdmin(admin.ModelAdmin):
    list_display = ("agency", "updated_at")
    # Raw ids: a select over every document of the region would be unusably long.
    raw_id_fields = ("agency", "system_documents")
    search_fields = ("agency__name",)
