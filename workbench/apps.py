from django.apps import AppConfig

# What an empty drop-down says (Django's default is "---------", which reads as a blank, not a prompt).
EMPTY_CHOICE_LABEL = "请选择…"


class WorkbenchConfig(AppConfig):
    name = "workbench"
    verbose_name = "工作台"

    def ready(self):
        # Every form of the platform (staff and public) prompts the same way: ModelChoiceField's default
        # empty_label and the blank choice model fields offer (BLANK_CHOICE_DASH, a shared list every
        # Field.get_choices and ModelForm field uses as its default) are set once, here, at start-up.
        from django.db.models import fields  # noqa: PLC0415 - Django internals, only at start-up
        from django.forms import models as form_models  # noqa: PLC0415

        form_models.ModelChoiceField.__init__.__kwdefaults__["empty_label"] = EMPTY_CHOICE_LABEL
        fields.BLANK_CHOICE_DASH[:] = [("", EMPTY_CHOICE_LABEL)]
