from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "conserverie.core"
    verbose_name = _("Noyau")

    def ready(self):
        from django.core import checks

        from conserverie.core.checks import check_site_url, check_sms_backend
        from conserverie.core.two_factor import check_keys

        checks.register(check_site_url)
        checks.register(check_keys)
        checks.register(check_sms_backend)
