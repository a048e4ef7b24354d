from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "workdays"
    verbose_name = "工作日历"
    # Every staff user may look up the calendar; changing it is checked per view (platform admin).
    workbench_menu = [("工作日历", "workdays:index", None, 80)]  # workbench.navigation
