from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "orgs"
    verbose_name = "机构与角色"

    def ready(self):
        from workbench.navigation import register

        register("机构管理", "orgs:index", "orgs.view", 20)
