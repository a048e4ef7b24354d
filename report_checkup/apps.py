from django.apps import AppConfig


class ReportCheckupConfig(AppConfig):
    name = "report_checkup"
    verbose_name = "年报体检"

    def ready(self):
        from workbench.navigation import register

        register("年报体检", "report_checkup:index", "reports.compile", 61)
