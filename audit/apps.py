from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "审计日志"
    workbench_menu = [("审计日志", "audit:index", "audit.view", 90)]  # workbench.navigation

    def ready(self):
        from django.db.models.signals import post_migrate, pre_migrate

        from . import checks  # noqa: F401 - registers audit.E001…
        from .roles import on_post_migrate, on_pre_migrate

        pre_migrate.connect(on_pre_migrate, sender=self, dispatch_uid="audit-owner-migrates")
        post_migrate.connect(on_post_migrate, sender=self, dispatch_uid="audit-restrict-grants")
