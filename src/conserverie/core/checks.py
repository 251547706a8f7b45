"""System checks of the deployment settings, run by `check`, `migrate` and every management command."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error


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
