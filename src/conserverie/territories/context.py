from django.conf import settings

from conserverie.territories.staff import staff_menu


def site_context(request):
    return {"SITE_URL": settings.SITE_URL, **staff_menu(request)}
