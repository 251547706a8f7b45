from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StockConfig(AppConfig):
    name = "conserverie.stock"
    verbose_name = _("Stock et bocaux")

    def ready(self):
        # What this app holds on a person, for the export and the retention job (people.privacy).
        from conserverie.stock import personal_data

        personal_data.register()
