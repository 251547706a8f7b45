from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DistributionConfig(AppConfig):
    name = "conserverie.distribution"
    verbose_name = _("Distribution")

    def ready(self):
        # What this app holds on a person, for the export and the retention job (people.privacy).
        from conserverie.distribution import personal_data

        personal_data.register()
        # The households reached per day (issue 20): the lower apps' services ask for them to be rebuilt.
        from conserverie.distribution.reach import reach_refresh
        from conserverie.people.reach import reach_refresher_register

        reach_refresher_register("distribution.reach", reach_refresh)
