from django.conf import settings

from .staff import staff_menu


def site_context(request):
    return {"SITE_URL": settings.SITE_URL, **staff_menu(request)}
