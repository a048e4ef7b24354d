from django.apps import AppConfig
from django.core import checks


class DisclosureRequestsConfig(AppConfig):
    name = "disclosure_requests"
    verbose_name = "依申请公开"
    workbench_menu = [("依申请公开", "disclosure_requests:index", "requests.view", 40)]  # workbench.navigation
    portal_menu = [("依申请公开", "disclosure_public:index", 40)]  # portal.context_processors

    def ready(self):
        from workdays.services import register_due_date_provider

        from .notices import legacy_template_check
        from .services import redate_open_cases

        checks.register(legacy_template_check, checks.Tags.templates)
        register_due_date_provider(redate_open_cases)
