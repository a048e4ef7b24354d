from django.apps import AppConfig


class MailboxesConfig(AppConfig):
    name = "mailboxes"
    verbose_name = "领导信箱与网上留言"
    default_auto_field = "django.db.models.BigAutoField"
    workbench_menu = [("来信办理", "mailboxes:index", "interaction.handle", 50)]  # workbench.navigation
    portal_menu = [("领导信箱", "mailboxes_public:index", 50)]  # portal.context_processors
