from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = "后台任务"
    workbench_menu = [("后台任务", "jobs:index", "monitoring.view", 95)]  # workbench.navigation
