from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecipesConfig(AppConfig):
    name = "conserverie.recipes"
    verbose_name = _("Recettes")
