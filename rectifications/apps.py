from django.apps import AppConfig


class RectificationsConfig(AppConfig):
    name = "rectifications"
    verbose_name = "更正申请（条例第四十一条）"
    default_auto_field = "django.db.models.BigAutoField"
    workbench_menu = [("更正申请", "rectifications:index", "requests.handle", 41)]  # workbench.navigation
