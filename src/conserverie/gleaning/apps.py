from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GleaningConfig(AppConfig):
    name = "conserverie.gleaning"
    verbose_name = _("Glanage")

    def ready(self):
        # What this app holds on a person, for the export and the retention job (people.privacy).
        from conserverie.gleaning import personal_data

        personal_data.register()
