from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = "意见征集与回应关切"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from portal.context_processors import PORTAL_NAV, _NavItem
        from workbench.navigation import register

        register("意见征集", "consultations:index", "interaction.handle", 51)
        register("回应关切", "consultations:responses", "interaction.handle", 52)
        if not any(item.url_name == "consultations_public:index" for item in PORTAL_NAV):
            PORTAL_NAV.append(_NavItem("意见征集", "consultations_public:index"))
