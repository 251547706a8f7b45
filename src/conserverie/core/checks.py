"""System checks of the deployment settings, run by `check`, `migrate` and every management command."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Warning  # noqa: A004 - the check framework's level


def check_site_url(app_configs=None, **kwargs) -> list[Error]:
    """SITE_URL is printed in label QR codes, cancel links and calendar links: a wrong one cannot be recalled."""
    url = getattr(settings, "SITE_URL", "")
    parts = urlsplit(url)
    if parts.scheme in {"http", "https"} and parts.hostname:
        return []
    if url:
        message = f"SITE_URL is not an absolute http(s) address: {url!r}."
    else:
        message = "SITE_URL is not set: label QR codes, cancel links and calendar links need it."
    hint = (
        "Set SITE_URL to the public address of the platform, e.g. SITE_URL=https://conserverie.example.org "
        "(DEBUG=1 defaults it to http://127.0.0.1:8000)."
    )
    return [Error(message, hint=hint, id="conserverie.E001")]


CONSOLE_SMS = "conserverie.core.sms.ConsoleBackend"


def check_sms_backend(app_configs=None, **kwargs) -> list[Error | Warning]:
    """With DEBUG off the console backend is refused: it writes phone numbers and personal cancel links to the log,
    and a reminder it "sent" is marked sent while nobody received it (core/sms.py)."""
    from django.utils.module_loading import import_string

    from conserverie.core.sms import BrevoBackend, ConsoleBackend

    path = getattr(settings, "SMS_BACKEND", "") or CONSOLE_SMS
    try:
        backend = import_string(path)
    except ImportError:
        return [Error(f"SMS_BACKEND {path!r} cannot be imported.", id="conserverie.E003")]
    if settings.DEBUG:
        return []
    if isinstance(backend, type) and issubclass(backend, ConsoleBackend):
        return [
            Error(
                "SMS_BACKEND is the console backend while DEBUG is off: text messages would go to the log (phone "
                "numbers and personal links included) and never reach anyone.",
                hint="Set SMS_BACKEND=conserverie.core.sms.BrevoBackend with SMS_API_KEY (docs/deploy-en.md).",
                id="conserverie.E002",
            )
        ]
    if isinstance(backend, type) and issubclass(backend, BrevoBackend) and not getattr(settings, "SMS_API_KEY", ""):
        return [
            Warning(
                "SMS_API_KEY is not set: no text message will be sent; reminders by SMS are listed as not sent.",
                hint="Set SMS_API_KEY (or SMS_API_KEY_FILE) to the provider's API key (docs/deploy-en.md).",
                id="conserverie.W002",
            )
        ]
    return []
