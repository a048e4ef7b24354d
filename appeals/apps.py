from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "appeals"
    verbose_name = "行政复议与行政诉讼"

    def ready(self):
        from workbench.navigation import register

        register("行政复议诉讼", "appeals:index", "requests.view", 45)
