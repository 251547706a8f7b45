from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImpactConfig(AppConfig):
    name = "conserverie.impact"
    verbose_name = _("Utilité sociale")
