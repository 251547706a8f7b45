from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerritoriesConfig(AppConfig):
    name = "conserverie.territories"
    verbose_name = _("Territoires")

    def ready(self):
        from conserverie.territories.two_factor import connect_signals

        connect_signals()
