from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PurchasingConfig(AppConfig):
    name = "conserverie.purchasing"
    verbose_name = _("Groupement d'achat")

    def ready(self):
        # What this app holds on a person, for the export and the retention job (people.privacy).
        from conserverie.purchasing import personal_data

        personal_data.register()
