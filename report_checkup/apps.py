from django.apps import AppConfig


class ReportCheckupConfig(AppConfig):
    name = "report_checkup"
    verbose_name = "年报体检"
    workbench_menu = [("年报体检", "report_checkup:index", "reports.compile", 61)]  # workbench.navigation
