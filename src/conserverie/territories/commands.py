"""The options of the nightly commands (`--date`, `--territory`), read the same way by each of them."""

from datetime import date

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from conserverie.core.scoping import every_territory, territory_scope
from conserverie.territories.models import Territory


def nightly_options(day: str | None, slug: str | None):
    """(the day, the territory or None for all, the scope to run in) of `--date` (today by default) and
    `--territory` (every territory by default); a one-line French CommandError for a bad value of either."""
    today = timezone.localdate()
    if day:
        try:
            today = date.fromisoformat(day)
        except ValueError:
            raise CommandError(_("Date illisible : « %(value)s » (attendu AAAA-MM-JJ).") % {"value": day}) from None
    place = None
    if slug:
        place = Territory.objects.by_slug(slug)
        if place is None:
            raise CommandError(_("Territoire inconnu : « %(slug)s ».") % {"slug": slug})
    return today, place, territory_scope(place) if place is not None else every_territory()
