from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "政府信息公开工作年度报告"
    workbench_menu = [("年度报告", "reports:index", "reports.compile", 60)]  # workbench.navigation
