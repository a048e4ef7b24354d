from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "appeals"
    verbose_name = "行政复议与行政诉讼"
    workbench_menu = [("行政复议诉讼", "appeals:index", "requests.view", 45)]  # workbench.navigation
