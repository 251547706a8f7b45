from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkshopsConfig(AppConfig):
    name = "conserverie.workshops"
    verbose_name = _("Ateliers")

    def ready(self):
        # What this app holds on a person, for the export and the retention job (people.privacy).
        from conserverie.workshops import personal_data

        personal_data.register()
