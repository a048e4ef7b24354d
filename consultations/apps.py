from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = "意见征集与回应关切"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from portal.context_processors import register_portal_nav
        from workbench.navigation import register

        register("意见征集", "consultations:index", "interaction.handle", 51)
        register("回应关切", "consultations:responses", "interaction.handle", 52)
        register_portal_nav("意见征集", "consultations_public:index", 51)
