from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "letters"
    verbose_name = "领导信箱与网上留言"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from portal.context_processors import PORTAL_NAV, _NavItem
        from workbench.navigation import register

        register("来信办理", "letters:index", "interaction.handle", 50)
        # The portal has no registration hook; its nav list is appended to once, at start-up.
        if not any(item.url_name == "letters_public:index" for item in PORTAL_NAV):
            PORTAL_NAV.append(_NavItem("领导信箱", "letters_public:index"))
