"""What every ModelAdmin of Gongkai's own models shares (the one-writer rule, docs/architecture.md): state
changes go through the owning app's services.py, which checks the capability and writes the audit trail, so
the Django admin (/admin/) is read-only for case data. An admin that must edit (configuration with no
workbench page, e.g. portal.Site) overrides save_model / delete_model to call a service instead.
gongkai/tests/test_admin.py walks the admin registry and holds every first-party model to this."""

from django.contrib import admin


class ReadOnlyAdminMixin:
    """Browse and search only: no add, change or delete, no bulk actions (a change POST is refused with 403)."""

    actions = None

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    pass
