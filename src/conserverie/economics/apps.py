from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EconomicsConfig(AppConfig):
    name = "conserverie.economics"
    verbose_name = _("Économie")
