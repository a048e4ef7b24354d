from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "orgs"
    verbose_name = "机构与角色"
    workbench_menu = [("机构管理", "orgs:index", "orgs.view", 20)]  # workbench.navigation
