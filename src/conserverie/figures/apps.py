from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FiguresConfig(AppConfig):
    name = "conserverie.figures"
    verbose_name = _("Chiffres du territoire")
