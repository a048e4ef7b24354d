from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = "意见征集与回应关切"
    default_auto_field = "django.db.models.BigAutoField"
    workbench_menu = [("意见征集", "consultations:index", "interaction.handle", 51),  # workbench.navigation
                      ("回应关切", "consultations:responses", "interaction.handle", 52)]
    portal_menu = [("意见征集", "consultations_public:index", 51)]  # portal.context_processors
