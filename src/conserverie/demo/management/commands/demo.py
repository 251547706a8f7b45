"""`conserverie demo`: migrate, load the demo territory once, list the demo accounts, serve on localhost."""

import os
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from conserverie.demo.loader import ACCOUNTS, DEMO_API_TOKEN, DEMO_PASSWORD, load_demo


def follow_port(port: int) -> str:
    """SITE_URL (label QR codes, cancel and calendar links) is the address the demo server listens on, unless the
    environment sets it: `conserverie demo --port 8001` prints links to http://127.0.0.1:8001."""
    if not os.environ.get("SITE_URL", "").strip():
        settings.SITE_URL = f"http://127.0.0.1:{port}"
    return settings.SITE_URL


class Command(BaseCommand):
    help = _("Prépare la base, charge la démonstration (territoire de Romans) et lance le serveur local.")

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000, help=_("Port du serveur local (8000 par défaut)."))
        parser.add_argument(
            "--no-serve", action="store_true", help=_("Charger la démonstration sans lancer le serveur.")
        )

    def handle(self, *args, port, no_serve, **options):
        if not 1 <= port <= 65535:
            raise CommandError(_("Port invalide : %(port)s (entre 1 et 65535).") % {"port": port})
        follow_port(port)
        call_command("migrate", interactive=False, verbosity=0)
        started = time.monotonic()
        if load_demo():
            self.stdout.write(_("Démonstration chargée en %(seconds).1f s.") % {"seconds": time.monotonic() - started})
        else:
            self.stdout.write(_("La base contient déjà un territoire : rien n'a été chargé."))
        self.stdout.write("")
        self.stdout.write(_("Adresse : http://127.0.0.1:%(port)s/") % {"port": port})
        self.stdout.write(_("Comptes de démonstration (mot de passe « %(password)s ») :") % {"password": DEMO_PASSWORD})
        for username, _slug, _role, description in ACCOUNTS:
            self.stdout.write(f"  {username:<22} {description}")
        self.stdout.write(
            _("API (lecture seule, coordination de Romans) : http://127.0.0.1:%(port)s/api/v1/docs, jeton %(token)s")
            % {"port": port, "token": DEMO_API_TOKEN}
        )
        if not no_serve:
            self.stdout.write("")
            call_command("runserver", f"127.0.0.1:{port}", use_reloader=False)
