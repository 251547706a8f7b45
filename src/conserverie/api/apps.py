from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "conserverie.api"
    label = "api"
    verbose_name = _("API")

    def ready(self):
        # The log of API calls is kept API_CALL_RETENTION_MONTHS, then deleted by the nightly `retention` job.
        from django.conf import settings

        from conserverie.api.models import ApiCall
        from conserverie.people.privacy import LogRetention, log_retention_register

        log_retention_register(
            LogRetention(
                key="api.ApiCall",
                months=lambda: settings.API_CALL_RETENTION_MONTHS,
                rows=lambda before: ApiCall.objects.filter(at__lt=before),
            )
        )
