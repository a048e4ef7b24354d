from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "政府信息（主动公开）"
    workbench_menu = [("政府信息", "catalog:index", "catalog.view", 30)]  # workbench.navigation
