from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "审计日志"

    def ready(self):
        from workbench.navigation import register

        register("审计日志", "audit:index", "audit.view", 90)
