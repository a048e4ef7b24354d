from django.apps import AppConfig


class MailboxesConfig(AppConfig):
    name = "mailboxes"
    verbose_name = "领导信箱与网上留言"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from portal.context_processors import register_portal_nav
        from workbench.navigation import register

        register("来信办理", "mailboxes:index", "interaction.handle", 50)
        register_portal_nav("领导信箱", "mailboxes_public:index", 50)
