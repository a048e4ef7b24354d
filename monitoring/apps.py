from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = "网站监测"
    workbench_menu = [("网站监测", "monitoring:index", "monitoring.view", 60)]  # workbench.navigation
