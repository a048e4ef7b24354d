from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "政府信息（主动公开）"

    def ready(self):
        from workbench.navigation import register

        register("政府信息", "catalog:index", "catalog.view", 30)
