from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PurchasingConfig(AppConfig):
    name = "conserverie.purchasing"
    verbose_name = _("Groupement d'achat")

    def ready(self):
        # What this app holds on a person, for the export and the retention job (people.privacy).
        from conserverie.purchasing import personal_data

        personal_data.register()
        # The jars a live round holds are not free for a sale, a gift or a move: the stock (below this app,
        # docs/architecture.md §3) reads them through its registry under the location's lock (§5).
        from conserverie.purchasing.selectors import stock_set_aside
        from conserverie.stock.set_aside import set_aside_register

        set_aside_register("purchasing.round", stock_set_aside)
