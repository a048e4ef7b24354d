from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = "网站监测"

    def ready(self):
        from workbench.navigation import register

        register("网站监测", "monitoring:index", "monitoring.view", 60)
