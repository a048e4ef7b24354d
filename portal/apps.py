from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "门户"
    workbench_menu = [("公开指南和制度", "portal_staff:index", "catalog.review", 35)]  # workbench.navigation

    def ready(self):
        from .context_processors import forget_site_identity
        from .models import Site

        post_save.connect(forget_site_identity, sender=Site, dispatch_uid="portal-site-saved")
        post_delete.connect(forget_site_identity, sender=Site, dispatch_uid="portal-site-deleted")
